package mapui

import (
	"terrimap/mapview"

	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// The headless side of the map widget's tools: measures, the scale bar,
// the geometry a sketch makes, and vertex editing. Pixels are logical.

// Measurement is what a measuring tool reports. Lengths and areas are
// geodesic, on the sphere of orb/geo (within about 0.5 % of the
// ellipsoid at our latitudes).
type Measurement struct {
	// Vertices are the points measured, as longitude/latitude.
	Vertices orb.LineString
	// Length is the length in metres of the line through the vertices;
	// for an area, the perimeter of the ring they close.
	Length float64
	// Area is the area in square metres of the polygon the vertices
	// close, for an area measure of three vertices or more; 0 otherwise.
	Area float64
	// Done is true once the user has finished the measure; the next tap
	// starts another.
	Done bool
}

// Measure measures the vertices as a line, or as a polygon when area is
// true.
func Measure(vertices orb.LineString, area bool) Measurement {
	m := Measurement{Vertices: append(orb.LineString(nil), vertices...)}
	for i := 1; i < len(vertices); i++ {
		m.Length += geo.Distance(vertices[i-1], vertices[i])
	}
	if area && len(vertices) >= 3 {
		m.Length += geo.Distance(vertices[len(vertices)-1], vertices[0])
		m.Area = geo.Area(closedRing(vertices))
	}
	return m
}

// closedRing returns the vertices as a ring, first point repeated last.
func closedRing(vertices orb.LineString) orb.Ring {
	r := append(orb.Ring(nil), vertices...)
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

// sketchShape is the kind of geometry a drawing tool makes.
type sketchShape uint8

const (
	sketchPoint sketchShape = iota
	sketchLine
	sketchPolygon
)

// sketchGeometry returns the geometry the vertices make, or false when
// there are too few of them: 1 for a point (the last one), 2 for a line,
// 3 for a polygon.
func sketchGeometry(shape sketchShape, vertices orb.LineString) (orb.Geometry, bool) {
	switch shape {
	case sketchPoint:
		if len(vertices) >= 1 {
			return vertices[len(vertices)-1], true
		}
	case sketchLine:
		if len(vertices) >= 2 {
			return append(orb.LineString(nil), vertices...), true
		}
	case sketchPolygon:
		if len(vertices) >= 3 {
			return orb.Polygon{closedRing(vertices)}, true
		}
	}
	return nil, false
}

// mapPaths returns a copy of g with each path replaced by what fn returns
// for it (fn may return its argument: it is already a copy).
func mapPaths(g orb.Geometry, fn func(k int, pts []orb.Point, kind mapview.PathKind) []orb.Point) orb.Geometry {
	k := 0
	next := func(pts []orb.Point, kind mapview.PathKind) []orb.Point {
		out := fn(k, append([]orb.Point(nil), pts...), kind)
		k++
		return out
	}
	var walk func(g orb.Geometry) orb.Geometry
	walk = func(g orb.Geometry) orb.Geometry {
		switch g := g.(type) {
		case orb.Point:
			if pts := next([]orb.Point{g}, mapview.PathPoints); len(pts) > 0 {
				return pts[0]
			}
			return g
		case orb.MultiPoint:
			return orb.MultiPoint(next(g, mapview.PathPoints))
		case orb.LineString:
			return orb.LineString(next(g, mapview.PathLine))
		case orb.MultiLineString:
			out := make(orb.MultiLineString, len(g))
			for i, ls := range g {
				out[i] = walk(ls).(orb.LineString)
			}
			return out
		case orb.Ring:
			return orb.Ring(next(g, mapview.PathRing))
		case orb.Polygon:
			out := make(orb.Polygon, len(g))
			for i, r := range g {
				out[i] = walk(r).(orb.Ring)
			}
			return out
		case orb.MultiPolygon:
			out := make(orb.MultiPolygon, len(g))
			for i, p := range g {
				out[i] = walk(p).(orb.Polygon)
			}
			return out
		case orb.Collection:
			out := make(orb.Collection, len(g))
			for i, c := range g {
				out[i] = walk(c)
			}
			return out
		}
		return g
	}
	return walk(g)
}

// vertexRef names a vertex of a geometry: its path (as eachPath numbers
// them) and its index in the path.
type vertexRef struct{ path, index int }

// moveVertex returns a copy of g with the vertex v at p; moving a ring's
// first or last point moves both.
func moveVertex(g orb.Geometry, v vertexRef, p orb.Point) orb.Geometry {
	return mapPaths(g, func(k int, pts []orb.Point, kind mapview.PathKind) []orb.Point {
		if k != v.path || v.index < 0 || v.index >= len(pts) {
			return pts
		}
		pts[v.index] = p
		if kind == mapview.PathRing && (v.index == 0 || v.index == len(pts)-1) {
			pts[0], pts[len(pts)-1] = p, p
		}
		return pts
	})
}

// insertVertex returns a copy of g with p inserted in path after the
// vertex at index after.
func insertVertex(g orb.Geometry, path, after int, p orb.Point) orb.Geometry {
	return mapPaths(g, func(k int, pts []orb.Point, kind mapview.PathKind) []orb.Point {
		if k != path || kind == mapview.PathPoints || after < 0 || after >= len(pts)-1 {
			return pts
		}
		out := make([]orb.Point, 0, len(pts)+1)
		out = append(out, pts[:after+1]...)
		out = append(out, p)
		return append(out, pts[after+1:]...)
	})
}

// deleteVertex returns a copy of g without the vertex v, or false when
// that would leave too few: a line keeps 2 points, a ring 3 corners, a
// multipoint 1 point; a point cannot lose its only vertex.
func deleteVertex(g orb.Geometry, v vertexRef) (orb.Geometry, bool) {
	done := false
	out := mapPaths(g, func(k int, pts []orb.Point, kind mapview.PathKind) []orb.Point {
		if k != v.path || v.index < 0 || v.index >= len(pts) {
			return pts
		}
		switch kind {
		case mapview.PathPoints:
			if len(pts) <= 1 {
				return pts
			}
		case mapview.PathLine:
			if len(pts) <= 2 {
				return pts
			}
		case mapview.PathRing:
			if len(pts) <= 4 {
				return pts
			}
			i := v.index
			if i == len(pts)-1 {
				i = 0
			}
			pts = append(pts[:i], pts[i+1:]...)
			if i == 0 {
				pts[len(pts)-1] = pts[0]
			}
			done = true
			return pts
		}
		done = true
		return append(pts[:v.index], pts[v.index+1:]...)
	})
	return out, done
}

// nearestVertex returns the vertex of g drawn nearest to pixel in vp,
// within tolerance logical pixels. A ring's closing point is its first.
func nearestVertex(vp mapview.Viewport, g orb.Geometry, pixel orb.Point, tolerance float64) (vertexRef, bool) {
	best, found := vertexRef{}, false
	bestD := math.Inf(1)
	mapview.EachPath(g, func(k int, pts []orb.Point, kind mapview.PathKind) {
		n := len(pts)
		if kind == mapview.PathRing && n > 1 {
			n--
		}
		for i := range n {
			if d := pixelDistance(vp.LonLatToPixel(pts[i]), pixel); d <= tolerance && d < bestD {
				best, bestD, found = vertexRef{k, i}, d, true
			}
		}
	})
	return best, found
}

// nearestSegment returns the segment of g drawn nearest to pixel in vp,
// within tolerance logical pixels: its path, the index of its first
// vertex, and the longitude/latitude of the point of it nearest to pixel.
func nearestSegment(vp mapview.Viewport, g orb.Geometry, pixel orb.Point, tolerance float64) (path, after int, at orb.Point, ok bool) {
	bestD := math.Inf(1)
	mapview.EachPath(g, func(k int, pts []orb.Point, kind mapview.PathKind) {
		if kind == mapview.PathPoints {
			return
		}
		for i := 1; i < len(pts); i++ {
			a, b := vp.LonLatToPixel(pts[i-1]), vp.LonLatToPixel(pts[i])
			q := nearestOnSegment(a, b, pixel)
			if d := pixelDistance(q, pixel); d <= tolerance && d < bestD {
				path, after, at, ok, bestD = k, i-1, vp.PixelToLonLat(q), true, d
			}
		}
	})
	return path, after, at, ok
}

// nearestOnSegment returns the point of segment ab nearest to p.
func nearestOnSegment(a, b, p orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return a
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

func pixelDistance(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// clipSegment clips the segment ab to the box (Liang–Barsky); false when
// nothing of it is inside.
func clipSegment(a, b orb.Point, box orb.Bound) (orb.Point, orb.Point, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, e := range [4][2]float64{
		{-dx, a[0] - box.Min[0]}, {dx, box.Max[0] - a[0]},
		{-dy, a[1] - box.Min[1]}, {dy, box.Max[1] - a[1]},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return a, b, false
		}
	}
	return orb.Point{a[0] + t0*dx, a[1] + t0*dy}, orb.Point{a[0] + t1*dx, a[1] + t1*dy}, true
}
