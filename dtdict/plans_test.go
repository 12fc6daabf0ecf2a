package dtdict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/report"
)

func TestPlanLayout(t *testing.T) {
	cases := []struct {
		name      string
		e         Extent
		paper     string
		want      Layout
		wantPaper string
	}{
		{"a trench fits A4 portrait at 1:200", Extent{W: 12, H: 25}, "A4", Layout{Scale: 200, Cols: 1, Rows: 1}, "A4 portrait"},
		{"wide and short: landscape at 1:200", Extent{W: 30, H: 8}, "A4", Layout{Scale: 200, Cols: 1, Rows: 1}, "A4 paysage"},
		{"a block: 1:500 landscape", Extent{W: 80, H: 40}, "A4", Layout{Scale: 500, Cols: 1, Rows: 1}, "A4 paysage"},
		{"a square: portrait at 1:1000", Extent{W: 100, H: 104}, "A4", Layout{Scale: 1000, Cols: 1, Rows: 1}, "A4 portrait"},
		{"high and narrow: portrait at 1:1000", Extent{W: 60, H: 180}, "A4", Layout{Scale: 1000, Cols: 1, Rows: 1}, "A4 portrait"},
		{"a street: 1:2000", Extent{W: 300, H: 120}, "A4", Layout{Scale: 2000, Cols: 1, Rows: 1}, "A4 paysage"},
		{"same street on A3: 1:1000", Extent{W: 300, H: 120}, "A3", Layout{Scale: 1000, Cols: 1, Rows: 1}, "A3 paysage"},
		{"a district on A4: sheets at 1:2000", Extent{W: 900, H: 500}, "A4", Layout{Scale: 2000, Cols: 2, Rows: 2, Overview: 5000}, "A4 paysage"},
		{"the district on A0: one sheet", Extent{W: 900, H: 500}, "A0", Layout{Scale: 1000, Cols: 1, Rows: 1}, "A0 paysage"},
		{"unknown size is A4", Extent{W: 12, H: 25}, "B5", Layout{Scale: 200, Cols: 1, Rows: 1}, "A4 portrait"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := PlanLayout(c.e, PaperOf(c.paper))
			if got.Scale != c.want.Scale || got.Cols != c.want.Cols || got.Rows != c.want.Rows || got.Overview != c.want.Overview || got.Sheet.String() != c.wantPaper {
				t.Errorf("PlanLayout(%v, %s) = %s 1:%d %d×%d overview 1:%d, want %s 1:%d %d×%d overview 1:%d", c.e, c.paper,
					got.Sheet, got.Scale, got.Cols, got.Rows, got.Overview, c.wantPaper, c.want.Scale, c.want.Cols, c.want.Rows, c.want.Overview)
			}
		})
	}
}

// TestPlanLayoutCovers checks, for zones of every size, that the layout
// is the smallest scale that fits, and that several sheets cover the
// zone and its margin.
func TestPlanLayoutCovers(t *testing.T) {
	for _, p := range papers {
		for w := 5.0; w < 3000; w *= 1.7 {
			for h := 5.0; h < 3000; h *= 1.9 {
				e := Extent{W: w, H: h}
				l := PlanLayout(e, p)
				_, _, mw, mh := l.Sheet.MapBox()
				if l.Cols*l.Rows == 1 {
					if !e.fits(mw, mh, l.Scale) {
						t.Fatalf("%s %v: does not fit at 1:%d", p.Name, e, l.Scale)
					}
					for _, s := range planScales {
						if s >= l.Scale {
							break
						}
						for _, o := range []Sheet{{p, false}, {p, true}} {
							_, _, ow, oh := o.MapBox()
							if e.fits(ow, oh, s) {
								t.Fatalf("%s %v: fits at 1:%d, chose 1:%d", p.Name, e, s, l.Scale)
							}
						}
					}
					continue
				}
				side := func(n int, mm float64) float64 {
					g := groundMetres(mm, l.Scale)
					return float64(n-1)*g*(1-sheetOverlap) + g
				}
				if side(l.Cols, mw) < w+2*zoneMargin || side(l.Rows, mh) < h+2*zoneMargin || l.Scale != 2000 || l.Overview == 0 {
					t.Fatalf("%s %v: %d×%d sheets at 1:%d do not cover it", p.Name, e, l.Cols, l.Rows, l.Scale)
				}
			}
		}
	}
}

// sameSize reports whether pdfinfo's page size ("595.28 x 841.89", in
// points) is the sheet's.
func sameSize(pts string, s Sheet) bool {
	var w, h float64
	if _, err := fmt.Sscanf(pts, "%g x %g", &w, &h); err != nil {
		return false
	}
	sw, sh := s.Size()
	pt := func(mm float64) float64 { return mm / paper.MMPerInch * 72 }
	return math.Abs(w-pt(sw)) < 0.1 && math.Abs(h-pt(sh)) < 0.1
}

