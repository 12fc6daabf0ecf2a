package rpqs

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"terrimap/dashboard"
	"terrimap/icgp"
)

// sampleReport is a water score whose items show each case of the annex's
// columns: computed, measured by length at 0 %, declared, not declared.
func sampleReport(insee string) *icgp.Report {
	on := time.Date(2025, 4, 28, 0, 0, 0, 0, time.UTC)
	items := icgp.Items(icgp.Water)
	for i := range items {
		it := &items[i]
		switch it.Code {
		case icgp.ItemPlan:
			it.Points, it.Detail = 10, "286,4 km de réseau"
		case icgp.ItemUpdateProcedure:
			it.Points, it.DeclaredBy, it.DeclaredOn, it.Detail = 5, "M. Durand", on, "déclaré"
		case icgp.ItemMaterialDiameter:
			it.Measured, it.Percent, it.Detail = true, 0, "0 km sur 286,4 km"
		case icgp.ItemLayingDate:
			it.Measured, it.Points, it.Percent, it.Detail = true, 12, 71.65, "205,2 km sur 286,4 km"
		default:
			it.Detail = "non déclaré"
		}
	}
	s := &icgp.Score{Service: icgp.Water, Indicator: "P103.2B", Items: items, Total: 15, Length: 286423, LocationClassPercent: 100}
	return &icgp.Report{INSEE: insee, Year: 2026, Water: s, RenewalWater: icgp.Renewal{FromYear: 2022, ToYear: 2026, Renewed: 3847, NetworkLength: 286423, Rate: 0.269, Interventions: 12}}
}

// TestAnnexColumns checks what the annex says of each item's source and
// share: «à déclarer» for an item nobody declared (not «déclaré»), who
// declared a commune's item and when, «déclaré par chaque commune» for the
// whole intercommunality (not the name of one secretary), «0 % du
// linéaire» for an item measured at nothing, the network's length to the
// 100 m as the items give it; in the CSV, no percentage for an item not
// measured by length.
func TestAnnexColumns(t *testing.T) {
	for _, c := range []struct {
		insee        string
		want, refuse []string
	}{
		{"71543", []string{"déclaré par M. Durand le 28 avril 2025", "à déclarer", "0 % du linéaire : 0 km", "71,7 % du linéaire", "Linéaire : 286,4 km", "sur 286,4 km de réseau"}, []string{"déclaré par chaque commune"}},
		{"", []string{"déclaré par chaque commune", "à déclarer"}, []string{"M. Durand"}},
	} {
		got := oneLine(annexPDFText(t, sampleReport(c.insee), nil, Meta{Territory: "Essai", Date: time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)}))
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("commune %q: the annex does not say %q:\n%s", c.insee, w, got)
			}
		}
		for _, w := range c.refuse {
			if strings.Contains(got, w) {
				t.Errorf("commune %q: the annex says %q", c.insee, w)
			}
		}
		if strings.Contains(got, "non déclaré déclaré") {
			t.Errorf("commune %q: an undeclared item's source says «déclaré»", c.insee)
		}
	}
	share := map[string]string{}
	for _, row := range csvRows(t, sampleReport("71543"))[1:] {
		share[row[2]] = row[7]
	}
	for code, want := range map[string]string{icgp.ItemPlan: "", icgp.ItemUpdateProcedure: "", icgp.ItemMaterialDiameter: "0.00", icgp.ItemLayingDate: "71.65"} {
		if share[code] != want {
			t.Errorf("csv: %s pourcentage %q, want %q", code, share[code], want)
		}
	}
}

// csvRows writes the report's CSV and reads it back.
func csvRows(t *testing.T, rep *icgp.Report) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rep); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCellsWrapAtPlainSpaces checks that the annex's cells break lines
// only at plain spaces: a number keeps its «%» and its «km» (the label of
// material and diameter wrapped «jusqu'à 95» / «%)» in its 71 mm column).
func TestCellsWrapAtPlainSpaces(t *testing.T) {
	a := newAnnex("Essai", time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
	label := icgp.Items(icgp.Water)[2].Label
	for _, w := range []float64{30, 45, 69, 80} {
		for _, s := range []string{label, "93,8 % du linéaire : 64,2 km sur 68,4 km"} {
			for _, l := range a.lines(s, 8, "", w) {
				if strings.HasPrefix(l, "%") || strings.HasPrefix(l, "km") {
					t.Errorf("width %.0f mm: %q wraps before %q", w, s, l)
				}
			}
		}
	}
}

// TestTableHeadingKeepsItsRows starts a service's table where its title
// and paragraph fit at the foot of a page but no row would: the heading
// must go to the next page with its rows (the whole demo's annex ended its
// first page with «Part. Élément Points Constat Source» alone).
func TestTableHeadingKeepsItsRows(t *testing.T) {
	for _, room := range []float64{30, 35, 40, 45, 50} {
		a := newAnnex("Essai", time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
		a.page()
		a.y = pageH - margin - room
		a.score(sampleReport("71543").Water, false)
		if first := strings.TrimSpace(annexText(t, a, 1)); strings.HasSuffix(first, "Source") {
			t.Errorf("%.0f mm left: the first page ends with the table's heading alone", room)
		}
	}
}

// TestInventoryHeadingLength checks that the inventory's heading gives the
// network's length as the ICGP part does (286,4 km, not 286 km).
func TestInventoryHeadingLength(t *testing.T) {
	a := newAnnex("Essai", time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
	a.page()
	a.inventory("Eau potable", dashboard.Network{Length: 286423, ByMaterial: []dashboard.Share{{Key: "11", Label: "Fonte ductile", Length: 286423}}})
	if got := strings.Join(strings.Fields(annexText(t, a, 0)), " "); !strings.Contains(got, "Inventaire — Eau potable (286,4 km)") {
		t.Errorf("inventory heading: %s", got)
	}
}

// annexText closes the annex and reads it back with pdftotext -raw (the
// text in the order written, a cell's lines together): the first page
// alone when page is 1, all of it when 0.
func annexText(t *testing.T, a *annex, page int) string {
	t.Helper()
	var pdf bytes.Buffer
	if err := a.f.Output(&pdf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(out, pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-raw", out, "-"}
	if page > 0 {
		args = append([]string{"-f", strconv.Itoa(page), "-l", strconv.Itoa(page)}, args...)
	}
	text, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(text)
}

// TestInventoryHeadingKeepsItsRows starts an inventory table where its
// heading fits at the foot of a page but no row would.
func TestInventoryHeadingKeepsItsRows(t *testing.T) {
	n := dashboard.Network{Length: 1000, ByMaterial: []dashboard.Share{{Key: "11", Label: "Fonte ductile", Length: 1000}},
		ByDiameter: []dashboard.Share{{Key: "100", Label: "100 à 149 mm", Length: 1000}},
		ByDecade:   []dashboard.Share{{Key: "1970", Label: "années 1970", Length: 1000}}}
	for room := 40.0; room <= 60; room++ {
		a := newAnnex("Essai", time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
		a.page()
		a.y = pageH - margin - room
		a.inventory("Eau potable", n)
		first := strings.TrimSpace(annexText(t, a, 1))
		if strings.HasSuffix(first, "Part") {
			t.Errorf("%.0f mm left: the first page ends with a table's heading alone:\n%s", room, first)
		}
	}
}
