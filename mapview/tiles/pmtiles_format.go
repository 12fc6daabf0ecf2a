package tiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The PMTiles version 3 wire format
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): a
// 127-byte header, directories of varint columns, tile ids along a Hilbert
// curve.

// pmHeaderLen is the size of a version 3 header.
const pmHeaderLen = 127

// PMTiles compression and tile type codes.
const (
	pmCompUnknown = 0
	pmCompNone    = 1
	pmCompGzip    = 2
	pmCompBrotli  = 3
	pmCompZstd    = 4

	pmTypeUnknown = 0
	pmTypeMVT     = 1
	pmTypePNG     = 2
	pmTypeJPEG    = 3
	pmTypeWebP    = 4
	pmTypeAVIF    = 5
)

// pmHeader is a version 3 header.
type pmHeader struct {
	rootOffset, rootLength         uint64
	metadataOffset, metadataLength uint64
	leafOffset, leafLength         uint64
	dataOffset, dataLength         uint64
	addressedTiles, tileEntries    uint64
	tileContents                   uint64
	clustered                      bool
	internalCompression            uint8
	tileCompression                uint8
	tileType                       uint8
	minZoom, maxZoom               uint8
	minLonE7, minLatE7             int32
	maxLonE7, maxLatE7             int32
	centerZoom                     uint8
	centerLonE7, centerLatE7       int32
}

// parsePMHeader decodes a version 3 header, refusing other versions.
func parsePMHeader(b []byte) (pmHeader, error) {
	if len(b) < pmHeaderLen {
		return pmHeader{}, fmt.Errorf("%d bytes are too few for a PMTiles header", len(b))
	}
	if !bytes.HasPrefix(b, []byte("PMTiles")) {
		if bytes.HasPrefix(b, []byte("PM")) && (b[2] == 1 || b[2] == 2) {
			return pmHeader{}, fmt.Errorf("PMTiles version %d archive: Terrimap reads version 3 (convert it with `pmtiles convert`)", b[2])
		}
		return pmHeader{}, errors.New("not a PMTiles archive")
	}
	if v := b[7]; v != 3 {
		return pmHeader{}, fmt.Errorf("PMTiles version %d is not supported: Terrimap reads version 3", v)
	}
	u64 := func(at int) uint64 { return binary.LittleEndian.Uint64(b[at:]) }
	i32 := func(at int) int32 { return int32(binary.LittleEndian.Uint32(b[at:])) }
	return pmHeader{
		rootOffset: u64(8), rootLength: u64(16),
		metadataOffset: u64(24), metadataLength: u64(32),
		leafOffset: u64(40), leafLength: u64(48),
		dataOffset: u64(56), dataLength: u64(64),
		addressedTiles: u64(72), tileEntries: u64(80), tileContents: u64(88),
		clustered:           b[96] == 1,
		internalCompression: b[97], tileCompression: b[98], tileType: b[99],
		minZoom: b[100], maxZoom: b[101],
		minLonE7: i32(102), minLatE7: i32(106), maxLonE7: i32(110), maxLatE7: i32(114),
		centerZoom: b[118], centerLonE7: i32(119), centerLatE7: i32(123),
	}, nil
}

