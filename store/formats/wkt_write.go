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
		b = append(b, "POINT("...)
		b = appendWKTPoint(b, x)
		return append(b, ')')
	case orb.MultiPoint:
		if len(x) == 0 {
			return append(b, "MULTIPOINT EMPTY"...)
		}
		b = append(b, "MULTIPOINT("...)
		for i, p := range x {
			if i != 0 {
				b = append(b, ',')
			}
			b = appendWKTPoint(append(b, '('), p)
			b = append(b, ')')
		}
		return append(b, ')')
	case orb.LineString:
		if len(x) == 0 {
			return append(b, "LINESTRING EMPTY"...)
		}
		return appendWKTLine(append(b, "LINESTRING"...), x)
	case orb.MultiLineString:
		if len(x) == 0 {
			return append(b, "MULTILINESTRING EMPTY"...)
		}
		b = append(b, "MULTILINESTRING("...)
		for i, ls := range x {
			if i != 0 {
				b = append(b, ',')
			}
			b = appendWKTLine(b, ls)
		}
		return append(b, ')')
	case orb.Ring:
		return AppendWKT(b, orb.Polygon{x})
	case orb.Polygon:
		if len(x) == 0 {
			return append(b, "POLYGON EMPTY"...)
		}
		return appendWKTRings(append(b, "POLYGON"...), x)
	case orb.MultiPolygon:
		if len(x) == 0 {
			return append(b, "MULTIPOLYGON EMPTY"...)
		}
		b = append(b, "MULTIPOLYGON("...)
		for i, p := range x {
			if i != 0 {
				b = append(b, ',')
			}
			b = appendWKTRings(b, p)
		}
		return append(b, ')')
	case orb.Collection:
		if len(x) == 0 {
			return append(b, "GEOMETRYCOLLECTION EMPTY"...)
		}
		b = append(b, "GEOMETRYCOLLECTION("...)
		for i, c := range x {
			if i != 0 {
				b = append(b, ',')
			}
			b = AppendWKT(b, c)
		}
		return append(b, ')')
	case orb.Bound:
		return AppendWKT(b, x.ToPolygon())
	}
	return b
}

// appendWKTRings appends (ring,ring…).
func appendWKTRings(b []byte, p orb.Polygon) []byte {
	b = append(b, '(')
	for i, r := range p {
		if i != 0 {
			b = append(b, ',')
		}
		b = appendWKTLine(b, orb.LineString(r))
	}
	return append(b, ')')
}

// appendWKTLine appends (x y,x y…).
func appendWKTLine(b []byte, ls orb.LineString) []byte {
	b = append(b, '(')
	for i, p := range ls {
		if i != 0 {
			b = append(b, ',')
		}
		b = appendWKTPoint(b, p)
	}
	return append(b, ')')
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
