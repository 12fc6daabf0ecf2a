package territory

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// edge is one side of a ring, with the part (polygon) it bounds.
type edge struct {
	a, b orb.Point
	part int
}

// edgeIndex holds the edges of some polygons, sorted into horizontal bands:
// a band lists every edge whose vertical extent, grown by reach, meets it.
// A point's band gives the edges its horizontal ray crosses and those
// within reach of it, without looking at the others.
type edgeIndex struct {
	minY, bandHeight float64
	bands            [][]edge
	parts            int
}

// newEdgeIndex indexes the rings of parts (each part: an outer ring and
// its holes); reach is the farthest distance near will be asked about.
func newEdgeIndex(parts [][][]orb.Point, reach float64) edgeIndex {
	var all []edge
	minY, maxY := math.Inf(1), math.Inf(-1)
	for i, rings := range parts {
		for _, r := range rings {
			for k := 1; k < len(r); k++ {
				all = append(all, edge{a: r[k-1], b: r[k], part: i})
				minY, maxY = min(minY, r[k][1]), max(maxY, r[k][1])
			}
			if len(r) > 0 && r[0] != r[len(r)-1] { // an unclosed ring closes
				all = append(all, edge{a: r[len(r)-1], b: r[0], part: i})
			}
		}
	}
	idx := edgeIndex{parts: len(parts)}
	if len(all) == 0 {
		return idx
	}
	minY, maxY = minY-reach, maxY+reach
	n := max(1, min(len(all)/4, 4096))
	idx.minY, idx.bandHeight = minY, max((maxY-minY)/float64(n), 1e-9)
	idx.bands = make([][]edge, n)
	for _, e := range all {
		lo, hi := idx.band(min(e.a[1], e.b[1])-reach), idx.band(max(e.a[1], e.b[1])+reach)
		for k := lo; k <= hi; k++ {
			idx.bands[k] = append(idx.bands[k], e)
		}
	}
	return idx
}

// band returns the band of ordinate y, clamped to the index.
func (x edgeIndex) band(y float64) int {
	k := int(math.Floor((y - x.minY) / x.bandHeight))
	return max(0, min(k, len(x.bands)-1))
}

// edgesAround returns the edges of y's band, nil outside the index.
func (x edgeIndex) edgesAround(y float64) []edge {
	if len(x.bands) == 0 || y < x.minY || y > x.minY+x.bandHeight*float64(len(x.bands)) {
		return nil
	}
	return x.bands[x.band(y)]
}

// inside reports whether p is inside one of the parts (even-odd rule within
// each part, so that overlapping or touching parts still count).
func (x edgeIndex) inside(p orb.Point) bool {
	var small [8]bool
	var odd []bool
	if x.parts <= len(small) {
		odd = small[:x.parts]
	} else {
		odd = make([]bool, x.parts)
	}
	for _, e := range x.edgesAround(p[1]) {
		a, b := e.a, e.b
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			odd[e.part] = !odd[e.part]
		}
	}
	for _, o := range odd {
		if o {
			return true
		}
	}
	return false
}

// near reports whether p is within d of an edge.
func (x edgeIndex) near(p orb.Point, d float64) bool {
	for _, e := range x.edgesAround(p[1]) {
		if min(e.a[0], e.b[0])-d > p[0] || max(e.a[0], e.b[0])+d < p[0] {
			continue
		}
		if segmentDistance(p, e.a, e.b) <= d {
			return true
		}
	}
	return false
}

// crossings appends to ts the parameters (0–1 along ab) where segment ab
// meets an edge, and returns them sorted; duplicates may remain.
func (x edgeIndex) crossings(a, b orb.Point, ts []float64) []float64 {
	if len(x.bands) == 0 {
		return ts
	}
	lo, hi := x.band(min(a[1], b[1])), x.band(max(a[1], b[1]))
	minX, maxX := min(a[0], b[0]), max(a[0], b[0])
	for k := lo; k <= hi; k++ {
		for _, e := range x.bands[k] {
			if max(e.a[0], e.b[0]) < minX || min(e.a[0], e.b[0]) > maxX {
				continue
			}
			ts = appendMeets(ts, a, b, e.a, e.b)
		}
	}
	slices.Sort(ts)
	return ts
}

// appendMeets appends the parameters along ab where it meets cd: one where
// they cross or touch, the ends of the shared stretch where they overlap.
func appendMeets(ts []float64, a, b, c, d orb.Point) []float64 {
	r := orb.Point{b[0] - a[0], b[1] - a[1]}
	s := orb.Point{d[0] - c[0], d[1] - c[1]}
	den := cross(r, s)
	ac := orb.Point{c[0] - a[0], c[1] - a[1]}
	if den == 0 {
		if cross(ac, r) != 0 { // parallel, apart
			return ts
		}
		rr := r[0]*r[0] + r[1]*r[1]
		if rr == 0 {
			return ts
		}
		t0 := (ac[0]*r[0] + ac[1]*r[1]) / rr
		t1 := t0 + (s[0]*r[0]+s[1]*r[1])/rr
		for _, t := range []float64{t0, t1} {
			if t > 0 && t < 1 {
				ts = append(ts, t)
			}
		}
		return ts
	}
	t := cross(ac, s) / den
	u := cross(ac, r) / den
	if t > 0 && t < 1 && u >= 0 && u <= 1 {
		ts = append(ts, t)
	}
	return ts
}

func cross(p, q orb.Point) float64 { return p[0]*q[1] - p[1]*q[0] }

// segmentDistance is the distance from p to segment ab.
func segmentDistance(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}
