package mapview

import (
	"math"

	"github.com/paulmach/orb"
)

// Lines are stroked by building polygons that the canvas fills in one pass:
// a quad per segment, a disc (round) or a wedge (miter) at each joint, and
// discs or extensions for caps. Overlaps add up to full coverage only once,
// so a translucent line stays even across its joints.

// miterLimit is the longest miter, in half widths, before it is bevelled.
const miterLimit = 4

// stroke adds the outline of the polyline pts, hw pixels on each side. A
// closed line joins its last point to its first.
func (c *canvas) stroke(pts []orb.Point, hw float64, capKind, join uint8, closed bool) {
	pts = dedupe(pts)
	n := len(pts)
	if n == 0 || hw <= 0 {
		return
	}
	if n == 1 {
		if capKind == capRound && !closed {
			c.disc(pts[0], hw)
		}
		return
	}
	if closed && pts[0] == pts[n-1] {
		n--
		pts = pts[:n]
		if n < 2 {
			return
		}
	}
	segs := n - 1
	if closed {
		segs = n
	}
	for i := 0; i < segs; i++ {
		a, b := pts[i], pts[(i+1)%n]
		if !closed && capKind == capSquare {
			if i == 0 {
				a = extend(b, a, hw)
			}
			if i == segs-1 {
				b = extend(a, b, hw)
			}
		}
		nx, ny := normal(a, b, hw)
		c.quad(orb.Point{a[0] + nx, a[1] + ny}, orb.Point{b[0] + nx, b[1] + ny},
			orb.Point{b[0] - nx, b[1] - ny}, orb.Point{a[0] - nx, a[1] - ny})
	}
	// Joints: every inner vertex, and every vertex of a closed line.
	first, last := 1, n-1
	if closed {
		first, last = 0, n
	}
	for i := first; i < last; i++ {
		prev, v, next := pts[(i-1+n)%n], pts[i], pts[(i+1)%n]
		c.joint(prev, v, next, hw, join)
	}
	if !closed && capKind == capRound {
		c.disc(pts[0], hw)
		c.disc(pts[n-1], hw)
	}
}

// joint fills the gap on the outer side of the turn at v.
func (c *canvas) joint(prev, v, next orb.Point, hw float64, join uint8) {
	if hw < 0.6 {
		return // thinner than the anti-aliasing: the quads' overlap is enough
	}
	if join == joinRound {
		c.disc(v, hw)
		return
	}
	n0x, n0y := normal(prev, v, hw)
	n1x, n1y := normal(v, next, hw)
	d1x, d1y := next[0]-v[0], next[1]-v[1]
	s := -1.0
	if n0x*d1x+n0y*d1y < 0 {
		s = 1 // the line turns away from n0: the gap is on n0's side
	}
	a := orb.Point{v[0] + s*n0x, v[1] + s*n0y}
	b := orb.Point{v[0] + s*n1x, v[1] + s*n1y}
	mx, my := n0x+n1x, n0y+n1y
	ml := math.Hypot(mx, my)
	if ml < 1e-9 {
		return // a U-turn: the quads cover it
	}
	// The miter tip is along the bisector at hw / cos(half the turn).
	cosHalf := ml / (2 * hw)
	if 1/cosHalf > miterLimit {
		c.tmp = append(c.tmp[:0], v, a, b)
		c.polygon(c.tmp, false)
		return
	}
	k := s * hw / cosHalf / ml
	tip := orb.Point{v[0] + mx*k, v[1] + my*k}
	c.quad(v, a, tip, b)
}

// normal returns the left normal of a→b scaled to length hw.
func normal(a, b orb.Point, hw float64) (float64, float64) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return 0, 0
	}
	return -dy / l * hw, dx / l * hw
}

// extend returns b moved d further from a.
func extend(a, b orb.Point, d float64) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return b
	}
	return orb.Point{b[0] + dx/l*d, b[1] + dy/l*d}
}

// dedupe drops consecutive points closer than a hundredth of a pixel, in
// place.
func dedupe(pts []orb.Point) []orb.Point {
	if len(pts) < 2 {
		return pts
	}
	out := pts[:1]
	for _, p := range pts[1:] {
		q := out[len(out)-1]
		if math.Abs(p[0]-q[0]) > 0.01 || math.Abs(p[1]-q[1]) > 0.01 {
			out = append(out, p)
		}
	}
	return out
}

// maxDashes bounds the dashes of one line: a pattern too fine for a very
// long line draws it solid.
const maxDashes = 20000

// dash calls fn with each drawn piece of the polyline pts under a dash
// pattern (alternating drawn and skipped lengths; an odd pattern repeats
// twice, as in SVG). The pattern runs from the line's first point, so that
// tiles cut from the same line agree; pieces wholly outside clip are
// skipped. piece is scratch space, returned for reuse. ok is false, and
// nothing is drawn, when the pattern is too fine for the line: draw it
// solid.
func dash(pts []orb.Point, pattern []float32, clip orb.Bound, piece []orb.Point, fn func([]orb.Point)) (_ []orb.Point, ok bool) {
	pat := make([]float64, 0, 2*maxDash)
	total := 0.0
	for _, d := range pattern {
		pat = append(pat, float64(d))
		total += float64(d)
	}
	if len(pat)%2 == 1 {
		pat = append(pat, pat...)
		total *= 2
	}
	length := 0.0
	for i := 1; i < len(pts); i++ {
		length += math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
	}
	if total < 0.5 || length/total > maxDashes {
		return piece, false
	}
	idx, left := 0, pat[0] // current pattern entry and what remains of it
	on := true
	piece = piece[:0]
	flush := func() {
		if len(piece) > 1 {
			fn(piece)
		}
		piece = piece[:0]
	}
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		seg := math.Hypot(b[0]-a[0], b[1]-a[1])
		if seg == 0 {
			continue
		}
		visible := segmentBound(a, b).Intersects(clip)
		pos := 0.0
		for pos < seg {
			step := math.Min(left, seg-pos)
			if on && visible {
				p0 := lerpPoint(a, b, pos/seg)
				p1 := lerpPoint(a, b, (pos+step)/seg)
				if len(piece) == 0 {
					piece = append(piece, p0)
				}
				piece = append(piece, p1)
			}
			pos += step
			left -= step
			if left <= 1e-9 {
				if on {
					flush()
				}
				idx = (idx + 1) % len(pat)
				left = pat[idx]
				on = !on
			}
		}
		if !visible {
			flush()
		}
	}
	flush()
	return piece, true
}

func lerpPoint(a, b orb.Point, t float64) orb.Point {
	return orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}
}

func segmentBound(a, b orb.Point) orb.Bound {
	return orb.Bound{Min: orb.Point{math.Min(a[0], b[0]), math.Min(a[1], b[1])}, Max: orb.Point{math.Max(a[0], b[0]), math.Max(a[1], b[1])}}
}
