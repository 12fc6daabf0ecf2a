package tiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/paulmach/orb/maptile"
)

const (
	// maxPMDirBytes bounds a directory as stored and maxPMDirExpanded once
	// decompressed; maxPMMetadata bounds the JSON metadata.
	maxPMDirBytes    = 16 << 20
	maxPMDirExpanded = 64 << 20
	maxPMMetadata    = 4 << 20
	// maxPMDepth bounds the leaf directories followed for one tile.
	maxPMDepth = 4
	// maxPMLeaves is how many leaf directories stay decoded in memory.
	maxPMLeaves = 64
)

// PMTiles is a raster PMTiles version 3 archive (PNG, JPEG or WebP tiles).
// It is safe for concurrent use if its io.ReaderAt is (files are).
type PMTiles struct {
	r      io.ReaderAt
	size   uint64
	closer io.Closer
	h      pmHeader
	root   []pmEntry
	info   Info

	mu     sync.Mutex
	leaves map[uint64][]pmEntry // by offset in the leaf section
}

var _ Source = (*PMTiles)(nil)

// OpenPMTiles opens a raster PMTiles v3 file. Other versions, vector tiles
// and damaged archives are refused with an error wrapping ErrInvalidSource.
func OpenPMTiles(path string) (*PMTiles, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tiles: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tiles: %w", err)
	}
	base := filepath.Base(path)
	p, err := NewPMTiles(f, st.Size(), strings.TrimSuffix(base, filepath.Ext(base)))
	if err != nil {
		f.Close()
		return nil, err
	}
	p.closer = f
	return p, nil
}

// NewPMTiles reads the archive of size bytes in r, naming the source name.
func NewPMTiles(r io.ReaderAt, size int64, name string) (*PMTiles, error) {
	if size < 0 {
		size = 0
	}
	p := &PMTiles{r: r, size: uint64(size), leaves: map[uint64][]pmEntry{}}
	if err := p.load(name); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, name, err)
	}
	return p, nil
}

// load reads and checks the header, the root directory and the metadata.
func (p *PMTiles) load(name string) error {
	head, err := p.read(0, pmHeaderLen)
	if err != nil {
		return err
	}
	if p.h, err = parsePMHeader(head); err != nil {
		return err
	}
	h := &p.h
	switch h.tileType {
	case pmTypeMVT:
		return errors.New(errVector)
	case pmTypePNG, pmTypeJPEG, pmTypeWebP, pmTypeUnknown:
	default:
		return fmt.Errorf("tile type %d is not supported (PNG, JPEG or WebP)", h.tileType)
	}
	for _, c := range []uint8{h.internalCompression, h.tileCompression} {
		if c > pmCompGzip {
			return fmt.Errorf("%s compression is not supported (gzip or none)", compressionName(c))
		}
	}
	if h.minZoom > h.maxZoom || h.maxZoom > 30 {
		return fmt.Errorf("zooms %d–%d", h.minZoom, h.maxZoom)
	}
	for _, s := range [][3]uint64{
		{h.rootOffset, h.rootLength, 1}, {h.metadataOffset, h.metadataLength, 0},
		{h.leafOffset, h.leafLength, 0}, {h.dataOffset, h.dataLength, 0},
	} {
		if s[0] > p.size || s[1] > p.size-s[0] || (s[2] == 1 && s[1] == 0) {
			return fmt.Errorf("a section (%d bytes at %d) lies outside the %d-byte file", s[1], s[0], p.size)
		}
	}
	if p.root, err = p.directory(h.rootOffset, h.rootLength); err != nil {
		return fmt.Errorf("root %w", err)
	}
	meta := p.metadata()
	p.info = Info{
		Name: name, Title: name, Attribution: meta["attribution"],
		MinZoom: maptile.Zoom(h.minZoom), MaxZoom: maptile.Zoom(h.maxZoom), TileSize: 256,
	}
	if meta["name"] != "" {
		p.info.Title = meta["name"]
	}
	if size := p.firstTileSize(); size > 0 {
		p.info.TileSize = size
	}
	return nil
}

// firstTileSize returns the width of the archive's first tile, 0 when it
// cannot be read.
func (p *PMTiles) firstTileSize() int {
	e := p.root[0]
	for range maxPMDepth {
		if e.RunLength > 0 {
			data, err := p.tileData(e)
			if err != nil {
				return 0
			}
			cfg, err := imageConfig(data)
			if err != nil {
				return 0
			}
			return cfg.Width
		}
		dir, err := p.leaf(e)
		if err != nil {
			return 0
		}
		e = dir[0]
	}
	return 0
}

// compressionName names a PMTiles compression code.
func compressionName(c uint8) string {
	switch c {
	case pmCompBrotli:
		return "Brotli"
	case pmCompZstd:
		return "Zstandard"
	}
	return fmt.Sprintf("unknown (%d)", c)
}

