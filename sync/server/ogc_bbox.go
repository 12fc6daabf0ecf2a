package server

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// boundMeets reports whether geometry g meets box b (shares at least one
// point with it, edges included): the OGC API bbox rule, checked on the
// geometry itself rather than on its bounding box. A nil geometry never
// meets a box.
func boundMeets(b orb.Bound, g orb.Geometry) bool {
	if g == nil || !b.Intersects(g.Bound()) {
		return false
	}
	switch x := g.(type) {
	case orb.Point:
		return b.Contains(x)
	case orb.MultiPoint:
		for _, p := range x {
			if b.Contains(p) {
				return true
			}
		}
		return false
	case orb.LineString:
		return lineMeets(b, x)
	case orb.MultiLineString:
		for _, ls := range x {
			if lineMeets(b, ls) {
				return true
			}
		}
		return false
	case orb.Ring:
		return polygonMeets(b, orb.Polygon{x})
	case orb.Polygon:
		return polygonMeets(b, x)
	case orb.MultiPolygon:
		for _, p := range x {
			if polygonMeets(b, p) {
				return true
			}
		}
		return false
	case orb.Bound:
		return true // the bounds intersect, checked above
	case orb.Collection:
		for _, m := range x {
			if boundMeets(b, m) {
				return true
			}
		}
		return false
	}
	return false
}

// lineMeets reports whether a vertex or a segment of ls lies in b.
func lineMeets(b orb.Bound, ls []orb.Point) bool {
	for i, p := range ls {
		if b.Contains(p) {
			return true
		}
		if i > 0 && segmentMeets(b, ls[i-1], p) {
			return true
		}
	}
	return false
}

// polygonMeets reports whether polygon p meets b: one of its rings
// crosses or enters b, or b lies wholly inside p (not in a hole).
func polygonMeets(b orb.Bound, p orb.Polygon) bool {
	for _, r := range p {
		if lineMeets(b, r) {
			return true
		}
	}
	return len(p) > 0 && planar.PolygonContains(p, b.Min)
}

// segmentMeets clips segment pq to b (Liang–Barsky) and reports whether
// anything is left.
func segmentMeets(b orb.Bound, p, q orb.Point) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := q[0]-p[0], q[1]-p[1]
	clip := func(den, num float64) bool {
		if den == 0 {
			return num >= 0
		}
		t := num / den
		if den < 0 {
			if t > t1 {
				return false
			}
			t0 = max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = min(t1, t)
		}
		return true
	}
	return clip(-dx, p[0]-b.Min[0]) && clip(dx, b.Max[0]-p[0]) &&
		clip(-dy, p[1]-b.Min[1]) && clip(dy, b.Max[1]-p[1]) && t0 <= t1
}
