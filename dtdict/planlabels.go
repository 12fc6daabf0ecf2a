package dtdict

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strings"

	"terrimap/internal/paper"
	"terrimap/report"
)

// sheetLabel is what a plan writes beside a tronçon or a fitting: its
// identifier, material (a fitting's type instead), diameter and class —
// "AEP-0123 · Fonte ductile · Ø 150 · cl. B".
func sheetLabel(it *report.Item) string {
	parts := []string{it.ID}
	if it.Material != "" {
		parts = append(parts, it.Material)
	} else if it.Type != "" && len(linesOf(it.Geometry)) == 0 {
		parts = append(parts, it.Type)
	}
	if it.Diameter > 0 {
		parts = append(parts, "Ø"+paper.NBSP+paper.Decimal(it.Diameter, 0))
	}
	parts = append(parts, "cl."+paper.NBSP+it.Class.Label())
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " · ")
}

// label is a label placed on the page: its text's box, turned by angle
// (radians, clockwise on the page) about the anchor.
type label struct {
	text    string
	anchor  paper.Pt
	angle   float64
	x, y    float64 // the text's baseline start, before turning
	box     paper.Rect
	corners [4]paper.Pt // the box turned: where it lies on the page
	// leader, when set, is the feature's point a label set apart from it
	// is tied to by a thin line.
	leader *paper.Pt
}

// labelFont is the labels' text size, times the sheet's K.
const labelFont = 6.0

// drawLabels writes each feature's label where it fits: a tronçon's along
// its longest visible segment that has room (or a shorter one, or at a
// quarter of one), a fitting's beside it; never over another label, the
// scale bar or the north arrow, nor out of the frame. A label with no
// room is left out.
func (m *planMap) drawLabels(items []report.Item) {
	k := m.frame.K
	f := paper.Font{Size: labelFont * k}
	inner := inset(m.frame.Rect, 1.5*k)
	var placed []label
	var lines [][2]paper.Pt // every visible segment of the network
	for i := range items {
		for _, ls := range linesOf(items[i].Geometry) {
			pts := m.line(ls)
			for j := 1; j < len(pts); j++ {
				if a, b, ok := clip(pts[j-1], pts[j], m.frame.Rect); ok {
					lines = append(lines, [2]paper.Pt{a, b})
				}
			}
		}
	}
	// free reports whether a label may go there: in the frame, clear of
	// the furniture and the other labels, and, when strict, of every line
	// of the network (a label's veil would hide a pipe).
	free := func(l label, strict bool) bool {
		for _, c := range l.corners {
			if !inside(c, inner) {
				return false
			}
		}
		for _, r := range m.furniture {
			if overlap(l.corners[:], r.Pts()) {
				return false
			}
		}
		for _, p := range placed {
			if overlap(l.corners[:], p.corners[:]) {
				return false
			}
		}
		if strict {
			for _, s := range lines {
				if overlap(l.corners[:], s[:]) {
					return false
				}
			}
		}
		return true
	}
	for _, i := range labelOrder(items) {
		it := &items[i]
		text := sheetLabel(it)
		w := m.fonts.Width(text, f)
		spots := m.labelSpots(it, w, f)
		for _, strict := range []bool{true, false} {
			if j := slices.IndexFunc(spots, func(l label) bool { return free(l, strict) }); j >= 0 {
				l := spots[j]
				l.text = text
				placed = append(placed, l)
				m.writeLabel(l, f, m.labelInk(it.Class))
				break
			}
		}
	}
}

// labelOrder is the order labels are placed in, the most constrained
// first so that fewest are left out where they crowd: fittings (a few
// spots around a point) before tronçons (spots all along), then the
// widest first, then in the analysis's order.
func labelOrder(items []report.Item) []int {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	isLine := func(i int) bool { return len(linesOf(items[i].Geometry)) > 0 }
	slices.SortStableFunc(order, func(a, b int) int {
		if la, lb := isLine(a), isLine(b); la != lb {
			if lb {
				return -1
			}
			return 1
		}
		return cmp.Compare(items[b].Diameter, items[a].Diameter)
	})
	return order
}

// labelSpots returns where a feature's label of width w may go, best
// first.
func (m *planMap) labelSpots(it *report.Item, w float64, f paper.Font) []label {
	k := m.frame.K
	inner := inset(m.frame.Rect, 1.5*k)
	type seg struct{ a, b paper.Pt }
	var segs []seg
	for _, ls := range linesOf(it.Geometry) {
		pts := m.line(ls)
		for i := 1; i < len(pts); i++ {
			if a, b, ok := clip(pts[i-1], pts[i], inner); ok {
				segs = append(segs, seg{a, b})
			}
		}
	}
	length := func(s seg) float64 { return math.Hypot(s.b.X-s.a.X, s.b.Y-s.a.Y) }
	slices.SortStableFunc(segs, func(p, q seg) int { return cmp.Compare(length(q), length(p)) })
	var out []label
	for _, s := range segs {
		l := length(s)
		if l < w+2*k {
			continue
		}
		// From the middle outwards, as far as the label stays on the
		// segment.
		room := (w/2 + k) / l
		for _, t := range []float64{0.5, 0.35, 0.65, 0.2, 0.8, room, 1 - room} {
			if t < room || t > 1-room {
				continue
			}
			at := paper.Pt{X: s.a.X + t*(s.b.X-s.a.X), Y: s.a.Y + t*(s.b.Y-s.a.Y)}
			for _, side := range []float64{1, -1} {
				out = append(out, m.alongLine(at, s.a, s.b, w, f, side))
			}
		}
	}
	var anchors []paper.Pt
	for _, p := range pointsOf(it.Geometry) {
		anchors = append(anchors, m.frame.Page(p))
	}
	// Last, flat beside the middle of each visible segment: for a
	// tronçon too short, or too crowded, to carry its label.
	for _, s := range segs {
		anchors = append(anchors, paper.Pt{X: (s.a.X + s.b.X) / 2, Y: (s.a.Y + s.b.Y) / 2})
	}
	capH := m.fonts.CapHeight(f)
	for _, d := range []float64{1.8 * k, 4.5 * k} {
		for _, at := range anchors {
			for _, o := range []paper.Pt{{X: d, Y: capH / 2}, {X: -d - w, Y: capH / 2}, {X: -w / 2, Y: -d}, {X: -w / 2, Y: d + capH},
				{X: d, Y: -d}, {X: d, Y: d + capH}, {X: -d - w, Y: -d}, {X: -d - w, Y: d + capH}} {
				l := m.flat(at.X+o.X, at.Y+o.Y, w, f)
				if d > 2*k {
					l.leader = &at
				}
				out = append(out, l)
			}
		}
	}
	return out
}

