package dashboard

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

func TestFrenchNumbers(t *testing.T) {
	const nb = "\u00a0"
	cases := []struct{ got, want string }{
		{Km(12.44), "12,4" + nb + "km"},
		{Km(0.04), "0" + nb + "km"},
		{Km(99.96), "100" + nb + "km"},
		{Km(1234.56), "1" + nb + "235" + nb + "km"},
		{Count(18700), "18" + nb + "700"},
		{Count(7), "7"},
		{Percent(0.456), "46" + nb + "%"},
		{Percent(0.001), "<" + nb + "1" + nb + "%"},
		{Percent(0), "0" + nb + "%"},
		{Percent(1), "100" + nb + "%"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMonthsTitle(t *testing.T) {
	cases := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), "Interventions par mois (janv. à déc. 2026)"},
		{time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), "Interventions par mois (avr. 2025 à mars 2026)"},
	}
	for _, c := range cases {
		if got := monthsTitle(lastMonths(c.now, 12)); got != c.want {
			t.Errorf("%v: %q, want %q", c.now, got, c.want)
		}
	}
}

func TestTopMaterials(t *testing.T) {
	shares := []Share{
		{"11", "Fonte ductile", 900}, {"27", "PVC U lisse", 800}, {"18", "PEHD lisse", 700},
		{"02", "Amiante-ciment", 600}, {"12", "Fonte grise", 500}, {"01", "Acier", 400},
		{"13", "Grès", 300}, {"19", "Plomb", 200}, {Unknown, "Inconnu", 100},
	}
	bars := topMaterials(shares)
	var labels []string
	for _, b := range bars {
		labels = append(labels, b.label)
	}
	want := []string{"Fonte ductile", "PVC U lisse", "PEHD lisse", "Amiante-ciment", "Fonte grise", "Acier", "Autres", "Inconnu"}
	if len(labels) != len(want) {
		t.Fatalf("labels %q, want %q", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("labels %q, want %q", labels, want)
		}
	}
	if bars[6].value != 500 {
		t.Errorf("Autres = %v, want 500 (Grès + Plomb)", bars[6].value)
	}
}

func TestCharts(t *testing.T) {
	s := &Stats{Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
	s.Water.Length = 3000
	s.Water.ByMaterial = []Share{{"11", "Fonte ductile", 2000}, {Unknown, "Inconnu", 1000}}
	s.Water.ByDiameter = classShares(map[string]float64{"100-149": 3000}, DiameterClasses)
	s.Water.ByDecade = decadeShares(map[string]float64{"1970": 2000, Unknown: 1000})
	s.Water.ByLocation = classShares(map[string]float64{"A": 1000, "C": 2000}, LocationClasses)
	s.Hydrants = Hydrants{Total: 10, Available: 9, Checked: 7, AvailableChecked: 7}
	s.Interventions = Interventions{Months: lastMonths(s.Now, 12), Types: []Kind{{"controle", "Contrôle"}}, Counts: [][]int{make([]int, 12)}}
	s.Interventions.Counts[0][11] = 4
	// The sewer network is empty: its charts say so instead of failing.
	for _, size := range []image.Point{{640, 400}, {1280, 720}, {MinWidth, MinHeight}} {
		charts, err := Charts(s, size)
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		keys := []string{KeyWaterMaterial, KeySewerMaterial, KeyWaterDiameter, KeySewerDiameter, KeyWaterDecade, KeySewerDecade,
			KeyWaterLocation, KeySewerLocation, KeyHydrants, KeyMonths, KeyTypes}
		if len(charts) != len(keys) {
			t.Fatalf("%d charts, want %d", len(charts), len(keys))
		}
		for i, c := range charts {
			if c.Key != keys[i] || c.Title == "" {
				t.Errorf("chart %d: key %q title %q", i, c.Key, c.Title)
			}
			if c.Image.Bounds().Size() != size {
				t.Errorf("%s: %v, want %v", c.Key, c.Image.Bounds().Size(), size)
			}
			if blank(c.Image) {
				t.Errorf("%s at %v is blank", c.Key, size)
			}
		}
	}
	if _, err := Charts(s, image.Pt(100, 100)); err == nil {
		t.Error("a 100×100 chart was drawn")
	}
	if _, err := Charts(nil, image.Pt(640, 400)); err == nil {
		t.Error("charts of no statistics were drawn")
	}
}

// blank reports whether an image is of one colour.
func blank(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 {
				return false
			}
		}
	}
	return true
}

// TestTypeColours keeps grey for «Autre» alone: grey says «unknown» on
// every other chart.
func TestTypeColours(t *testing.T) {
	iv := Interventions{Months: lastMonths(time.Now(), 12)}
	for i := range 12 {
		code := fmt.Sprintf("t%d", i)
		if i == 2 {
			code = "autre"
		}
		iv.Types = append(iv.Types, Kind{Code: code, Label: code})
		row := make([]int, 12)
		row[0] = 1
		iv.Counts = append(iv.Counts, row)
	}
	for _, s := range typeSlices(iv) {
		if (s.colour == colourUnknown) != (s.label == "autre") {
			t.Errorf("%s is drawn in %v", s.label, s.colour)
		}
	}
}

// Each month's bar is stacked by type: the parts add up to the month's
// count, in the colours of the types' donut.
func TestMonthBarsStackByType(t *testing.T) {
	iv := Interventions{Months: lastMonths(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), 12),
		Types: []Kind{{"controle", "Contrôle"}, {"curage", "Curage"}, {"autre", "Autre"}}}
	iv.Counts = [][]int{make([]int, 12), make([]int, 12), make([]int, 12)}
	iv.Counts[0][3], iv.Counts[1][3], iv.Counts[2][3] = 2, 1, 4
	iv.Counts[1][11] = 5
	colours := map[string]drawing.Color{}
	for _, s := range typeSlices(iv) {
		colours[s.label] = s.colour
	}
	for m, b := range monthBars(iv) {
		sum := 0.0
		for _, p := range b.parts {
			sum += p.value
			if p.colour != colours[p.label] {
				t.Errorf("month %d: %s in %v, the donut has %v", m, p.label, p.colour, colours[p.label])
			}
		}
		if sum != b.value {
			t.Errorf("month %d: parts add up to %v, the bar is %v", m, sum, b.value)
		}
	}
	if b := monthBars(iv)[3]; len(b.parts) != 3 || b.value != 7 {
		t.Errorf("April: %d parts, %v interventions", len(b.parts), b.value)
	}
}
