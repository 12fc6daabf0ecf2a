package report

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// shape is a planar geometry broken into what distances are measured
// between: its segments (a point is a segment of zero length) and its
// polygons, for the points that lie inside them.
type shape struct {
	segs  [][2]orb.Point
	polys []orb.Polygon
}

// newShape breaks g down; nil or empty geometries give an empty shape,
// infinitely far from everything.
func newShape(g orb.Geometry) *shape {
	s := &shape{}
	s.add(g)
	return s
}

func (s *shape) add(g orb.Geometry) {
	if b, ok := g.(orb.Bound); ok {
		g = b.ToPolygon()
	}
	eachPoint(g, func(p orb.Point) { s.segs = append(s.segs, [2]orb.Point{p, p}) })
	eachLine(g, s.line)
	eachPolygon(g, func(p orb.Polygon) { s.polys = append(s.polys, p) })
}

// eachPoint calls fn with every point of g that stands alone (not a vertex).
func eachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch x := g.(type) {
	case orb.Point:
		fn(x)
	case orb.MultiPoint:
		for _, p := range x {
			fn(p)
		}
	case orb.Collection:
		for _, c := range x {
			eachPoint(c, fn)
		}
	}
}

// eachLine calls fn with every line of g and every ring of its polygons.
func eachLine(g orb.Geometry, fn func(orb.LineString)) {
	switch x := g.(type) {
	case orb.LineString:
		fn(x)
	case orb.MultiLineString:
		for _, ls := range x {
			fn(ls)
		}
	case orb.Ring:
		fn(orb.LineString(x))
	case orb.Polygon, orb.MultiPolygon:
		eachPolygon(x, func(p orb.Polygon) {
			for _, r := range p {
				fn(orb.LineString(r))
			}
		})
	case orb.Collection:
		for _, c := range x {
			eachLine(c, fn)
		}
	}
}

// eachPolygon calls fn with every non-empty polygon of g.
func eachPolygon(g orb.Geometry, fn func(orb.Polygon)) {
	switch x := g.(type) {
	case orb.Polygon:
		if len(x) > 0 {
			fn(x)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			eachPolygon(p, fn)
		}
	case orb.Collection:
		for _, c := range x {
			eachPolygon(c, fn)
		}
	}
}

func (s *shape) line(ls orb.LineString) {
	switch len(ls) {
	case 0:
	case 1:
		s.segs = append(s.segs, [2]orb.Point{ls[0], ls[0]})
	default:
		for i := 1; i < len(ls); i++ {
			s.segs = append(s.segs, [2]orb.Point{ls[i-1], ls[i]})
		}
	}
}

// distance returns the shortest distance between two shapes, 0 when they
// meet or one lies in the other; +Inf when either is empty. It is exact:
// two segments that do not cross are closest at an end of one of them.
func distance(a, b *shape) float64 {
	if len(a.segs) == 0 || len(b.segs) == 0 {
		return math.Inf(1)
	}
	if a.holdsVertexOf(b) || b.holdsVertexOf(a) {
		return 0
	}
	best := math.Inf(1)
	for _, sa := range a.segs {
		for _, sb := range b.segs {
			if gapBetween(sa, sb) >= best {
				continue
			}
			if d := segmentDistance(sa, sb); d < best {
				if d == 0 {
					return 0
				}
				best = d
			}
		}
	}
	return best
}

// holdsVertexOf reports whether a vertex of o lies inside one of s's
// polygons (holes excluded).
func (s *shape) holdsVertexOf(o *shape) bool {
	for _, p := range s.polys {
		pb := p.Bound()
		for _, seg := range o.segs {
			if pb.Contains(seg[0]) && planar.PolygonContains(p, seg[0]) {
				return true
			}
		}
	}
	return false
}

// signedDistance returns the distance from p to the shape, negative inside
// its polygons (minus the distance to their outline).
func (s *shape) signedDistance(p orb.Point) float64 {
	d := math.Inf(1)
	for _, seg := range s.segs {
		d = math.Min(d, planar.DistanceFromSegment(seg[0], seg[1], p))
	}
	for _, poly := range s.polys {
		if planar.PolygonContains(poly, p) {
			return -d
		}
	}
	return d
}

// gapBetween returns the distance between the bounding boxes of two
// segments: no point of them is closer.
func gapBetween(a, b [2]orb.Point) float64 {
	dx := math.Max(0, math.Max(math.Min(a[0][0], a[1][0])-math.Max(b[0][0], b[1][0]), math.Min(b[0][0], b[1][0])-math.Max(a[0][0], a[1][0])))
	dy := math.Max(0, math.Max(math.Min(a[0][1], a[1][1])-math.Max(b[0][1], b[1][1]), math.Min(b[0][1], b[1][1])-math.Max(a[0][1], a[1][1])))
	return math.Hypot(dx, dy)
}

// segmentDistance returns the distance between segments a and b.
func segmentDistance(a, b [2]orb.Point) float64 {
	if cross(a, b) {
		return 0
	}
	return math.Min(
		math.Min(planar.DistanceFromSegment(b[0], b[1], a[0]), planar.DistanceFromSegment(b[0], b[1], a[1])),
		math.Min(planar.DistanceFromSegment(a[0], a[1], b[0]), planar.DistanceFromSegment(a[0], a[1], b[1])))
}

// cross reports whether segments a and b cross at a point inside both;
// segments that touch or overlap are found by their distance, 0.
func cross(a, b [2]orb.Point) bool {
	d1, d2 := orient(b[0], b[1], a[0]), orient(b[0], b[1], a[1])
	d3, d4 := orient(a[0], a[1], b[0]), orient(a[0], a[1], b[1])
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

func orient(p, q, r orb.Point) float64 {
	return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
}