func TestWritePlans(t *testing.T) {
	ws := pdfWorkspace(t)
	answered := time.Date(2026, time.December, 6, 10, 15, 0, 0, paris)
	cases := []struct {
		name   string
		zone   [4]float64 // lon, lat, width and height in metres
		size   string
		colour bool
		sheet  string
		scales []int
	}{
		{"a manhole, A4 colour: 1:200", [4]float64{4.907015, 46.566985, 6, 12}, "A4", true, "A4 portrait", []int{200}},
		{"across the street, A4 black and white: 1:500", [4]float64{4.907015, 46.566985, 13, 30}, "A4", false, "A4 portrait", []int{500}},
		{"a block, A3 colour", [4]float64{4.9070, 46.5670, 80, 40}, "A3", true, "A3 paysage", []int{500}},
		{"a street, A2 black and white", [4]float64{4.9075, 46.5665, 260, 90}, "A2", false, "A2 paysage", []int{500}},
		{"a district, A4: overview and sheets", [4]float64{4.9085, 46.5640, 700, 650}, "A4", true, "A4 portrait", []int{5000, 2000, 2000, 2000, 2000}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := testDeclaration(zoneRect(c.zone[0], c.zone[1], c.zone[2], c.zone[3]), c.size, c.colour)
			a := testAnalysis(t, ws, d)
			if len(a.Items) == 0 {
				t.Fatal("no network under the zone: the fixture misses the demo's networks")
			}
			var buf bytes.Buffer
			refs, err := WritePlans(context.Background(), &buf, testRenderer(ws), a, AnswerMeta{Answered: answered})
			if err != nil {
				t.Fatal(err)
			}
			pdf := readPDF(t, fmt.Sprintf("plans-%d.pdf", i), buf.Bytes())
			if !c.colour {
				if x, y, ok := allGrey(t, pdf.path); !ok {
					t.Errorf("the black-and-white plan has colour at %d, %d (of the page at 30 dpi)", x, y)
				}
			}
			if pdf.pages != len(c.scales) || len(refs) != len(c.scales) {
				t.Fatalf("%d pages, %d references, want %d", pdf.pages, len(refs), len(c.scales))
			}
			pages := strings.Split(pdf.text, "\f")
			for n, want := range c.scales {
				ref := refs[n]
				if ref.Scale != want || ref.Sheet != n+1 || ref.Sheets != len(c.scales) || ref.Size != c.sheet || ref.Reference != fmt.Sprintf("2026120100417-P%d", n+1) {
					t.Errorf("sheet %d: %+v, want 1:%d %s", n+1, ref, want, c.sheet)
				}
				if !sameSize(pdf.sizes[n], sheetOf(c.sheet)) {
					t.Errorf("sheet %d is %s pts, not %s", n+1, pdf.sizes[n], c.sheet)
				}
				page := strings.Join(strings.Fields(pages[n]), " ")
				for _, s := range []string{
					fmt.Sprintf("Feuille %d / %d", n+1, len(c.scales)), paper.ScaleText(float64(want)), "format " + c.sheet,
					"DT n° 2026120100417", "Commune de Tournus — service des eaux", "Réf. " + ref.Reference,
					"Données à jour au", "28 novembre 2026", "Réponse du 6 décembre 2026", "Légende", "Emprise des travaux déclarée",
					"Classe A (incertitude < 40 cm)", "Classe B (de 40 cm à 1,50 m)", "Classe C (> 1,50 m) ou inconnue",
					"Bâtiments Saône-Rivière SARL", "Tournus (71543)", "N",
				} {
					if !strings.Contains(page, strings.ReplaceAll(s, paper.NBSP, " ")) && !strings.Contains(page, s) {
						t.Errorf("sheet %d lacks %q:\n%s", n+1, s, page)
					}
				}
			}
			// The detailed sheets of a set show where they lie among the
			// others; a single sheet needs no key map.
			for n, page := range pages[:len(c.scales)] {
				if want := len(c.scales) > 1 && n > 0; strings.Contains(page, "Assemblage des feuilles") != want {
					t.Errorf("sheet %d: key map %v, want %v", n+1, !want, want)
				}
			}
			if len(c.scales) > 1 {
				return // at 1:2000, a dense district has more pipes than room for labels
			}
			// Every feature found is labelled, at least with its
			// identifier, but for one in twenty where they crowd.
			// (pdftotext gives a steep label letter by letter.)
			detailed := strings.Join(strings.Fields(pages[0]), "")
			missing := 0
			for _, it := range a.Items {
				if !strings.Contains(detailed, it.ID) {
					missing++
				}
			}
			if missing*20 > len(a.Items) {
				t.Errorf("%d of %d features have no label", missing, len(a.Items))
			}
		})
	}
}

