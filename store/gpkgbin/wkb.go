package gpkgbin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// errWKB is wrapped by every WKB decoding failure.
var errWKB = errors.New("invalid wkb")

// maxWKBDepth bounds the nesting of geometry collections.
const maxWKBDepth = 16

// wkbReader decodes ISO and extended (PostGIS-style) WKB, 2D, 3D (Z), M
// and ZM, into 2D orb geometries: Terrimap keeps X and Y and drops Z and M,
// as the map and the platform work in two dimensions.
type wkbReader struct {
	b   []byte
	pos int
}

func decodeWKB(b []byte) (orb.Geometry, error) {
	r := &wkbReader{b: b}
	return r.geometry(0)
}

func (r *wkbReader) need(n int) error {
	if n < 0 || r.pos+n > len(r.b) || r.pos+n < r.pos {
		return fmt.Errorf("%w: truncated at byte %d", errWKB, r.pos)
	}
	return nil
}

func (r *wkbReader) header() (order binary.ByteOrder, kind uint32, dims int, err error) {
	if err = r.need(5); err != nil {
		return nil, 0, 0, err
	}
	switch r.b[r.pos] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return nil, 0, 0, fmt.Errorf("%w: byte order %d", errWKB, r.b[r.pos])
	}
	t := order.Uint32(r.b[r.pos+1:])
	r.pos += 5
	dims = 2
	// Extended WKB flags: Z 0x80000000, M 0x40000000, SRID 0x20000000.
	if t&0x80000000 != 0 {
		dims++
	}
	if t&0x40000000 != 0 {
		dims++
	}
	if t&0x20000000 != 0 {
		if err = r.need(4); err != nil {
			return nil, 0, 0, err
		}
		r.pos += 4
	}
	t &= 0x0fffffff
	// ISO WKB: 1000s are Z, 2000s M, 3000s ZM.
	switch t / 1000 {
	case 1, 2:
		dims++
	case 3:
		dims += 2
	}
	return order, t % 1000, dims, nil
}

func (r *wkbReader) count(order binary.ByteOrder, minSize int) (int, error) {
	if err := r.need(4); err != nil {
		return 0, err
	}
	n := int(order.Uint32(r.b[r.pos:]))
	r.pos += 4
	if n < 0 || n > (len(r.b)-r.pos)/max(minSize, 1) {
		return 0, fmt.Errorf("%w: count %d exceeds the data", errWKB, n)
	}
	return n, nil
}

func (r *wkbReader) points(order binary.ByteOrder, dims int) ([]orb.Point, error) {
	n, err := r.count(order, 8*dims)
	if err != nil {
		return nil, err
	}
	out := make([]orb.Point, n)
	for i := range out {
		out[i] = r.point(order, dims)
	}
	return out, nil
}

func (r *wkbReader) point(order binary.ByteOrder, dims int) orb.Point {
	p := orb.Point{
		math.Float64frombits(order.Uint64(r.b[r.pos:])),
		math.Float64frombits(order.Uint64(r.b[r.pos+8:])),
	}
	r.pos += 8 * dims
	return p
}

func (r *wkbReader) rings(order binary.ByteOrder, dims int) (orb.Polygon, error) {
	n, err := r.count(order, 4)
	if err != nil {
		return nil, err
	}
	poly := make(orb.Polygon, n)
	for i := range poly {
		pts, err := r.points(order, dims)
		if err != nil {
			return nil, err
		}
		poly[i] = orb.Ring(pts)
	}
	return poly, nil
}

func (r *wkbReader) geometry(depth int) (orb.Geometry, error) {
	if depth > maxWKBDepth {
		return nil, fmt.Errorf("%w: nested too deep", errWKB)
	}
	order, kind, dims, err := r.header()
	if err != nil {
		return nil, err
	}
	switch kind {
	case 1:
		if err := r.need(8 * dims); err != nil {
			return nil, err
		}
		return r.point(order, dims), nil
	case 2:
		pts, err := r.points(order, dims)
		return orb.LineString(pts), err
	case 3:
		return r.rings(order, dims)
	case 4, 5, 6, 7:
		n, err := r.count(order, 9)
		if err != nil {
			return nil, err
		}
		parts := make([]orb.Geometry, n)
		for i := range parts {
			if parts[i], err = r.geometry(depth + 1); err != nil {
				return nil, err
			}
		}
		return collect(kind, parts)
	}
	return nil, fmt.Errorf("%w: geometry type %d", errWKB, kind)
}

// collect builds the multi geometry of the given WKB type from its parts.
func collect(kind uint32, parts []orb.Geometry) (orb.Geometry, error) {
	switch kind {
	case 4:
		out := make(orb.MultiPoint, len(parts))
		for i, p := range parts {
			pt, ok := p.(orb.Point)
			if !ok {
				return nil, fmt.Errorf("%w: multipoint holds a %T", errWKB, p)
			}
			out[i] = pt
		}
		return out, nil
	case 5:
		out := make(orb.MultiLineString, len(parts))
		for i, p := range parts {
			ls, ok := p.(orb.LineString)
			if !ok {
				return nil, fmt.Errorf("%w: multilinestring holds a %T", errWKB, p)
			}
			out[i] = ls
		}
		return out, nil
	case 6:
		out := make(orb.MultiPolygon, len(parts))
		for i, p := range parts {
			poly, ok := p.(orb.Polygon)
			if !ok {
				return nil, fmt.Errorf("%w: multipolygon holds a %T", errWKB, p)
			}
			out[i] = poly
		}
		return out, nil
	}
	return orb.Collection(parts), nil
}
