package formats

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// AppendWKT appends g as well-known text, byte for byte as orb's
// encoding/wkt writes it (coordinates as fmt's %g), without its garbage:
// a CSV export writes one per feature.
func AppendWKT(b []byte, g orb.Geometry) []byte {
	switch x := g.(type) {
	case orb.Point:
		return appendWKTParenPoint(append(b, "POINT"...), x)
	case orb.MultiPoint:
		return appendWKTTagged(b, "MULTIPOINT", x, appendWKTParenPoint)
	case orb.LineString:
		return appendWKTTagged(b, "LINESTRING", x, appendWKTPoint)
	case orb.MultiLineString:
		return appendWKTTagged(b, "MULTILINESTRING", x, appendWKTLine)
	case orb.Ring:
		return AppendWKT(b, orb.Polygon{x})
	case orb.Polygon:
		return appendWKTTagged(b, "POLYGON", x, appendWKTRing)
	case orb.MultiPolygon:
		return appendWKTTagged(b, "MULTIPOLYGON", x, appendWKTRings)
	case orb.Collection:
		return appendWKTTagged(b, "GEOMETRYCOLLECTION", x, AppendWKT)
	case orb.Bound:
		return AppendWKT(b, x.ToPolygon())
	}
	return b
}

// appendWKTTagged appends tag(item,item…), or tag EMPTY when there is no
// item.
func appendWKTTagged[T any](b []byte, tag string, items []T, each func([]byte, T) []byte) []byte {
	b = append(b, tag...)
	if len(items) == 0 {
		return append(b, " EMPTY"...)
	}
	return appendWKTList(b, items, each)
}

// appendWKTList appends (item,item…).
func appendWKTList[T any](b []byte, items []T, each func([]byte, T) []byte) []byte {
	b = append(b, '(')
	for i, x := range items {
		if i != 0 {
			b = append(b, ',')
		}
		b = each(b, x)
	}
	return append(b, ')')
}

// appendWKTRings appends ((x y,…),(x y,…)…).
func appendWKTRings(b []byte, p orb.Polygon) []byte { return appendWKTList(b, p, appendWKTRing) }

// appendWKTRing appends (x y,x y…).
func appendWKTRing(b []byte, r orb.Ring) []byte { return appendWKTList(b, r, appendWKTPoint) }

// appendWKTLine appends (x y,x y…).
func appendWKTLine(b []byte, ls orb.LineString) []byte { return appendWKTList(b, ls, appendWKTPoint) }

// appendWKTParenPoint appends (x y).
func appendWKTParenPoint(b []byte, p orb.Point) []byte {
	return append(appendWKTPoint(append(b, '('), p), ')')
}

// appendWKTPoint appends x y as %g %g.
func appendWKTPoint(b []byte, p orb.Point) []byte {
	b = appendG(b, p[0])
	return appendG(append(b, ' '), p[1])
}

// appendG appends f as fmt's %g: strconv's shortest 'g' for a finite
// number, fmt itself for the others (+Inf).
func appendG(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Appendf(b, "%g", f)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}
