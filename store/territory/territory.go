// Package territory decides whether a geometry lies in a territory: the rule
// by which the platform lets a commune's editor create, change or delete a
// feature. "Lies in" means every part of the geometry is inside the
// territory, or at most Tolerance metres outside it (a hydrant placed on the
// boundary, a pipe traced along it): a pipe from one commune to the next, or
// a polygon holding the whole commune, does not lie in it. (The export
// --commune keeps features that merely meet a commune: store.Intersects.)
//
// Distances are measured in Lambert-93 (EPSG:2154, as store/srs projects
// it), in metres. A territory is
// prepared once (projected, its edges indexed by horizontal bands) and then
// answers many geometries; it is safe for concurrent use.
package territory

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Tolerance is how far outside its territory, in metres, a geometry may
// reach and still lie in it: GPS and digitising slack along the boundary.
const Tolerance = 5.0

// ErrNotArea is returned (wrapped) by New for a territory that is not a
// polygon or multipolygon with some area in France.
var ErrNotArea = errors.New("territory: not an area")

// Territory is an area prepared for Contains.
type Territory struct {
	// lonLat is the territory's bounding box in longitude/latitude, grown
	// by a margin larger than Tolerance: geometries reaching past it are
	// refused before they are projected.
	lonLat orb.Bound
	toL93  func(orb.Point) orb.Point
	edges  edgeIndex
	// rings are the territory's rings in Lambert-93, for polygons that
	// might hold a hole of it.
	rings [][]orb.Point
}

// New prepares a territory given in longitude/latitude (EPSG:4326).
func New(g orb.Geometry) (*Territory, error) {
	polys := AsMultiPolygon(g)
	if polys == nil {
		return nil, fmt.Errorf("%w: %T", ErrNotArea, g)
	}
	t := &Territory{toL93: newLambert93().project}
	var parts [][][]orb.Point
	for _, p := range polys {
		var rings [][]orb.Point
		for _, r := range p {
			if len(r) < 4 {
				continue
			}
			pr := make([]orb.Point, len(r))
			for i, pt := range r {
				if pr[i] = t.toL93(pt); !finite(pr[i]) {
					return nil, fmt.Errorf("%w: point (%g, %g) cannot be placed in Lambert-93", ErrNotArea, pt[0], pt[1])
				}
			}
			rings = append(rings, pr)
			t.rings = append(t.rings, pr)
		}
		if len(rings) > 0 {
			parts = append(parts, rings)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: no ring", ErrNotArea)
	}
	t.edges = newEdgeIndex(parts, Tolerance)
	// One degree of latitude is 111 km, one of longitude at least 55 km in
	// France: 0.001° is more than 55 m, well over Tolerance.
	const margin = 0.001
	b := polys.Bound()
	t.lonLat = orb.Bound{Min: orb.Point{b.Min[0] - margin, b.Min[1] - margin}, Max: orb.Point{b.Max[0] + margin, b.Max[1] + margin}}
	return t, nil
}

// Contains reports whether g lies in the territory, within Tolerance. A
// nil or empty geometry lies in no territory (it has no position); nor does
// a geometry with a coordinate that is not a finite number.
func (t *Territory) Contains(g orb.Geometry) bool {
	if Empty(g) || !t.lonLat.Contains(g.Bound().Min) || !t.lonLat.Contains(g.Bound().Max) {
		return false
	}
	switch x := g.(type) {
	case orb.Point:
		return t.pointIn(t.toL93(x))
	case orb.MultiPoint:
		for _, p := range x {
			if !t.pointIn(t.toL93(p)) {
				return false
			}
		}
		return true
	case orb.LineString:
		return t.lineIn(t.project(x))
	case orb.MultiLineString:
		for _, ls := range x {
			if !t.lineIn(t.project(ls)) {
				return false
			}
		}
		return true
	case orb.Ring:
		return t.polygonIn([][]orb.Point{t.project(x)})
	case orb.Polygon:
		return t.polygonIn(t.projectRings(x))
	case orb.MultiPolygon:
		for _, p := range x {
			if !t.polygonIn(t.projectRings(p)) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, c := range x {
			if !t.Contains(c) {
				return false
			}
		}
		return true
	case orb.Bound:
		return t.Contains(x.ToPolygon())
	}
	return false
}

func (t *Territory) project(ls []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ls))
	for i, p := range ls {
		out[i] = t.toL93(p)
	}
	return out
}

