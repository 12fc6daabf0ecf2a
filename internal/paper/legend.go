package paper

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"terrimap/mapview"
)

// Swatch is a legend's picture of how a layer or a class is drawn, sizes
// in logical pixels (1/96 inch), drawn at that size on paper.
type Swatch struct {
	Kind         SwatchKind
	Stroke, Fill color.NRGBA
	Width, Size  float64 // of a line or an outline; of a point's symbol
	Symbol       mapview.Symbol
	Dash         []float64
	RoundCap     bool
}

// SwatchKind is what a swatch shows.
type SwatchKind uint8

// The kinds of swatches.
const (
	PointSwatch SwatchKind = iota
	LineSwatch
	PolygonSwatch
)

// LegendItem is a class of a layer: its title and its swatch.
type LegendItem struct {
	Title  string
	Swatch Swatch
}

// LegendGroup is one layer of a legend: one swatch, or classes.
type LegendGroup struct {
	Title  string
	Swatch *Swatch // when the layer is drawn one way
	Items  []LegendItem
}

// legendRow is one line of the legend: a layer's title above its classes
// (header), or a swatch and its text.
type legendRow struct {
	title  string
	sw     *Swatch
	header bool
	indent bool
	first  bool // starts a layer
}

func legendRows(groups []LegendGroup) []legendRow {
	var rows []legendRow
	for _, g := range groups {
		if g.Swatch != nil {
			rows = append(rows, legendRow{title: g.Title, sw: g.Swatch, first: true})
			continue
		}
		rows = append(rows, legendRow{title: g.Title, header: true, first: true})
		for i := range g.Items {
			rows = append(rows, legendRow{title: g.Items[i].Title, sw: &g.Items[i].Swatch, indent: true})
		}
	}
	return rows
}

// legendFit is the legend laid out in a box: the text size, the columns
// and where each row goes, with its text wrapped.
type legendFit struct {
	f       Font
	rowH    float64 // a row of one line
	step    float64 // between the lines of a row
	colW    float64
	at      []Pt       // top-left corner of each placed row
	lines   [][]string // each placed row's text
	dropped int        // rows left out for want of room
}

// The legend's proportions, in rows of one line.
const (
	legendSwatchW  = 2.1  // swatch width
	legendSwatchH  = 0.72 // swatch height
	legendIndent   = 0.8  // of a layer's classes
	legendGroupGap = 0.45
)

// legendHead is the font of the word "Légende" above a legend.
func legendHead(k float64) Font { return Font{Size: 9.5 * k, Bold: true} }

// legendCols are the gap between a legend's columns and the most columns
// a width w holds.
func legendCols(w, k float64) (gap float64, most int) {
	gap = 4 * k
	return gap, max(1, int((w+gap)/(40*k+gap)))
}

