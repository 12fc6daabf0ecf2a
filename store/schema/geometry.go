package schema

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ErrInvalidGeometry is returned (wrapped) for a geometry that is malformed or
// does not fit the layer's geometry type.
var ErrInvalidGeometry = errors.New("schema: invalid geometry")

// ErrOutOfRange is returned (wrapped, with ErrInvalidGeometry) for a
// geometry whose coordinates are not longitudes and latitudes: most often
// a file read in the wrong coordinate system.
var ErrOutOfRange = errors.New("coordinates outside longitude/latitude range")

// ErrGeometryKind is returned (wrapped, with ErrInvalidGeometry) for a
// geometry of a kind the layer does not hold (a line in a layer of points).
var ErrGeometryKind = errors.New("geometry of another kind than the layer's")

// CheckGeometry verifies that g is a well-formed geometry of the layer's type,
// in longitude/latitude, and returns it normalised: single geometries are
// promoted to their multi form on multi layers and rings are closed. A nil
// geometry is allowed (features may lack one).
func (l *Layer) CheckGeometry(g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	g = closeRings(g)
	if err := checkShape(g); err != nil {
		return nil, err
	}
	bd := g.Bound()
	if bd.Min[0] < -180 || bd.Max[0] > 180 || bd.Min[1] < -90 || bd.Max[1] > 90 {
		return nil, fmt.Errorf("%w: %w (%.6g %.6g, %.6g %.6g): wrong projection?",
			ErrInvalidGeometry, ErrOutOfRange, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
	}
	want := l.GeometryType
	got := GeometryType(geometryName(g))
	if !want.Accepts(got, parts(g)) {
		return nil, fmt.Errorf("%w: %w: layer %s takes %s geometries, not %s", ErrInvalidGeometry, ErrGeometryKind, l.Name, want, got)
	}
	return inForm(g, want), nil
}

// Accepts reports whether a layer of type t takes a geometry of type kind
// made of parts parts (1 for a single geometry): one of its own type, a
// single one in the multi type, a multi one of one part in the single
// type; a layer of AnyGeometry takes every kind, and only it takes a
// collection (or a kind given as AnyGeometry: of no other type).
// CheckGeometry applies it to each geometry; the app to a file's kinds
// before an import.
func (t GeometryType) Accepts(kind GeometryType, parts int) bool {
	if t == AnyGeometry || t == kind {
		return true
	}
	if m := multiOf(t); m != "" && kind == m {
		return parts == 1
	}
	m := multiOf(kind)
	return m != "" && t == m
}

// multiOf is the multi type of a single type, "" for any other.
func multiOf(t GeometryType) GeometryType {
	switch t {
	case Point:
		return MultiPoint
	case LineString:
		return MultiLineString
	case Polygon:
		return MultiPolygon
	}
	return ""
}

// parts is how many parts g has: a multi geometry's members, 1 otherwise.
func parts(g orb.Geometry) int {
	switch x := g.(type) {
	case orb.MultiPoint:
		return len(x)
	case orb.MultiLineString:
		return len(x)
	case orb.MultiPolygon:
		return len(x)
	}
	return 1
}

// inForm returns g, of a kind want accepts, in want's own form: a single
// geometry promoted to multi, a multi one of one part made single.
func inForm(g orb.Geometry, want GeometryType) orb.Geometry {
	switch x := g.(type) {
	case orb.Point:
		if want == MultiPoint {
			return orb.MultiPoint{x}
		}
	case orb.LineString:
		if want == MultiLineString {
			return orb.MultiLineString{x}
		}
	case orb.Polygon:
		if want == MultiPolygon {
			return orb.MultiPolygon{x}
		}
	case orb.MultiPoint:
		if want == Point {
			return x[0]
		}
	case orb.MultiLineString:
		if want == LineString {
			return x[0]
		}
	case orb.MultiPolygon:
		if want == Polygon {
			return x[0]
		}
	}
	return g
}

func geometryName(g orb.Geometry) string {
	switch g.(type) {
	case orb.Point:
		return "POINT"
	case orb.LineString:
		return "LINESTRING"
	case orb.Polygon:
		return "POLYGON"
	case orb.MultiPoint:
		return "MULTIPOINT"
	case orb.MultiLineString:
		return "MULTILINESTRING"
	case orb.MultiPolygon:
		return "MULTIPOLYGON"
	case orb.Collection:
		return "GEOMETRYCOLLECTION"
	}
	return fmt.Sprintf("%T", g)
}

func closeRings(g orb.Geometry) orb.Geometry {
	closePoly := func(p orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, len(p))
		for i, r := range p {
			if len(r) >= 3 && r[0] != r[len(r)-1] {
				r = append(append(orb.Ring(nil), r...), r[0])
			}
			out[i] = r
		}
		return out
	}
	switch x := g.(type) {
	case orb.Polygon:
		return closePoly(x)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = closePoly(p)
		}
		return out
	}
	return g
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func checkPoints(ps []orb.Point, min int, what string) error {
	if len(ps) < min {
		return fmt.Errorf("%w: a %s needs at least %d points, it has %d", ErrInvalidGeometry, what, min, len(ps))
	}
	for _, p := range ps {
		if !finite(p) {
			return fmt.Errorf("%w: a %s has a non-numeric coordinate", ErrInvalidGeometry, what)
		}
	}
	return nil
}