func TestWritePlansNoZone(t *testing.T) {
	ws := pdfWorkspace(t)
	for _, c := range []struct {
		name string
		zone orb.MultiPolygon
	}{
		{"none", nil},
		{"an empty polygon", orb.MultiPolygon{{}}},
		{"not a number", orb.MultiPolygon{{{{4.9, 46.5}, {math.NaN(), 46.5}, {4.9, 46.6}, {4.9, 46.5}}}}},
		{"infinite", orb.MultiPolygon{{{{4.9, 46.5}, {math.Inf(1), 46.5}, {4.9, 46.6}, {4.9, 46.5}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := testDeclaration(c.zone, "A4", true)
			var buf bytes.Buffer
			_, err := WritePlans(context.Background(), &buf, testRenderer(ws), &Analysis{Declaration: d}, AnswerMeta{})
			if !errors.Is(err, report.ErrZoneEmpty) {
				t.Fatalf("err = %v, want report.ErrZoneEmpty", err)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written", buf.Len())
			}
		})
	}
}

// sheetOf reads "A3 paysage".
func sheetOf(s string) Sheet {
	name, orient, _ := strings.Cut(s, " ")
	return Sheet{Paper: PaperOf(name), Landscape: orient == "paysage"}
}

func TestWorksPlace(t *testing.T) {
	cases := []struct {
		place Place
		want  string
	}{
		{Place{Address: "Rue du Docteur Privey", INSEE: "71543", Commune: "Tournus"}, "Rue du Docteur Privey, Tournus (71543)"},
		{Place{Address: "rue de la République, 71700 Tournus", INSEE: "71543", Commune: "Tournus"}, "rue de la République, 71700 Tournus (71543)"},
		{Place{Address: "Le Bourg", INSEE: "71543"}, "Le Bourg (71543)"},
		{Place{INSEE: "71543"}, "commune 71543"},
		{Place{Commune: "Uchizy"}, "Uchizy"},
		{Place{}, "–"},
	}
	for _, c := range cases {
		if got := worksPlace(c.place); got != c.want {
			t.Errorf("worksPlace(%+v) = %q, want %q", c.place, got, c.want)
		}
	}
}

// allGrey reports whether the first page of a PDF, drawn at 30 dpi, has
// no colour: every pixel grey, to a few levels; else where one is not.
func allGrey(t *testing.T, path string) (x, y int, ok bool) {
	t.Helper()
	img := pageImage(t, path, 30)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if spread := max(r, g, bl) - min(r, g, bl); spread>>8 > 6 {
				return x, y, false
			}
		}
	}
	return 0, 0, true
}

// TestWritePlansLShapedZone checks that the sheets of an L-shaped zone
// leave out its empty corner, and that every corner of the zone is on a
// sheet kept.
func TestWritePlansLShapedZone(t *testing.T) {
	ws := pdfWorkspace(t)
	// A trench 900 m east–west along the south, another 600 m north from
	// its west end, 60 m wide each.
	lon, lat := 4.8990, 46.5560
	dx := func(m float64) float64 { return m / (111_320 * 0.6880) }
	dy := func(m float64) float64 { return m / 111_132 }
	zone := orb.MultiPolygon{{{{lon, lat}, {lon + dx(900), lat}, {lon + dx(900), lat + dy(60)}, {lon + dx(60), lat + dy(60)},
		{lon + dx(60), lat + dy(600)}, {lon, lat + dy(600)}, {lon, lat}}}}
	d := testDeclaration(zone, "A4", true)
	ext, centre := zoneExtent(zone)
	lay := PlanLayout(ext, PaperOf("A4"))
	all := lay.plan(centre)
	kept := lay.touching(all, zone)
	if len(kept) >= len(all) || len(kept) < 3 {
		t.Fatalf("%d sheets kept of %d (%d × %d): the empty corner should go", len(kept), len(all), lay.Cols, lay.Rows)
	}
	x, y, w, h := lay.Sheet.MapBox()
	for _, p := range zone[0][0] {
		on := false
		for _, sh := range kept[1:] {
			fr := frameAt(paper.Rect{X: x, Y: y, W: w, H: h}, sh, 1)
			at := fr.Page(p)
			on = on || (at.X >= fr.Rect.X && at.X <= fr.Rect.Right() && at.Y >= fr.Rect.Y && at.Y <= fr.Rect.Bottom())
		}
		if !on {
			t.Errorf("the zone's corner %v is on no sheet", p)
		}
	}
	a := &Analysis{Declaration: d, Ours: []Ownership{ourWater}}
	var buf bytes.Buffer
	refs, err := WritePlans(context.Background(), &buf, testRenderer(ws), a, AnswerMeta{})
	if err != nil {
		t.Fatal(err)
	}
	pdf := readPDF(t, "plans-en-l.pdf", buf.Bytes())
	if len(refs) != len(kept) || pdf.pages != len(kept) || refs[len(refs)-1].Sheets != len(kept) {
		t.Errorf("%d references, %d pages, want %d sheets", len(refs), pdf.pages, len(kept))
	}
}