func (t *Territory) projectRings(p orb.Polygon) [][]orb.Point {
	out := make([][]orb.Point, len(p))
	for i, r := range p {
		out[i] = t.project(r)
	}
	return out
}

// pointIn: inside, or within Tolerance of the boundary.
func (t *Territory) pointIn(p orb.Point) bool {
	return finite(p) && (t.edges.inside(p) || t.edges.near(p, Tolerance))
}

// lineIn: every vertex lies in the territory, and so does every stretch of
// the line between the places where it crosses the boundary.
func (t *Territory) lineIn(ls []orb.Point) bool {
	for _, p := range ls {
		if !t.pointIn(p) {
			return false
		}
	}
	var cuts []float64
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		cuts = t.edges.crossings(a, b, append(cuts[:0], 0, 1))
		for j := 1; j < len(cuts); j++ {
			if cuts[j]-cuts[j-1] > 1e-12 && !t.stretchIn(a, b, cuts[j-1], cuts[j]) {
				return false
			}
		}
	}
	return true
}

// stretchIn checks the part of segment ab between parameters t0 and t1,
// which does not cross the boundary: wholly inside, or, when outside,
// never farther than Tolerance from the boundary (checked every Tolerance
// metres: a stretch may reach at most half of that further).
func (t *Territory) stretchIn(a, b orb.Point, t0, t1 float64) bool {
	at := func(u float64) orb.Point { return orb.Point{a[0] + (b[0]-a[0])*u, a[1] + (b[1]-a[1])*u} }
	if t.edges.inside(at((t0 + t1) / 2)) {
		return true
	}
	length := math.Hypot(b[0]-a[0], b[1]-a[1]) * (t1 - t0)
	n := int(math.Ceil(length / Tolerance))
	for k := 0; k <= n; k++ {
		if !t.edges.near(at(t0+(t1-t0)*float64(k)/float64(max(n, 1))), Tolerance) {
			return false
		}
	}
	return true
}

// polygonIn: its rings lie in the territory, and it does not hold a hole
// of the territory (an enclave) or the gap between two of its parts.
func (t *Territory) polygonIn(rings [][]orb.Point) bool {
	for _, r := range rings {
		if !t.lineIn(r) {
			return false
		}
	}
	if len(rings) == 0 {
		return false
	}
	shape := newEdgeIndex([][][]orb.Point{rings}, 0)
	for _, r := range t.rings {
		for _, v := range r {
			if shape.inside(v) && !shape.near(v, Tolerance) && t.uncoveredAround(v, shape) {
				return false
			}
		}
	}
	return true
}

// uncoveredAround reports whether, a little way around v (a vertex of the
// territory inside the polygon shape), the polygon covers a point that is
// outside the territory by more than Tolerance.
func (t *Territory) uncoveredAround(v orb.Point, shape edgeIndex) bool {
	const probes = 8
	d := 3 * Tolerance
	for k := range probes {
		a := 2 * math.Pi * float64(k) / probes
		p := orb.Point{v[0] + d*math.Cos(a), v[1] + d*math.Sin(a)}
		if shape.inside(p) && !t.edges.inside(p) && !t.edges.near(p, Tolerance) {
			return true
		}
	}
	return false
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// Empty reports whether g has no point at all (nil included): a feature
// with such a geometry has no position.
func Empty(g orb.Geometry) bool {
	switch x := g.(type) {
	case nil:
		return true
	case orb.MultiPoint:
		return len(x) == 0
	case orb.LineString:
		return len(x) == 0
	case orb.MultiLineString:
		for _, ls := range x {
			if len(ls) > 0 {
				return false
			}
		}
		return true
	case orb.Ring:
		return len(x) == 0
	case orb.Polygon:
		return len(x) == 0 || len(x[0]) == 0
	case orb.MultiPolygon:
		for _, p := range x {
			if !Empty(p) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, c := range x {
			if !Empty(c) {
				return false
			}
		}
		return true
	}
	return false
}