func checkShape(g orb.Geometry) error {
	switch x := g.(type) {
	case orb.Point:
		return checkPoints([]orb.Point{x}, 1, "point")
	case orb.MultiPoint:
		return checkPoints(x, 1, "multipoint")
	case orb.LineString:
		if err := checkPoints(x, 2, "line"); err != nil {
			return err
		}
		if x.Bound().Min == x.Bound().Max {
			return fmt.Errorf("%w: a line has zero length", ErrInvalidGeometry)
		}
		return nil
	case orb.MultiLineString:
		if len(x) == 0 {
			return fmt.Errorf("%w: empty multiline", ErrInvalidGeometry)
		}
		for _, ls := range x {
			if err := checkShape(ls); err != nil {
				return err
			}
		}
		return nil
	case orb.Polygon:
		if len(x) == 0 {
			return fmt.Errorf("%w: empty polygon", ErrInvalidGeometry)
		}
		for _, r := range x {
			if err := checkPoints(r, 4, "polygon ring"); err != nil {
				return err
			}
			if r.Bound().Min[0] == r.Bound().Max[0] || r.Bound().Min[1] == r.Bound().Max[1] {
				return fmt.Errorf("%w: a polygon ring has no area", ErrInvalidGeometry)
			}
		}
		return nil
	case orb.MultiPolygon:
		if len(x) == 0 {
			return fmt.Errorf("%w: empty multipolygon", ErrInvalidGeometry)
		}
		for _, p := range x {
			if err := checkShape(p); err != nil {
				return err
			}
		}
		return nil
	case orb.Collection:
		for _, c := range x {
			if err := checkShape(c); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%w: unsupported geometry %T", ErrInvalidGeometry, g)
}

// GeometryEqual reports whether a and b are the same geometry, nil
// included; a geometry orb cannot compare without panicking (a foreign
// type, a nil inside a collection) equals nothing. The store, the
// protocol's merge, the client and the app's undo all compare with it.
func GeometryEqual(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if !Comparable(a) || !Comparable(b) {
		return false
	}
	return orb.Equal(a, b)
}

// Comparable reports whether g is a geometry orb can compare and bound
// without panicking: no foreign type, no nil in a collection.
func Comparable(g orb.Geometry) bool {
	switch x := g.(type) {
	case orb.Point, orb.MultiPoint, orb.LineString, orb.MultiLineString, orb.Ring, orb.Polygon, orb.MultiPolygon, orb.Bound:
		return true
	case orb.Collection:
		for _, m := range x {
			if m == nil || !Comparable(m) {
				return false
			}
		}
		return true
	}
	return false
}
