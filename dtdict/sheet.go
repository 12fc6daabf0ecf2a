package dtdict

import (
	"strings"
)

// Paper is a sheet format of the A series, portrait: its width and height
// in millimetres.
type Paper struct {
	Name string
	W, H float64
}

// papers are the formats a declarant may ask for (tailleDesPlans).
var papers = [...]Paper{{"A4", 210, 297}, {"A3", 297, 420}, {"A2", 420, 594}, {"A1", 594, 841}, {"A0", 841, 1189}}

// PaperOf returns the format named ("A3", "a3 "…), A4 when the name is
// none of A4 to A0.
func PaperOf(name string) Paper {
	if p, ok := paperNamed(name); ok {
		return p
	}
	return papers[0]
}

// paperNamed returns the format named ("A3", "a3 "…); false when the name
// is none of A4 to A0.
func paperNamed(name string) (Paper, bool) {
	name = strings.ToUpper(strings.TrimSpace(name))
	for _, p := range papers {
		if p.Name == name {
			return p, true
		}
	}
	return Paper{}, false
}

// Sheet is a format in one orientation.
type Sheet struct {
	Paper
	Landscape bool
}

// Size returns the sheet's width and height in millimetres.
func (s Sheet) Size() (w, h float64) {
	if s.Landscape {
		return s.H, s.W
	}
	return s.W, s.H
}

// String names the sheet as a plan's title block does: "A3 paysage".
func (s Sheet) String() string {
	if s.Landscape {
		return s.Name + " paysage"
	}
	return s.Name + " portrait"
}

// K is the size of the sheet's text and furniture relative to an A4's:
// 1 up to A3, then a little larger, not in proportion — a plan's title
// block stays of a size one reads at arm's length.
func (s Sheet) K() float64 {
	switch s.Name {
	case "A2":
		return 1.2
	case "A1":
		return 1.4
	case "A0":
		return 1.6
	}
	return 1
}

// The sheet's layout, in millimetres times K.
const (
	sheetMargin = 10.0 // around everything
	cartoucheH  = 44.0 // the band under the map: title block and legend
	sheetGap    = 4.0  // between the map and the band
)

// MapBox returns where the map goes on the sheet: all of it but the
// margins and the band of the title block and legend at the bottom.
func (s Sheet) MapBox() (x, y, w, h float64) {
	pw, ph := s.Size()
	k := s.K()
	m := sheetMargin
	return m, m, pw - 2*m, ph - 2*m - (cartoucheH+sheetGap)*k
}

// planScales are the scales a plan sheet is drawn at, the smallest first:
// the first at which the zone fits is chosen.
var planScales = [...]int{200, 500, 1000, 2000}

// overviewScales are the scales an overview of several sheets may take.
var overviewScales = [...]int{2500, 5000, 10000, 20000, 25000, 50000, 100000}

// zoneMargin is the ground around the zone a sheet shows at least, in
// metres.
const zoneMargin = 10.0

// Extent is the ground a zone covers, in metres, east–west and
// north–south.
type Extent struct{ W, H float64 }

// groundMM returns how many millimetres of paper a ground length of
// metres takes at 1:scale.
func groundMM(metres float64, scale int) float64 { return metres * 1000 / float64(scale) }

// fits reports whether a zone of extent e, with zoneMargin around it,
// fits in a map of w × h millimetres at 1:scale.
func (e Extent) fits(w, h float64, scale int) bool {
	return groundMM(e.W+2*zoneMargin, scale) <= w && groundMM(e.H+2*zoneMargin, scale) <= h
}

// Layout is how the plans of a zone are printed: on which sheet, at which
// scale, in how many sheets.
type Layout struct {
	Sheet Sheet
	// Scale is the detailed sheets' scale denominator.
	Scale int
	// Cols and Rows are the grid of detailed sheets (1 × 1 when the zone
	// fits on one).
	Cols, Rows int
	// Overview is the overview sheet's scale denominator when there are
	// several sheets; 0 when there is one.
	Overview int
}

// Sheets returns how many sheets the plans take, the overview included.
func (l Layout) Sheets() int {
	n := l.Cols * l.Rows
	if l.Overview > 0 {
		n++
	}
	return n
}

// sheetOverlap is the share of a sheet's map the next one repeats, so
// that a pipe along the cut is whole on one of them.
const sheetOverlap = 0.05

// PlanLayout chooses how to print the plans of a zone of extent e on
// paper p: the smallest of 1:200, 1:500, 1:1000 and 1:2000 at which the
// zone and zoneMargin around it fit one sheet, portrait or landscape
// (landscape when the zone is wider than high, or when only landscape
// fits); when none does, a grid of sheets at 1:2000 in the orientation
// that needs fewest, with an overview at the smallest scale of
// overviewScales that shows it all.
func PlanLayout(e Extent, p Paper) Layout {
	wide := e.W > e.H
	orients := []Sheet{{p, wide}, {p, !wide}}
	for _, scale := range planScales {
		for _, s := range orients {
			_, _, w, h := s.MapBox()
			if e.fits(w, h, scale) {
				return Layout{Sheet: s, Scale: scale, Cols: 1, Rows: 1}
			}
		}
	}
	scale := planScales[len(planScales)-1]
	var best Layout
	for _, s := range orients {
		_, _, w, h := s.MapBox()
		cols := sheetsAlong(e.W+2*zoneMargin, groundMetres(w, scale))
		rows := sheetsAlong(e.H+2*zoneMargin, groundMetres(h, scale))
		if best.Cols == 0 || cols*rows < best.Cols*best.Rows {
			best = Layout{Sheet: s, Scale: scale, Cols: cols, Rows: rows}
		}
	}
	_, _, w, h := best.Sheet.MapBox()
	best.Overview = overviewScales[len(overviewScales)-1]
	for _, o := range overviewScales {
		if e.fits(w, h, o) {
			best.Overview = o
			break
		}
	}
	return best
}

// groundMetres is the ground, in metres, a map side mm long shows at
// 1:scale.
func groundMetres(mm float64, scale int) float64 { return mm * float64(scale) / 1000 }

// sheetsAlong is how many sheets, each showing side metres and
// overlapping the next by sheetOverlap of it, cover length metres.
func sheetsAlong(length, side float64) int {
	step := side * (1 - sheetOverlap)
	n := 1
	for float64(n-1)*step+side < length {
		n++
	}
	return n
}