// alongLine is a label centred on at, along the segment a–b, above it
// (side 1) or under it (side -1), reading left to right.
func (m *planMap) alongLine(at, a, b paper.Pt, w float64, f paper.Font, side float64) label {
	if b.X < a.X {
		a, b = b, a
	}
	angle := math.Atan2(b.Y-a.Y, b.X-a.X)
	gap := (lineWidth/2 + 0.7) * m.frame.K
	capH := m.fonts.CapHeight(f)
	base := at.Y - gap
	if side < 0 {
		base = at.Y + gap + capH
	}
	return m.turned(label{anchor: at, angle: angle, x: at.X - w/2, y: base}, w, capH)
}

// flat is a label whose baseline starts at (x, y), unturned.
func (m *planMap) flat(x, y, w float64, f paper.Font) label {
	return m.turned(label{anchor: paper.Pt{X: x, Y: y}, x: x, y: y}, w, m.fonts.CapHeight(f))
}

// turned sets a label's box (with a little room around the text) and its
// corners on the page.
func (m *planMap) turned(l label, w, capH float64) label {
	pad := 0.4 * m.frame.K
	l.box = paper.Rect{X: l.x - pad, Y: l.y - capH - pad, W: w + 2*pad, H: capH + 0.3*capH + 2*pad}
	sin, cos := math.Sin(l.angle), math.Cos(l.angle)
	for i, p := range l.box.Pts() {
		dx, dy := p.X-l.anchor.X, p.Y-l.anchor.Y
		l.corners[i] = paper.Pt{X: l.anchor.X + dx*cos - dy*sin, Y: l.anchor.Y + dx*sin + dy*cos}
	}
	return l
}

// writeLabel writes a placed label on a white veil, turned about its
// anchor.
func (m *planMap) writeLabel(l label, f paper.Font, ink color.NRGBA) {
	if l.leader != nil {
		c := paper.Pt{X: math.Max(l.box.X, math.Min(l.leader.X, l.box.Right())), Y: math.Max(l.box.Y, math.Min(l.leader.Y, l.box.Bottom()))}
		m.s.Polyline([]paper.Pt{*l.leader, c}, ink, 0.15*m.frame.K, nil, false)
	}
	turn := l.angle != 0
	if turn {
		m.pdf.TransformBegin()
		m.pdf.TransformRotate(-l.angle*180/math.Pi, l.anchor.X, l.anchor.Y)
	}
	m.s.Polygon(l.box.Pts(), paper.BoxWhite.NRGBA(), paper.Transparent.NRGBA(), 0, nil)
	m.s.Text(l.x, l.y, l.text, f, ink)
	if turn {
		m.pdf.TransformEnd()
	}
}

// inset returns r shrunk by d on every side.
func inset(r paper.Rect, d float64) paper.Rect {
	return paper.Rect{X: r.X + d, Y: r.Y + d, W: r.W - 2*d, H: r.H - 2*d}
}

func inside(p paper.Pt, r paper.Rect) bool {
	return p.X >= r.X && p.X <= r.Right() && p.Y >= r.Y && p.Y <= r.Bottom()
}

// clip returns the part of the segment a–b inside r (Liang–Barsky).
func clip(a, b paper.Pt, r paper.Rect) (paper.Pt, paper.Pt, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float64{{-dx, a.X - r.X}, {dx, r.Right() - a.X}, {-dy, a.Y - r.Y}, {dy, r.Bottom() - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
	}
	if t0 >= t1 {
		return a, b, false
	}
	return paper.Pt{X: a.X + t0*dx, Y: a.Y + t0*dy}, paper.Pt{X: a.X + t1*dx, Y: a.Y + t1*dy}, true
}

// overlap reports whether two convex outlines meet (separating axes).
func overlap(p, q []paper.Pt) bool {
	for _, poly := range [2][]paper.Pt{p, q} {
		for i := range poly {
			a, b := poly[i], poly[(i+1)%len(poly)]
			nx, ny := b.Y-a.Y, a.X-b.X
			pMin, pMax := project(p, nx, ny)
			qMin, qMax := project(q, nx, ny)
			if pMax < qMin || qMax < pMin {
				return false
			}
		}
	}
	return true
}

func project(pts []paper.Pt, nx, ny float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		v := p.X*nx + p.Y*ny
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
