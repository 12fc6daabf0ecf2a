package mapview

import "github.com/paulmach/orb"

// PathKind says how the points of a path of a geometry are joined.
type PathKind uint8

const (
	// PathPoints are not joined: a point or multipoint.
	PathPoints PathKind = iota
	// PathLine is a line string.
	PathLine
	// PathRing is a ring: its last point repeats the first.
	PathRing
)

// EachPath calls fn with each point sequence of g, numbered in a fixed
// order: a point's or multipoint's points, each line, each ring.
func EachPath(g orb.Geometry, fn func(k int, pts []orb.Point, kind PathKind)) {
	k := 0
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			fn(k, []orb.Point{g}, PathPoints)
			k++
		case orb.MultiPoint:
			fn(k, g, PathPoints)
			k++
		case orb.LineString:
			fn(k, g, PathLine)
			k++
		case orb.MultiLineString:
			for _, ls := range g {
				walk(ls)
			}
		case orb.Ring:
			fn(k, g, PathRing)
			k++
		case orb.Polygon:
			for _, r := range g {
				walk(r)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				walk(p)
			}
		case orb.Collection:
			for _, c := range g {
				walk(c)
			}
		}
	}
	walk(g)
}
