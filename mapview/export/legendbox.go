package export

import (
	"fmt"
	"math"
	"strings"

	"terrimap/mapview"
)

// pxMM is a logical pixel (1/96 inch) in millimetres: a symbol of 8
// pixels on screen is 8·pxMM on paper.
const pxMM = mmPerInch / ScreenDPI

// legendRow is one line of the legend: a layer's title above its classes
// (header), or a swatch and its text.
type legendRow struct {
	title  string
	sw     *swatch
	header bool
	indent bool
	first  bool // starts a layer
}

func legendRows(groups []legendGroup) []legendRow {
	var rows []legendRow
	for _, g := range groups {
		if g.sw != nil {
			rows = append(rows, legendRow{title: g.title, sw: g.sw, first: true})
			continue
		}
		rows = append(rows, legendRow{title: g.title, header: true, first: true})
		for i := range g.items {
			rows = append(rows, legendRow{title: g.items[i].title, sw: &g.items[i].sw, indent: true})
		}
	}
	return rows
}

// legendFit is the legend laid out in a box: the text size, the columns
// and where each row goes, with its text wrapped.
type legendFit struct {
	f       fontSpec
	rowH    float64 // a row of one line
	step    float64 // between the lines of a row
	colW    float64
	at      []pt       // top-left corner of each placed row
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

// fitLegend finds the largest text (from 7.5 points at k = 1 down to 5)
// and the fewest columns with which the rows fit in box.
func fitLegend(fs *fontSet, rows []legendRow, box rect, k float64) legendFit {
	colGap := 4 * k
	minColW := 40 * k
	maxCols := max(1, int((box.w+colGap)/(minColW+colGap)))
	var last legendFit
	for size := 7.5 * k; ; size -= 0.5 {
		if size < 5 {
			size = 5
		}
		for cols := 1; cols <= maxCols; cols++ {
			fit, ok := placeRows(fs, rows, box, fontSpec{size, false}, cols, colGap, k)
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
func placeRows(fs *fontSet, rows []legendRow, box rect, f fontSpec, cols int, colGap, k float64) (legendFit, bool) {
	fit := legendFit{f: f, rowH: 1.55 * f.size * ptMM, step: 1.15 * f.size * ptMM, colW: (box.w - float64(cols-1)*colGap) / float64(cols)}
	lines := make([][]string, len(rows))
	heights := make([]float64, len(rows))
	for i, r := range rows {
		rf := f
		rf.bold = r.header
		w := fit.colW - fit.textX(r, k)
		ls := fs.wrap(r.title, rf, w)
		if len(ls) > 2 {
			ls = []string{ls[0], strings.Join(ls[1:], " ")}
		}
		for j := range ls {
			ls[j] = fs.ellipsis(ls[j], rf, w)
		}
		if len(ls) == 0 {
			ls = []string{""}
		}
		lines[i] = ls
		heights[i] = fit.rowH + float64(len(ls)-1)*fit.step
	}
	col, y := 0, box.y
	next := func() bool {
		col++
		y = box.y
		return col < cols
	}
	for i, r := range rows {
		if r.first {
			if y > box.y {
				y += legendGroupGap * fit.rowH
			}
			// Keep a layer whole when a fresh column would hold it.
			group := heights[i]
			for j := i + 1; j < len(rows) && !rows[j].first; j++ {
				group += heights[j]
			}
			if y > box.y && y+group > box.bottom()+1e-9 && group <= box.h && col+1 < cols {
				next()
			}
		}
		need := heights[i]
		if r.header && i+1 < len(rows) {
			need += heights[i+1]
		}
		if y+need > box.bottom()+1e-9 {
			if !next() {
				fit.dropped = len(rows) - i
				return fit, false
			}
		}
		fit.at = append(fit.at, pt{box.x + float64(col)*(fit.colW+colGap), y})
		fit.lines = append(fit.lines, lines[i])
		y += heights[i]
	}
	return fit, true
}

// drawLegend writes "Légende" and the legend's rows in box.
func (d *sheet) drawLegend(s surface, box rect) {
	l, k := d.lay, d.lay.k
	head := l.headFont()
	if len(d.legend) == 0 || box.h < 2*lineHeight(head) {
		return
	}
	y := box.y + lineHeight(head)
	s.text(box.x, y-0.22*lineHeight(head), "Légende", head, black)
	y += 0.35 * lineHeight(head)
	rows := legendRows(d.legend)
	fit := fitLegend(l.fs, rows, rect{box.x, y, box.w, box.bottom() - y}, k)
	// Rows left out are announced on the last line kept.
	more := pt{box.x, y}
	if fit.dropped > 0 {
		if n := len(fit.at); n > 0 {
			more = fit.at[n-1]
			fit.at, fit.lines = fit.at[:n-1], fit.lines[:n-1]
			fit.dropped++
		}
		d.warn(fmt.Sprintf("the legend lacks room for %d of its %d lines: choose a larger paper or fewer layers", fit.dropped, len(rows)))
	}
	for i, at := range fit.at {
		d.drawRow(s, rows[i], fit.lines[i], at, fit)
	}
	if fit.dropped > 0 {
		s.text(more.x, more.y+0.5*fit.rowH+0.36*fit.f.size*ptMM, fmt.Sprintf("… et %d autres lignes", fit.dropped), fit.f, inkGrey)
	}
}

func (d *sheet) drawRow(s surface, r legendRow, lines []string, at pt, fit legendFit) {
	k := d.lay.k
	f := fit.f
	f.bold = r.header
	base := at.y + 0.5*fit.rowH + 0.36*f.size*ptMM // first baseline, centred on the first line
	tx := at.x + fit.textX(r, k)
	for i, line := range lines {
		s.text(tx, base+float64(i)*fit.step, line, f, black)
	}
	if r.header {
		return
	}
	x := at.x
	if r.indent {
		x += legendIndent * fit.rowH
	}
	swW, swH := legendSwatchW*fit.rowH, legendSwatchH*fit.rowH
	drawSwatch(s, *r.sw, rect{x, at.y + (fit.rowH-swH)/2, swW, swH}, fit.rowH, k)
}

// drawSwatch draws a legend swatch in r, at the size the map draws it on
// paper, within reason.
func drawSwatch(s surface, sw swatch, r rect, rowH, k float64) {
	dash := make([]float64, len(sw.dash))
	for i, v := range sw.dash {
		dash[i] = v * pxMM
	}
	cy := r.y + r.h/2
	switch sw.kind {
	case lineSwatch:
		w := math.Max(0.1, math.Min(sw.width*pxMM, r.h))
		s.polyline([]pt{{r.x + 0.4*k, cy}, {r.right() - 0.4*k, cy}}, sw.stroke, w, dash, sw.roundCap)
	case polygonSwatch:
		w := math.Min(sw.width*pxMM, 0.6)
		s.polygon(rectPts(r), sw.fill, sw.stroke, w, dash)
	default:
		size := math.Max(math.Min(1.6, 0.92*rowH), math.Min(sw.size*pxMM, 0.92*rowH))
		w := math.Min(sw.width*pxMM, 0.5)
		if sw.stroke.A == 0 {
			w = 0
		}
		outline := symbolOutline(sw.symbol, pt{r.x + r.w/2, cy}, size)
		s.polygon(outline, sw.fill, sw.stroke, w, nil)
	}
}

// symbolOutline returns a point symbol of diameter size centred on c, as
// the map engine shapes it.
func symbolOutline(sym mapview.Symbol, c pt, size float64) []pt {
	r := size / 2
	poly := func(n int, radius, phase, dy float64) []pt {
		out := make([]pt, 0, n)
		for i := 0; i < n; i++ {
			a := phase + 2*math.Pi*float64(i)/float64(n)
			out = append(out, pt{c.x + radius*math.Cos(a), c.y + dy + radius*math.Sin(a)})
		}
		return out
	}
	switch sym {
	case mapview.Square:
		h := r * 0.88
		return []pt{{c.x - h, c.y - h}, {c.x + h, c.y - h}, {c.x + h, c.y + h}, {c.x - h, c.y + h}}
	case mapview.Triangle:
		return poly(3, r*1.2, -math.Pi/2, r*0.15)
	case mapview.Diamond:
		return poly(4, r*1.1, -math.Pi/2, 0)
	case mapview.Star:
		out := make([]pt, 0, 10)
		for i := 0; i < 10; i++ {
			rad := r * 1.25
			if i%2 == 1 {
				rad *= 0.45
			}
			a := -math.Pi/2 + math.Pi*float64(i)/5
			out = append(out, pt{c.x + rad*math.Cos(a), c.y + rad*math.Sin(a)})
		}
		return out
	case mapview.Cross:
		t := r * 0.3
		return []pt{
			{c.x - t, c.y - r}, {c.x + t, c.y - r}, {c.x + t, c.y - t}, {c.x + r, c.y - t},
			{c.x + r, c.y + t}, {c.x + t, c.y + t}, {c.x + t, c.y + r}, {c.x - t, c.y + r},
			{c.x - t, c.y + t}, {c.x - r, c.y + t}, {c.x - r, c.y - t}, {c.x - t, c.y - t},
		}
	}
	return circlePts(c, r)
}