// LegendHeight returns the least height, in millimetres, of a box w wide
// in which DrawLegend writes all the groups' rows at its largest text (7.5
// points times k), in as many columns as the width holds: for a legend
// that flows with the page rather than filling a given box.
func LegendHeight(fs *Fonts, groups []LegendGroup, w, k float64) float64 {
	rows := legendRows(groups)
	if len(rows) == 0 {
		return 0
	}
	head := legendHead(k)
	top := 1.35 * LineHeight(head) // "Légende" and the space under it
	gap, cols := legendCols(w, k)
	f := Font{Size: 7.5 * k}
	fits := func(h float64) bool {
		_, ok := placeRows(fs, rows, Rect{0, 0, w, h}, f, cols, gap, k)
		return ok
	}
	lo, hi := 0.0, 1.6*f.Size*PtMM*float64(len(rows))*2+1
	for !fits(hi) {
		hi *= 2
	}
	for hi-lo > 0.05 {
		if mid := (lo + hi) / 2; fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return math.Max(top+hi, 2*LineHeight(head))
}

// fitLegend finds the largest text (from 7.5 points at k = 1 down to 5)
// and the fewest columns with which the rows fit in box.
func fitLegend(fs *Fonts, rows []legendRow, box Rect, k float64) legendFit {
	colGap, maxCols := legendCols(box.W, k)
	var last legendFit
	for size := 7.5 * k; ; size -= 0.5 {
		if size < 5 {
			size = 5
		}
		for cols := 1; cols <= maxCols; cols++ {
			fit, ok := placeRows(fs, rows, box, Font{Size: size}, cols, colGap, k)
			if ok {
				return fit
			}
			last = fit
		}
		if size <= 5 {
			return last
		}
	}
}

// textX returns where a row's text starts, from its column's left edge.
func (fit *legendFit) textX(r legendRow, k float64) float64 {
	if r.header {
		return 0
	}
	x := legendSwatchW*fit.rowH + 1.6*k
	if r.indent {
		x += legendIndent * fit.rowH
	}
	return x
}

// placeRows fills the columns top to bottom. A text too long for its
// column goes on two lines; a layer's title never ends a column, and a
// layer that fits in a column is not split. ok is false when rows were
// left out.
func placeRows(fs *Fonts, rows []legendRow, box Rect, f Font, cols int, colGap, k float64) (legendFit, bool) {
	fit := legendFit{f: f, rowH: 1.55 * f.Size * PtMM, step: 1.15 * f.Size * PtMM, colW: (box.W - float64(cols-1)*colGap) / float64(cols)}
	lines := make([][]string, len(rows))
	heights := make([]float64, len(rows))
	for i, r := range rows {
		rf := f
		rf.Bold = r.header
		w := fit.colW - fit.textX(r, k)
		ls := fs.Wrap(r.title, rf, w)
		if len(ls) > 2 {
			ls = []string{ls[0], strings.Join(ls[1:], " ")}
		}
		for j := range ls {
			ls[j] = fs.Ellipsis(ls[j], rf, w)
		}
		if len(ls) == 0 {
			ls = []string{""}
		}
		lines[i] = ls
		heights[i] = fit.rowH + float64(len(ls)-1)*fit.step
	}
	col, y := 0, box.Y
	next := func() bool {
		col++
		y = box.Y
		return col < cols
	}
	for i, r := range rows {
		if r.first {
			if y > box.Y {
				y += legendGroupGap * fit.rowH
			}
			// Keep a layer whole when a fresh column would hold it.
			group := heights[i]
			for j := i + 1; j < len(rows) && !rows[j].first; j++ {
				group += heights[j]
			}
			if y > box.Y && y+group > box.Bottom()+1e-9 && group <= box.H && col+1 < cols {
				next()
			}
		}
		need := heights[i]
		if r.header && i+1 < len(rows) {
			need += heights[i+1]
		}
		if y+need > box.Bottom()+1e-9 {
			if !next() {
				fit.dropped = len(rows) - i
				return fit, false
			}
		}
		fit.at = append(fit.at, Pt{box.X + float64(col)*(fit.colW+colGap), y})
		fit.lines = append(fit.lines, lines[i])
		y += heights[i]
	}
	return fit, true
}

// DrawLegend writes "Légende" and the groups' rows in box, at the
// largest text (from 7.5 points times k down to 5) and the fewest columns
// with which they fit; rows left out for want of room are announced on the
// last line kept. It returns how many rows were left out, of how many.
func DrawLegend(s Surface, fs *Fonts, groups []LegendGroup, box Rect, k float64) (dropped, rows int) {
	head := legendHead(k)
	if len(groups) == 0 || box.H < 2*LineHeight(head) {
		return 0, 0
	}
	y := box.Y + LineHeight(head)
	s.Text(box.X, y-0.22*LineHeight(head), "Légende", head, Black.NRGBA())
	y += 0.35 * LineHeight(head)
	all := legendRows(groups)
	fit := fitLegend(fs, all, Rect{box.X, y, box.W, box.Bottom() - y}, k)
	more := Pt{box.X, y}
	if fit.dropped > 0 {
		if n := len(fit.at); n > 0 {
			more = fit.at[n-1]
			fit.at, fit.lines = fit.at[:n-1], fit.lines[:n-1]
			fit.dropped++
		}
	}
	for i, at := range fit.at {
		drawRow(s, all[i], fit.lines[i], at, fit, k)
	}
	if fit.dropped > 0 {
		s.Text(more.X, more.Y+0.5*fit.rowH+0.36*fit.f.Size*PtMM, fmt.Sprintf("… et %d autres lignes", fit.dropped), fit.f, InkGrey.NRGBA())
	}
	return fit.dropped, len(all)
}

func drawRow(s Surface, r legendRow, lines []string, at Pt, fit legendFit, k float64) {
	f := fit.f
	f.Bold = r.header
	base := at.Y + 0.5*fit.rowH + 0.36*f.Size*PtMM // first baseline, centred on the first line
	tx := at.X + fit.textX(r, k)
	for i, line := range lines {
		s.Text(tx, base+float64(i)*fit.step, line, f, Black.NRGBA())
	}
	if r.header {
		return
	}
	x := at.X
	if r.indent {
		x += legendIndent * fit.rowH
	}
	swW, swH := legendSwatchW*fit.rowH, legendSwatchH*fit.rowH
	DrawSwatch(s, *r.sw, Rect{x, at.Y + (fit.rowH-swH)/2, swW, swH}, fit.rowH, k)
}

// DrawSwatch draws a legend swatch in r, at the size the map draws it on
// paper, within reason.
func DrawSwatch(s Surface, sw Swatch, r Rect, rowH, k float64) {
	dash := make([]float64, len(sw.Dash))
	for i, v := range sw.Dash {
		dash[i] = v * PxMM
	}
	cy := r.Y + r.H/2
	switch sw.Kind {
	case LineSwatch:
		w := math.Max(0.1, math.Min(sw.Width*PxMM, r.H))
		s.Polyline([]Pt{{r.X + 0.4*k, cy}, {r.Right() - 0.4*k, cy}}, sw.Stroke, w, dash, sw.RoundCap)
	case PolygonSwatch:
		w := math.Min(sw.Width*PxMM, 0.6)
		s.Polygon(r.Pts(), sw.Fill, sw.Stroke, w, dash)
	default:
		size := math.Max(math.Min(1.6, 0.92*rowH), math.Min(sw.Size*PxMM, 0.92*rowH))
		w := math.Min(sw.Width*PxMM, 0.5)
		if sw.Stroke.A == 0 {
			w = 0
		}
		outline := symbolOutline(sw.Symbol, Pt{r.X + r.W/2, cy}, size)
		s.Polygon(outline, sw.Fill, sw.Stroke, w, nil)
	}
}

// symbolOutline returns a point symbol of diameter size centred on c, as
// the map engine shapes it.
func symbolOutline(sym mapview.Symbol, c Pt, size float64) []Pt {
	r := size / 2
	poly := func(n int, radius, phase, dy float64) []Pt {
		out := make([]Pt, 0, n)
		for i := 0; i < n; i++ {
			a := phase + 2*math.Pi*float64(i)/float64(n)
			out = append(out, Pt{c.X + radius*math.Cos(a), c.Y + dy + radius*math.Sin(a)})
		}
		return out
	}
	switch sym {
	case mapview.Square:
		h := r * 0.88
		return []Pt{{c.X - h, c.Y - h}, {c.X + h, c.Y - h}, {c.X + h, c.Y + h}, {c.X - h, c.Y + h}}
	case mapview.Triangle:
		return poly(3, r*1.2, -math.Pi/2, r*0.15)
	case mapview.Diamond:
		return poly(4, r*1.1, -math.Pi/2, 0)
	case mapview.Star:
		out := make([]Pt, 0, 10)
		for i := 0; i < 10; i++ {
			rad := r * 1.25
			if i%2 == 1 {
				rad *= 0.45
			}
			a := -math.Pi/2 + math.Pi*float64(i)/5
			out = append(out, Pt{c.X + rad*math.Cos(a), c.Y + rad*math.Sin(a)})
		}
		return out
	case mapview.Cross:
		t := r * 0.3
		return []Pt{
			{c.X - t, c.Y - r}, {c.X + t, c.Y - r}, {c.X + t, c.Y - t}, {c.X + r, c.Y - t},
			{c.X + r, c.Y + t}, {c.X + t, c.Y + t}, {c.X + t, c.Y + r}, {c.X - t, c.Y + r},
			{c.X - t, c.Y + t}, {c.X - r, c.Y + t}, {c.X - r, c.Y - t}, {c.X - t, c.Y - t},
		}
	}
	return CirclePts(c, r)
}
