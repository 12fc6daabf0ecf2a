package jsonscan

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ErrNilInCollection is the cause of a nil geometry inside a collection,
// which GeoJSON cannot write.
var ErrNilInCollection = errors.New("jsonscan: nil geometry in a collection")

// AppendGeometry appends g as a GeoJSON geometry object, or null when g is
// nil. Rings and bounds are written as polygons; rings are written in the
// order and direction they have (see formats.RFC7946 for files going out).
// Coordinates are written in their shortest exact form, so that they read
// back bit for bit; a NaN or an infinity is refused (ErrNotFinite), and so
// are collections nested deeper than MaxGeometryDepth (ErrTooDeep).
func AppendGeometry(dst []byte, g orb.Geometry) ([]byte, error) {
	return appendGeometry(dst, g, 0)
}

func appendGeometry(dst []byte, g orb.Geometry, depth int) ([]byte, error) {
	if depth > MaxGeometryDepth {
		return nil, fmt.Errorf("jsonscan: %w", ErrTooDeep)
	}
	var err error
	switch x := g.(type) {
	case nil:
		return append(dst, "null"...), nil
	case orb.Point:
		dst = append(dst, `{"type":"Point","coordinates":`...)
		dst, err = appendPosition(dst, x)
	case orb.MultiPoint:
		dst = append(dst, `{"type":"MultiPoint","coordinates":`...)
		dst, err = appendPositions(dst, x)
	case orb.LineString:
		dst = append(dst, `{"type":"LineString","coordinates":`...)
		dst, err = appendPositions(dst, x)
	case orb.MultiLineString:
		dst = append(dst, `{"type":"MultiLineString","coordinates":[`...)
		for i, ls := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendPositions(dst, ls); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	case orb.Ring:
		return appendGeometry(dst, orb.Polygon{x}, depth)
	case orb.Bound:
		return appendGeometry(dst, x.ToPolygon(), depth)
	case orb.Polygon:
		dst = append(dst, `{"type":"Polygon","coordinates":`...)
		dst, err = appendRings(dst, x)
	case orb.MultiPolygon:
		dst = append(dst, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendRings(dst, p); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	case orb.Collection:
		dst = append(dst, `{"type":"GeometryCollection","geometries":[`...)
		for i, m := range x {
			if m == nil {
				return nil, ErrNilInCollection
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendGeometry(dst, m, depth+1); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	default:
		return nil, fmt.Errorf("jsonscan: cannot write geometry %T", g)
	}
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

func appendRings(dst []byte, p orb.Polygon) ([]byte, error) {
	dst = append(dst, '[')
	for i, r := range p {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendPositions(dst, r); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendPositions(dst []byte, ps []orb.Point) ([]byte, error) {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendPosition(dst, p); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

func appendPosition(dst []byte, p orb.Point) ([]byte, error) {
	dst = append(dst, '[')
	for i, f := range p {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("jsonscan: coordinate %v: %w", f, ErrNotFinite)
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendFloat(dst, f)
	}
	return append(dst, ']'), nil
}
