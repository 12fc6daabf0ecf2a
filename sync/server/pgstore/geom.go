package pgstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// srid is the reference system of every geometry the platform keeps:
// longitude/latitude (WGS 84).
const srid = 4326

// ErrNot2D is returned (wrapped, with the layer and feature) for a
// geometry with Z or M coordinates: the platform's geometries are 2-D,
// and orb's decoder would read the extra ordinates as the next points.
var ErrNot2D = errors.New("pgstore: geometry has Z or M coordinates; the platform keeps 2-D geometries only")

// EWKB type flags (PostGIS's extended WKB) and ISO WKB's dimension
// thousands.
const (
	ewkbZ = 0x80000000
	ewkbM = 0x40000000
)

// encodeGeom turns a geometry into EWKB with SRID 4326; nil stays nil
// (SQL NULL).
func encodeGeom(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	b, err := ewkb.Marshal(g, srid)
	if err != nil {
		return nil, fmt.Errorf("pgstore: encode geometry: %w", err)
	}
	return b, nil
}

// decodeGeom reads EWKB as PostGIS writes it (ST_AsEWKB); nil or empty
// is no geometry. A Z or M geometry is refused (ErrNot2D), never misread.
func decodeGeom(b []byte) (orb.Geometry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 5 {
		return nil, fmt.Errorf("pgstore: decode geometry: %d bytes is too short for WKB", len(b))
	}
	var typ uint32
	switch b[0] {
	case 0:
		typ = binary.BigEndian.Uint32(b[1:5])
	case 1:
		typ = binary.LittleEndian.Uint32(b[1:5])
	default:
		return nil, fmt.Errorf("pgstore: decode geometry: bad byte order %d", b[0])
	}
	if typ&(ewkbZ|ewkbM) != 0 || typ&0xffff >= 1000 {
		return nil, ErrNot2D
	}
	g, _, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("pgstore: decode geometry: %w", err)
	}
	return g, nil
}
