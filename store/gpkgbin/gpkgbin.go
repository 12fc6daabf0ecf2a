// Package gpkgbin encodes and decodes GeoPackage binary geometries: the "GP"
// header (version, flags, SRS id, optional envelope) followed by ISO WKB,
// as OGC GeoPackage 1.3 §2.1.3 defines them.
package gpkgbin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// ErrNotGeoPackageBinary is returned (wrapped) for bytes that are not a valid
// GeoPackage binary geometry.
var ErrNotGeoPackageBinary = errors.New("gpkgbin: invalid geopackage geometry")

// ErrExtendedGeometry is returned for geometries in the extended (non-standard) format.
var ErrExtendedGeometry = errors.New("gpkgbin: extended geopackage geometries are not supported")

const (
	flagEmpty        = 1 << 4
	flagExtended     = 1 << 5
	flagLittleEndian = 1
)

// envelopeSizes gives the envelope length in bytes for each envelope indicator.
var envelopeSizes = [...]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

// Header is the decoded GeoPackage binary header.
type Header struct {
	SRSID    int32
	Empty    bool
	Envelope orb.Bound // valid when HasEnvelope
	// HasEnvelope reports whether the blob carries an XY envelope.
	HasEnvelope bool
	// WKBOffset is where the WKB geometry starts in the blob.
	WKBOffset int
}

// ReadHeader decodes the header of a GeoPackage binary geometry without
// parsing the WKB that follows.
func ReadHeader(b []byte) (Header, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return Header{}, fmt.Errorf("%w: missing GP magic", ErrNotGeoPackageBinary)
	}
	if b[2] != 0 {
		return Header{}, fmt.Errorf("%w: unknown version %d", ErrNotGeoPackageBinary, b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return Header{}, ErrExtendedGeometry
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	envKind := int(flags>>1) & 7
	if envKind >= len(envelopeSizes) {
		return Header{}, fmt.Errorf("%w: invalid envelope indicator %d", ErrNotGeoPackageBinary, envKind)
	}
	h := Header{SRSID: int32(order.Uint32(b[4:8])), Empty: flags&flagEmpty != 0}
	h.WKBOffset = 8 + envelopeSizes[envKind]
	if len(b) < h.WKBOffset {
		return Header{}, fmt.Errorf("%w: truncated envelope", ErrNotGeoPackageBinary)
	}
	if envKind > 0 {
		f := func(i int) float64 { return math.Float64frombits(order.Uint64(b[8+8*i:])) }
		h.Envelope = orb.Bound{Min: orb.Point{f(0), f(2)}, Max: orb.Point{f(1), f(3)}}
		h.HasEnvelope = !math.IsNaN(f(0))
	}
	return h, nil
}

// Decode returns the geometry and SRS id of a GeoPackage binary geometry. An
// empty geometry decodes to a nil orb.Geometry.
func Decode(b []byte) (orb.Geometry, int32, error) {
	h, err := ReadHeader(b)
	if err != nil {
		return nil, 0, err
	}
	g, err := decodeWKB(b[h.WKBOffset:])
	if err != nil {
		if h.Empty {
			return nil, h.SRSID, nil
		}
		return nil, 0, fmt.Errorf("%w: %v", ErrNotGeoPackageBinary, err)
	}
	if h.Empty || isEmpty(g) {
		return nil, h.SRSID, nil
	}
	return g, h.SRSID, nil
}

// Bound returns the XY bounds of a GeoPackage binary geometry, reading the
// envelope when the blob has one and the WKB otherwise. ok is false for
// empty geometries.
func Bound(b []byte) (bound orb.Bound, ok bool, err error) {
	h, err := ReadHeader(b)
	if err != nil {
		return orb.Bound{}, false, err
	}
	if h.Empty {
		return orb.Bound{}, false, nil
	}
	if h.HasEnvelope {
		return h.Envelope, true, nil
	}
	g, _, err := Decode(b)
	if err != nil || g == nil {
		return orb.Bound{}, false, err
	}
	return g.Bound(), true, nil
}

// Encode writes g as a little-endian GeoPackage binary geometry with an XY
// envelope (none for points, as GDAL writes them). A nil geometry, or an
// empty one, is written as an empty point.
func Encode(g orb.Geometry, srsID int32) ([]byte, error) {
	if g == nil || isEmpty(g) {
		return encodeEmpty(srsID), nil
	}
	if err := checkFinite(g); err != nil {
		return nil, err
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("gpkgbin: encode: %w", err)
	}
	_, isPoint := g.(orb.Point)
	headerLen := 8
	if !isPoint {
		headerLen += 32
	}
	out := make([]byte, headerLen+len(body))
	out[0], out[1], out[2] = 'G', 'P', 0
	out[3] = flagLittleEndian
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	if !isPoint {
		out[3] |= 1 << 1
		bd := g.Bound()
		for i, v := range []float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]} {
			binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
		}
	}
	copy(out[headerLen:], body)
	return out, nil
}

func encodeEmpty(srsID int32) []byte {
	out := make([]byte, 8, 8+21)
	out[0], out[1], out[2] = 'G', 'P', 0
	out[3] = flagLittleEndian | flagEmpty
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	// An empty point in WKB: POINT(NaN NaN).
	out = append(out, 1, 1, 0, 0, 0)
	out = binary.LittleEndian.AppendUint64(out, math.Float64bits(math.NaN()))
	out = binary.LittleEndian.AppendUint64(out, math.Float64bits(math.NaN()))
	return out
}

// ErrNonFinite is returned when a geometry has a NaN or infinite coordinate.
var ErrNonFinite = errors.New("gpkgbin: geometry has a non-finite coordinate")

func checkFinite(g orb.Geometry) error {
	bd := g.Bound()
	for _, v := range []float64{bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ErrNonFinite
		}
	}
	return nil
}

// IsEmpty reports whether g is encoded as an empty geometry (the header's
// empty flag, what ST_IsEmpty reads): nil, a point of NaN coordinates, a
// collection of no part.
func IsEmpty(g orb.Geometry) bool { return isEmpty(g) }

func isEmpty(g orb.Geometry) bool {
	switch x := g.(type) {
	case orb.Point:
		return math.IsNaN(x[0]) || math.IsNaN(x[1])
	case orb.MultiPoint:
		return len(x) == 0
	case orb.LineString:
		return len(x) == 0
	case orb.MultiLineString:
		return len(x) == 0
	case orb.Polygon:
		return len(x) == 0
	case orb.MultiPolygon:
		return len(x) == 0
	case orb.Collection:
		return len(x) == 0
	case orb.Ring:
		return len(x) == 0
	case orb.Bound:
		return false
	}
	return g == nil
}
