package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrBadOverview is returned (wrapped) for an overview block that cannot be
// read: a row another program wrote, or one damaged on disk.
var ErrBadOverview = errors.New("store: bad overview block")

// overviewVersion is the first byte of every overview block.
const overviewVersion = 1

// OverviewPoint is a position on an overview level's grid, in steps of
// 1/OverviewSubpixels pixel: the world is 256·2^level pixels wide, x to
// the east and y to the south.
type OverviewPoint struct{ X, Y int32 }

// OverviewGroup is what one overview block holds of the features whose
// style fields have the same values (the key): read its shapes only when
// the style shows them.
type OverviewGroup struct {
	// Key holds the values of the layer's overview fields, in their order,
	// typed as Feature.Properties holds them (nil, string, int64, float64,
	// bool).
	Key  []any
	body []byte
}

// OverviewShapes are a group's features generalized for one level: lines
// and polygon rings simplified and snapped to the level's pixels, points
// thinned to one per pixel, and what is smaller than a pixel as a dot
// (its centre).
type OverviewShapes struct {
	Lines    [][]OverviewPoint
	Polygons [][][]OverviewPoint // rings, the outer one first
	Points   []OverviewPoint
	Dots     []OverviewPoint
}

// DecodeOverview reads an overview block's groups; their shapes are read
// by Shapes.
func DecodeOverview(data []byte) ([]OverviewGroup, error) {
	r := ovReader{b: data}
	if v := r.byte(); v != overviewVersion {
		return nil, fmt.Errorf("%w: version %d", ErrBadOverview, v)
	}
	n := r.count(2)
	var out []OverviewGroup
	for i := 0; i < n && r.err == nil; i++ {
		kr := ovReader{b: r.bytes()}
		nv := kr.count(1)
		key := make([]any, 0, nv)
		for j := 0; j < nv && kr.err == nil; j++ {
			key = append(key, kr.value())
		}
		if kr.err != nil {
			return nil, kr.err
		}
		out = append(out, OverviewGroup{Key: key, body: r.bytes()})
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// Shapes decodes the group's shapes.
func (g OverviewGroup) Shapes() (OverviewShapes, error) {
	r := ovReader{b: g.body}
	var s OverviewShapes
	var prev OverviewPoint
	nl := r.count(1)
	for i := 0; i < nl && r.err == nil; i++ {
		s.Lines = append(s.Lines, r.points(&prev))
	}
	np := r.count(1)
	for i := 0; i < np && r.err == nil; i++ {
		nr := r.count(1)
		poly := make([][]OverviewPoint, 0, nr)
		for j := 0; j < nr && r.err == nil; j++ {
			poly = append(poly, r.points(&prev))
		}
		s.Polygons = append(s.Polygons, poly)
	}
	s.Points = r.points(&prev)
	s.Dots = r.points(&prev)
	if r.err == nil && len(r.b) > 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return OverviewShapes{}, r.err
	}
	return s, nil
}

// Value tags of a key.
const (
	ovNil byte = iota
	ovString
	ovInt
	ovFloat
	ovTrue
	ovFalse
)

// appendOverviewKey writes a key's values; values of other types are
// written as nil, which a style reads alike.
func appendOverviewKey(b []byte, vals []any) []byte {
	b = binary.AppendUvarint(b, uint64(len(vals)))
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			b = append(b, ovString)
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		case int64:
			b = append(b, ovInt)
			b = binary.AppendVarint(b, x)
		case float64:
			b = append(b, ovFloat)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		case bool:
			if x {
				b = append(b, ovTrue)
			} else {
				b = append(b, ovFalse)
			}
		default:
			b = append(b, ovNil)
		}
	}
	return b
}

// appendOverviewShapes writes a group's shapes.
func appendOverviewShapes(b []byte, s *OverviewShapes) []byte {
	var prev OverviewPoint
	b = binary.AppendUvarint(b, uint64(len(s.Lines)))
	for _, l := range s.Lines {
		b = appendPoints(b, l, &prev)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Polygons)))
	for _, p := range s.Polygons {
		b = binary.AppendUvarint(b, uint64(len(p)))
		for _, r := range p {
			b = appendPoints(b, r, &prev)
		}
	}
	b = appendPoints(b, s.Points, &prev)
	return appendPoints(b, s.Dots, &prev)
}

// appendPoints writes a count, then each point as its difference from the
// one before.
func appendPoints(b []byte, pts []OverviewPoint, prev *OverviewPoint) []byte {
	b = binary.AppendUvarint(b, uint64(len(pts)))
	for _, p := range pts {
		b = binary.AppendVarint(b, int64(p.X)-int64(prev.X))
		b = binary.AppendVarint(b, int64(p.Y)-int64(prev.Y))
		*prev = p
	}
	return b
}

// ovReader reads a block, remembering the first error.
type ovReader struct {
	b   []byte
	err error
}

func (r *ovReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrBadOverview, what)
	}
	r.b = nil
}

func (r *ovReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.fail("truncated")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *ovReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *ovReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a count of items taking at least minBytes each: one the rest
// of the block cannot hold is an error, not an allocation.
func (r *ovReader) count(minBytes int) int {
	n := r.uvarint()
	if n > uint64(len(r.b)/minBytes) {
		r.fail("count beyond the block")
		return 0
	}
	return int(n)
}

func (r *ovReader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *ovReader) value() any {
	switch t := r.byte(); t {
	case ovNil:
		return nil
	case ovString:
		return string(r.bytes())
	case ovInt:
		return r.varint()
	case ovFloat:
		if len(r.b) < 8 {
			r.fail("truncated")
			return nil
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
		return v
	case ovTrue:
		return true
	case ovFalse:
		return false
	default:
		r.fail(fmt.Sprintf("value tag %d", t))
		return nil
	}
}

func (r *ovReader) points(prev *OverviewPoint) []OverviewPoint {
	n := r.count(2)
	if n == 0 {
		return nil
	}
	pts := make([]OverviewPoint, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		x := int64(prev.X) + r.varint()
		y := int64(prev.Y) + r.varint()
		if x < math.MinInt32 || x > math.MaxInt32 || y < math.MinInt32 || y > math.MaxInt32 {
			r.fail("point out of range")
			return nil
		}
		*prev = OverviewPoint{int32(x), int32(y)}
		pts = append(pts, *prev)
	}
	return pts
}

// encodeOverviewBlock writes a block of groups (key bytes, shapes), in the
// order given.
func encodeOverviewBlock(keys [][]byte, shapes []*OverviewShapes) []byte {
	b := []byte{overviewVersion}
	b = binary.AppendUvarint(b, uint64(len(keys)))
	var body []byte
	for i, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		body = appendOverviewShapes(body[:0], shapes[i])
		b = binary.AppendUvarint(b, uint64(len(body)))
		b = append(b, body...)
	}
	return b
}