// pmEntry is a directory entry: RunLength tiles from TileID at
// Offset/Length in the tile data, or, when RunLength is 0, a leaf directory
// at Offset/Length in the leaf directories.
type pmEntry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// parsePMDirectory decodes an (uncompressed) directory: the entry count,
// then the columns tile id deltas, run lengths, lengths and offsets (0: right
// after the previous entry; else offset+1), all varints.
func parsePMDirectory(b []byte) ([]pmEntry, error) {
	r := bytes.NewReader(b)
	next := func(what string) (uint64, error) {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return 0, fmt.Errorf("directory: %s: %w", what, err)
		}
		return v, nil
	}
	n, err := next("entry count")
	if err != nil {
		return nil, err
	}
	// Each entry takes at least a byte in each of the four columns.
	if n == 0 || n > uint64(r.Len())/4 {
		return nil, fmt.Errorf("directory: %d entries in %d bytes", n, r.Len())
	}
	entries := make([]pmEntry, n)
	var id uint64
	for i := range entries {
		d, err := next("tile id")
		if err != nil {
			return nil, err
		}
		if (i > 0 && d == 0) || id+d < id {
			return nil, fmt.Errorf("directory: tile ids not ascending at entry %d", i)
		}
		id += d
		entries[i].TileID = id
	}
	for i := range entries {
		v, err := next("run length")
		if err != nil {
			return nil, err
		}
		if v > math.MaxUint32 {
			return nil, fmt.Errorf("directory: run length %d", v)
		}
		entries[i].RunLength = uint32(v)
	}
	for i := range entries {
		v, err := next("length")
		if err != nil {
			return nil, err
		}
		if v == 0 || v > math.MaxUint32 {
			return nil, fmt.Errorf("directory: entry %d has length %d", i, v)
		}
		entries[i].Length = uint32(v)
	}
	for i := range entries {
		v, err := next("offset")
		if err != nil {
			return nil, err
		}
		switch {
		case v > 0:
			entries[i].Offset = v - 1
		case i == 0:
			return nil, errors.New("directory: the first entry has no offset")
		default:
			prev := entries[i-1]
			if prev.Offset+uint64(prev.Length) < prev.Offset {
				return nil, fmt.Errorf("directory: entry %d's offset overflows", i)
			}
			entries[i].Offset = prev.Offset + uint64(prev.Length)
		}
	}
	return entries, nil
}

// findPMEntry returns the entry holding tile id: the last whose TileID is
// not past id, if it is a leaf or its run covers id.
func findPMEntry(entries []pmEntry, id uint64) (pmEntry, bool) {
	lo, hi := 0, len(entries)-1
	for lo <= hi {
		k := int(uint(lo+hi) >> 1)
		switch c := entries[k].TileID; {
		case id > c:
			lo = k + 1
		case id < c:
			hi = k - 1
		default:
			return entries[k], true
		}
	}
	if hi >= 0 {
		e := entries[hi]
		if e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
			return e, true
		}
	}
	return pmEntry{}, false
}

// pmTileID is tile (z, x, y)'s PMTiles id: the tiles of all lower zooms,
// then the tile's place along the Hilbert curve of its zoom. z ≤ 31.
func pmTileID(z uint8, x, y uint32) uint64 {
	acc := ((uint64(1) << (2 * uint(z))) - 1) / 3
	n := uint64(1) << z
	tx, ty := uint64(x), uint64(y)
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint64
		if tx&s != 0 {
			rx = 1
		}
		if ty&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		tx, ty = hilbertRotate(n, tx, ty, rx, ry)
	}
	return acc + d
}

// pmTileZXY is pmTileID's inverse; ok is false past zoom 31.
func pmTileZXY(id uint64) (z uint8, x, y uint32, ok bool) {
	var acc uint64
	for ; ; z++ {
		if z > 31 {
			return 0, 0, 0, false
		}
		num := uint64(1) << (2 * uint(z))
		if id-acc < num {
			break
		}
		acc += num
	}
	t := id - acc
	n := uint64(1) << z
	var tx, ty uint64
	for s := uint64(1); s < n; s *= 2 {
		rx := 1 & (t / 2)
		ry := 1 & (t ^ rx)
		tx, ty = hilbertRotate(s, tx, ty, rx, ry)
		tx += s * rx
		ty += s * ry
		t /= 4
	}
	return z, uint32(tx), uint32(ty), true
}

// hilbertRotate turns a quadrant of side n as the Hilbert curve does.
func hilbertRotate(n, x, y, rx, ry uint64) (uint64, uint64) {
	if ry == 0 {
		if rx == 1 {
			x = n - 1 - x
			y = n - 1 - y
		}
		x, y = y, x
	}
	return x, y
}
