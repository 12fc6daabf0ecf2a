package paper

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/mapview"
)

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		v      float64
		digits int
		want   string
	}{
		{0, 0, "0"}, {5, 1, "5"}, {2.5, 1, "2,5"}, {1234.5, 2, "1\u00a0234,5"}, {-1234567, 0, "-1\u00a0234\u00a0567"},
		{0.004, 2, "0"}, {-0.004, 2, "0"}, {999.96, 1, "1\u00a0000"}, {18734, 0, "18\u00a0734"},
	} {
		if got := Decimal(c.v, c.digits); got != c.want {
			t.Errorf("Decimal(%g, %d) = %q, want %q", c.v, c.digits, got, c.want)
		}
	}
}

func TestLength(t *testing.T) {
	for _, c := range []struct {
		m    float64
		want string
	}{{500, "500\u00a0m"}, {2500, "2,5\u00a0km"}, {1000, "1\u00a0km"}, {0.2, "20\u00a0cm"}, {20e6, "20\u00a0000\u00a0km"}} {
		if got := Length(c.m); got != c.want {
			t.Errorf("Length(%g) = %q, want %q", c.m, got, c.want)
		}
	}
}

// TestScaleText holds the one scale rule: three significant digits,
// thousands grouped.
func TestScaleText(t *testing.T) {
	for _, c := range []struct {
		n    float64
		want string
	}{
		{18734, "1:18\u00a0700"}, {55049, "1:55\u00a0000"}, {55051, "1:55\u00a0100"}, {1234, "1:1\u00a0230"},
		{999.6, "1:1\u00a0000"}, {250, "1:250"}, {42.4, "1:42"}, {591_657_527, "1:592\u00a0000\u00a0000"},
		{0, ""}, {-5, ""}, {math.NaN(), ""}, {math.Inf(1), ""},
	} {
		if got := ScaleText(c.n); got != c.want {
			t.Errorf("ScaleText(%g) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), "26 novembre 2026"},
		{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), "1er mai 2026"},
		{time.Date(2027, 8, 15, 0, 0, 0, 0, time.UTC), "15 août 2027"},
		{time.Date(2027, 2, 2, 0, 0, 0, 0, time.UTC), "2 février 2027"},
	} {
		if got := Date(c.t); got != c.want {
			t.Errorf("Date(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	if got := DateTime(time.Date(2026, 6, 15, 14, 32, 0, 0, time.UTC)); got != "15 juin 2026 à 14:32" {
		t.Errorf("DateTime = %q", got)
	}
}

func TestPrintable(t *testing.T) {
	if got := Printable("Réseau 🚒\tnord\x00"); got != "Réseau ? nord " {
		t.Errorf("Printable = %q", got)
	}
}

func TestWrap(t *testing.T) {
	fs := NewFonts()
	f := Font{Size: 10}
	w := fs.Width("Canalisations d'eau", f)
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"Canalisations d'eau potable", []string{"Canalisations d'eau", "potable"}},
		// A no-break space holds a number and its unit together.
		{"Canalisations 1\u00a0234\u00a0m", []string{"Canalisations", "1\u00a0234\u00a0m"}},
		// A word too long is cut after a hyphen when it can be, else anywhere.
		{"Saint-Martin-de-Belleville-sur-Saône", []string{"Saint-Martin-de-", "Belleville-sur-", "Saône"}},
	} {
		got := fs.Wrap(c.in, f, w)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%q) = %q, want %q", c.in, got, c.want)
		}
		for _, l := range got {
			if fs.Width(l, f) > w {
				t.Errorf("Wrap(%q): %q is wider than %g mm", c.in, l, w)
			}
		}
	}
	long := strings.Repeat("x", 80)
	got := fs.Wrap(long, f, w)
	if len(got) < 2 || strings.Join(got, "") != long {
		t.Errorf("Wrap of a word without hyphen = %q", got)
	}
	// No room at all still ends: one rune a line.
	if got := fs.Wrap("abc", f, -1); strings.Join(got, "|") != "a|b|c" {
		t.Errorf("Wrap in no room = %q", got)
	}
}

// Over Tournus, a point 46.564° N.
var tournus = orb.Point{4.9085, 46.5640}