// read reads n bytes at off, checking they lie inside the file.
func (p *PMTiles) read(off, n uint64) ([]byte, error) {
	if off > p.size || n > p.size-off {
		return nil, fmt.Errorf("%d bytes at %d lie outside the %d-byte file", n, off, p.size)
	}
	buf := make([]byte, n)
	if k, err := p.r.ReadAt(buf, int64(off)); uint64(k) < n {
		return nil, fmt.Errorf("reading %d bytes at %d: %w", n, off, err)
	}
	return buf, nil
}

// inflate undoes a PMTiles compression, within limit bytes.
func inflate(data []byte, c uint8, limit int64) ([]byte, error) {
	if c == pmCompGzip || (c == pmCompUnknown && isGzip(data)) {
		return gunzip(data, limit)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%d bytes, more than %d", len(data), limit)
	}
	return data, nil
}

// directory reads and decodes the directory at off (absolute), n bytes.
func (p *PMTiles) directory(off, n uint64) ([]pmEntry, error) {
	if n > maxPMDirBytes {
		return nil, fmt.Errorf("directory of %d bytes", n)
	}
	raw, err := p.read(off, n)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	data, err := inflate(raw, p.h.internalCompression, maxPMDirExpanded)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return parsePMDirectory(data)
}

// metadata reads the JSON metadata's string values. Metadata is optional
// and only gives names: a damaged one is ignored.
func (p *PMTiles) metadata() map[string]string {
	out := map[string]string{}
	if p.h.metadataLength == 0 || p.h.metadataLength > maxPMMetadata {
		return out
	}
	raw, err := p.read(p.h.metadataOffset, p.h.metadataLength)
	if err != nil {
		return out
	}
	data, err := inflate(raw, p.h.internalCompression, maxPMMetadata)
	if err != nil {
		return out
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return out
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = strings.TrimSpace(s)
		}
	}
	return out
}

// leaf returns the leaf directory of entry e, from memory when it can.
func (p *PMTiles) leaf(e pmEntry) ([]pmEntry, error) {
	p.mu.Lock()
	dir, ok := p.leaves[e.Offset]
	p.mu.Unlock()
	if ok {
		return dir, nil
	}
	if e.Offset > p.h.leafLength || uint64(e.Length) > p.h.leafLength-e.Offset {
		return nil, fmt.Errorf("leaf directory (%d bytes at %d) outside the leaf section", e.Length, e.Offset)
	}
	dir, err := p.directory(p.h.leafOffset+e.Offset, uint64(e.Length))
	if err != nil {
		return nil, fmt.Errorf("leaf %w", err)
	}
	p.mu.Lock()
	if len(p.leaves) >= maxPMLeaves {
		for k := range p.leaves {
			delete(p.leaves, k)
			break
		}
	}
	p.leaves[e.Offset] = dir
	p.mu.Unlock()
	return dir, nil
}

// tileData reads and decompresses the tile of entry e.
func (p *PMTiles) tileData(e pmEntry) ([]byte, error) {
	if e.Length > maxTileBytes || e.Offset > p.h.dataLength || uint64(e.Length) > p.h.dataLength-e.Offset {
		return nil, fmt.Errorf("tile (%d bytes at %d) outside the tile data", e.Length, e.Offset)
	}
	raw, err := p.read(p.h.dataOffset+e.Offset, uint64(e.Length))
	if err != nil {
		return nil, err
	}
	return inflate(raw, p.h.tileCompression, maxTileBytes)
}

// Info describes the archive.
func (p *PMTiles) Info() Info { return p.info }

// Tile reads and decodes tile t.
func (p *PMTiles) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	what := p.info.Name + " " + tileName(t)
	if !t.Valid() || t.Z < p.info.MinZoom || t.Z > p.info.MaxZoom {
		return nil, fmt.Errorf("%w: %s: outside the archive's zooms", ErrNoTile, what)
	}
	id := pmTileID(uint8(t.Z), t.X, t.Y)
	dir := p.root
	for range maxPMDepth {
		if err := ctxErr(ctx, what); err != nil {
			return nil, err
		}
		e, ok := findPMEntry(dir, id)
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrNoTile, what)
		}
		if e.RunLength > 0 {
			data, err := p.tileData(e)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, what, err)
			}
			return decodeTile(what, data)
		}
		var err error
		if dir, err = p.leaf(e); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, what, err)
		}
	}
	return nil, fmt.Errorf("%w: %s: leaf directories nested deeper than %d", ErrInvalidSource, what, maxPMDepth)
}

// Close closes the file OpenPMTiles opened.
func (p *PMTiles) Close() error {
	if p.closer == nil {
		return nil
	}
	if err := p.closer.Close(); err != nil {
		return fmt.Errorf("tiles: %s: %w", p.info.Name, err)
	}
	return nil
}