// TestSheetFrames checks the frames the sheets are drawn in: at exactly
// the scale stated, and showing the whole zone with 10 m around it when
// it fits one sheet.
func TestSheetFrames(t *testing.T) {
	for _, c := range []struct {
		w, h  float64
		paper string
	}{{6, 12, "A4"}, {13, 30, "A4"}, {80, 40, "A3"}, {260, 90, "A2"}, {300, 120, "A4"}, {700, 400, "A0"}} {
		zone := zoneRect(4.9075, 46.5665, c.w, c.h)
		ext, centre := zoneExtent(zone)
		if math.Abs(ext.W-c.w) > 0.02*c.w || math.Abs(ext.H-c.h) > 0.02*c.h {
			t.Errorf("%gx%g m: extent %+v", c.w, c.h, ext)
		}
		lay := PlanLayout(ext, PaperOf(c.paper))
		x, y, w, h := lay.Sheet.MapBox()
		for _, sh := range lay.plan(centre) {
			fr := frameAt(paper.Rect{X: x, Y: y, W: w, H: h}, sh, lay.Sheet.K())
			if got := fr.View.ScaleDenominator(); math.Abs(got-float64(sh.scale)) > 1e-6*float64(sh.scale) {
				t.Errorf("%gx%g m on %s: drawn at 1:%g, stated 1:%d", c.w, c.h, c.paper, got, sh.scale)
			}
			if lay.Sheets() > 1 {
				continue
			}
			margin := groundMM(zoneMargin, sh.scale) - 0.5 // the frame may shrink by a pixel
			for _, p := range zone[0][0] {
				at := fr.Page(p)
				if at.X < fr.Rect.X+margin || at.X > fr.Rect.Right()-margin || at.Y < fr.Rect.Y+margin || at.Y > fr.Rect.Bottom()-margin {
					t.Errorf("%gx%g m on %s at 1:%d: the corner %v is at %v, less than 10 m inside the frame %+v", c.w, c.h, c.paper, sh.scale, p, at, fr.Rect)
				}
			}
		}
	}
}

func TestLabelOrder(t *testing.T) {
	pipe := func(id string, dn float64) report.Item {
		return report.Item{ID: id, Diameter: dn, Geometry: orb.LineString{{0, 0}, {1, 1}}}
	}
	valve := func(id string, dn float64) report.Item {
		return report.Item{ID: id, Diameter: dn, Geometry: orb.Point{0, 0}}
	}
	items := []report.Item{valve("V1", 300), pipe("B1", 25), pipe("M1", 300), valve("V2", 0), pipe("M2", 150), pipe("B2", 25)}
	var got []string
	for _, i := range labelOrder(items) {
		got = append(got, items[i].ID)
	}
	if want := "V1 V2 M1 M2 B1 B2"; strings.Join(got, " ") != want {
		t.Errorf("labelOrder = %s, want %s", strings.Join(got, " "), want)
	}
}

// TestWritePlansTooLarge checks that a zone too large for plans at
// 1:2 000 is refused at once, not printed on thousands of sheets.
func TestWritePlansTooLarge(t *testing.T) {
	ws := pdfWorkspace(t)
	for _, c := range []struct {
		name string
		zone orb.MultiPolygon
	}{
		{"a square of 6 km", zoneRect(4.9075, 46.5665, 6000, 6000)},
		{"a square of 300 km", zoneRect(4.9075, 46.5665, 300_000, 300_000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := testDeclaration(c.zone, "A4", true)
			var buf bytes.Buffer
			_, err := WritePlans(context.Background(), &buf, testRenderer(ws), &Analysis{Declaration: d}, AnswerMeta{})
			if !errors.Is(err, ErrTooManySheets) {
				t.Fatalf("err = %v, want ErrTooManySheets", err)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written", buf.Len())
			}
		})
	}
}