func TestScaleBar(t *testing.T) {
	for _, c := range []struct {
		name     string
		vp       mapview.Viewport
		maxMM    float64
		metres   float64
		mm       float64
		segments int
	}{
		// At the equator, zoom 0: a logical pixel is 2πR/256 = 156 543.03
		// m, 96 of them to the inch: 591 657.5 m per millimetre. At most
		// 50 mm hold 29 583 km: the bar is 20 000 km, 33.80 mm long.
		{"equator z0", mapview.Viewport{Zoom: 0, Width: 800, Height: 600}, 50, 20e6, 33.80, 4},
		// Over Tournus at zoom 14 a pixel covers 9.5503 m × cos(46.564°)
		// = 6.5680 m, a millimetre 24.824 m: 40 mm hold 993 m, the bar is
		// 500 m long, 20.14 mm.
		{"Tournus z14", mapview.Viewport{Center: tournus, Zoom: 14, Width: 800, Height: 600}, 40, 500, 20.14, 5},
		{"no room", mapview.Viewport{Center: tournus, Zoom: 14, Width: 800, Height: 600}, 0, 0, 0, 0},
	} {
		m := MapFrame{Rect: Rect{W: float64(c.vp.Width) * PxMM, H: float64(c.vp.Height) * PxMM}, View: c.vp}
		sb := m.ScaleBar(c.maxMM)
		if sb.Metres != c.metres || math.Abs(sb.MM-c.mm) > 0.02 || sb.Segments != c.segments {
			t.Errorf("%s: scale bar %+v, want %g m over %g mm in %d parts", c.name, sb, c.metres, c.mm, c.segments)
		}
	}
}

// TestFitFrame: the frame holds the image drawn for it, at 1/96 inch a
// logical pixel, within a pixel.
func TestFitFrame(t *testing.T) {
	for _, dpi := range []float64{96, 200, 300} {
		m := FitFrame(Rect{X: 14, Y: 20, W: 182, H: 100}, dpi)
		ds := m.View.DeviceSize()
		if got := float64(ds.X) / dpi * MMPerInch; math.Abs(got-m.Rect.W) > 1e-9 {
			t.Errorf("%g dpi: image %g mm wide in a frame of %g", dpi, got, m.Rect.W)
		}
		if math.Abs(m.Rect.W-182) > MMPerInch/dpi || math.Abs(float64(m.View.Width)*PxMM-m.Rect.W) > PxMM {
			t.Errorf("%g dpi: frame %+v, view %d px", dpi, m.Rect, m.View.Width)
		}
		m.View.Center, m.View.Zoom = tournus, 16
		if got := m.Page(tournus); math.Abs(got.X-(14+m.Rect.W/2)) > 1e-6 || math.Abs(got.Y-(20+m.Rect.H/2)) > 1e-6 {
			t.Errorf("%g dpi: the centre lands at %+v", dpi, got)
		}
	}
}

// TestLegendHeight: the height LegendHeight gives holds every row, a
// little less does not.
func TestLegendHeight(t *testing.T) {
	fs := NewFonts()
	line := Swatch{Kind: LineSwatch, Stroke: Black.NRGBA(), Width: 2}
	var groups []LegendGroup
	for i := range 5 {
		g := LegendGroup{Title: "Canalisations " + strings.Repeat("d'eau ", i)}
		for range 3 + i {
			g.Items = append(g.Items, LegendItem{Title: "Fonte ductile", Swatch: line})
		}
		groups = append(groups, g)
	}
	const w = 182.0
	h := LegendHeight(fs, groups, w, 0.85)
	r := NewRaster(w, h+10, 96, fs)
	if dropped, rows := DrawLegend(r, fs, groups, Rect{W: w, H: h}, 0.85); dropped != 0 || rows != 30 {
		t.Errorf("in %.1f mm: %d of %d rows dropped", h, dropped, rows)
	}
	if dropped, _ := DrawLegend(r, fs, groups, Rect{W: w, H: h - 1.5}, 0.85); dropped == 0 {
		// A smaller text is the legend's way out: it must not be needed at h.
		fit := fitLegend(fs, legendRows(groups), Rect{Y: 1.35 * LineHeight(legendHead(0.85)), W: w, H: h - 1.5 - 1.35*LineHeight(legendHead(0.85))}, 0.85)
		if fit.f.Size >= 7.5*0.85 {
			t.Errorf("%.1f mm hold the legend at its largest text: LegendHeight %.1f is not the least", h-1.5, h)
		}
	}
	if LegendHeight(fs, nil, w, 1) != 0 {
		t.Error("an empty legend takes room")
	}
}

// TestPlural checks the singular of 0 and 1 and the thousands grouped with
// a no-break space, as French typography writes counts: «1 629 branchements».
func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 vanne"}, {1, "1 vanne"}, {2, "2 vannes"}, {999, "999 vannes"}, {1629, "1" + NBSP + "629 vannes"}, {1234567, "1" + NBSP + "234" + NBSP + "567 vannes"}} {
		if got := Plural(c.n, "vanne", "vannes"); got != c.want {
			t.Errorf("Plural(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
