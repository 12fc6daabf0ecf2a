package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"image/color"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestPMTileID(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{
		{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5},
		{12, 3423, 1763, 19078479},
	} {
		if id := pmTileID(c.z, c.x, c.y); id != c.id {
			t.Errorf("pmTileID(%d, %d, %d) = %d, want %d", c.z, c.x, c.y, id, c.id)
		}
		if z, x, y, ok := pmTileZXY(c.id); !ok || z != c.z || x != c.x || y != c.y {
			t.Errorf("pmTileZXY(%d) = %d/%d/%d %v", c.id, z, x, y, ok)
		}
	}
	for z := uint8(0); z < 8; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				if rz, rx, ry, _ := pmTileZXY(pmTileID(z, x, y)); rz != z || rx != x || ry != y {
					t.Fatalf("%d/%d/%d comes back as %d/%d/%d", z, x, y, rz, rx, ry)
				}
			}
		}
	}
	for z := uint8(0); z < 32; z++ {
		last := uint32(1)<<z - 1
		for _, xy := range [][2]uint32{{0, 0}, {last, 0}, {0, last}, {last, last}} {
			if rz, rx, ry, ok := pmTileZXY(pmTileID(z, xy[0], xy[1])); !ok || rz != z || rx != xy[0] || ry != xy[1] {
				t.Fatalf("zoom %d corner %v comes back as %d/%d/%d", z, xy, rz, rx, ry)
			}
		}
	}
}

// encodePMDirectory is the writer's side of parsePMDirectory, for tests.
func encodePMDirectory(entries []pmEntry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(entries)))
	var last uint64
	for _, e := range entries {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range entries {
		if i > 0 && e.Offset == entries[i-1].Offset+uint64(entries[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return b
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPMDirectoryRoundTrip(t *testing.T) {
	want := []pmEntry{
		{TileID: 0, Offset: 0, Length: 10, RunLength: 1},
		{TileID: 1, Offset: 10, Length: 20, RunLength: 3},
		{TileID: 9, Offset: 0, Length: 10, RunLength: 1}, // deduplicated
		{TileID: 50, Offset: 4096, Length: 300, RunLength: 0},
	}
	got, err := parsePMDirectory(encodePMDirectory(want))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for id, wantAt := range map[uint64]int{0: 0, 1: 1, 3: 1, 4: -1, 9: 2, 10: -1, 50: 3, 1000: 3} {
		e, ok := findPMEntry(got, id)
		if wantAt < 0 {
			if ok {
				t.Errorf("tile %d found in %+v", id, e)
			}
			continue
		}
		if !ok || e != want[wantAt] {
			t.Errorf("tile %d: %+v %v, want %+v", id, e, ok, want[wantAt])
		}
	}
	for _, bad := range [][]byte{
		nil, {0}, {5, 1}, {1, 0, 0, 1, 0}, {1, 0, 0, 0, 1}, {2, 0, 0, 1, 1, 1, 1, 1, 1},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		if _, err := parsePMDirectory(bad); err == nil {
			t.Errorf("parsePMDirectory(%v) accepted", bad)
		}
	}
}

// pmArchive writes a PMTiles v3 archive of the given tiles (gzip
// directories; a root of leaves when leafSize > 0), for tests and fuzz
// seeds.
func pmArchive(t testing.TB, tiles map[maptile.Tile][]byte, leafSize int, tileType uint8) []byte {
	type item struct {
		id   uint64
		data []byte
	}
	var items []item
	for tl, d := range tiles {
		items = append(items, item{pmTileID(uint8(tl.Z), tl.X, tl.Y), d})
	}
	slices.SortFunc(items, func(a, b item) int { return int(a.id) - int(b.id) })
	var data []byte
	var entries []pmEntry
	minZ, maxZ := uint8(255), uint8(0)
	for _, it := range items {
		z, _, _, _ := pmTileZXY(it.id)
		minZ, maxZ = min(minZ, z), max(maxZ, z)
		entries = append(entries, pmEntry{TileID: it.id, Offset: uint64(len(data)), Length: uint32(len(it.data)), RunLength: 1})
		data = append(data, it.data...)
	}
	var root, leaves []byte
	if leafSize > 0 {
		var rootEntries []pmEntry
		for i := 0; i < len(entries); i += leafSize {
			leaf := gzipBytes(t, encodePMDirectory(entries[i:min(i+leafSize, len(entries))]))
			rootEntries = append(rootEntries, pmEntry{TileID: entries[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		root = gzipBytes(t, encodePMDirectory(rootEntries))
	} else {
		root = gzipBytes(t, encodePMDirectory(entries))
	}
	meta := gzipBytes(t, []byte(`{"name":"Essai","attribution":"© test"}`))
	h := make([]byte, pmHeaderLen)
	copy(h, "PMTiles")
	h[7] = 3
	put := func(at int, v uint64) { binary.LittleEndian.PutUint64(h[at:], v) }
	off := uint64(pmHeaderLen)
	put(8, off)
	put(16, uint64(len(root)))
	off += uint64(len(root))
	put(24, off)
	put(32, uint64(len(meta)))
	off += uint64(len(meta))
	put(40, off)
	put(48, uint64(len(leaves)))
	off += uint64(len(leaves))
	put(56, off)
	put(64, uint64(len(data)))
	h[96], h[97], h[98], h[99], h[100], h[101] = 1, pmCompGzip, pmCompNone, tileType, minZ, maxZ
	out := slices.Concat(h, root, meta, leaves, data)
	return out
}

func TestPMTilesLeafDirectories(t *testing.T) {
	tiles := map[maptile.Tile][]byte{}
	for z := uint32(0); z <= 3; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				tl := maptile.New(x, y, maptile.Zoom(z))
				tiles[tl] = solidPNG(t, tileColor(tl), 16)
			}
		}
	}
	delete(tiles, maptile.New(5, 6, 3))
	for _, leafSize := range []int{0, 7} {
		a := pmArchive(t, tiles, leafSize, pmTypePNG)
		p, err := NewPMTiles(bytes.NewReader(a), int64(len(a)), "essai")
		if err != nil {
			t.Fatal(err)
		}
		if info := p.Info(); info.Title != "Essai" || info.Attribution != "© test" || info.MaxZoom != 3 || info.TileSize != 16 {
			t.Errorf("info %+v", info)
		}
		var wg sync.WaitGroup
		for range 4 { // concurrently, through the leaf cache
			wg.Go(func() {
				for tl := range tiles {
					img, err := p.Tile(context.Background(), tl)
					if err != nil {
						t.Errorf("leaves of %d: %v: %v", leafSize, tl, err)
						return
					}
					if c := colorAt(img, 1, 1); c != tileColor(tl) {
						t.Errorf("leaves of %d: %v has colour %v, want %v", leafSize, tl, c, tileColor(tl))
						return
					}
				}
			})
		}
		wg.Wait()
		if _, err := p.Tile(context.Background(), maptile.New(5, 6, 3)); !errors.Is(err, ErrNoTile) {
			t.Errorf("absent tile: %v", err)
		}
	}
}

func TestOpenPMTilesRaster(t *testing.T) {
	p, err := OpenPMTiles("testdata/stamen_toner_raster_z3.pmtiles")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	info := p.Info()
	if info.MinZoom != 0 || info.MaxZoom != 3 || info.TileSize != 256 || info.Name != "stamen_toner_raster_z3" {
		t.Errorf("info %+v", info)
	}
	ctx := context.Background()
	n := 0
	for z := maptile.Zoom(0); z <= 3; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				img, err := p.Tile(ctx, maptile.New(x, y, z))
				if err != nil {
					t.Fatalf("%d/%d/%d: %v", z, x, y, err)
				}
				if img.Bounds().Dx() != 256 {
					t.Errorf("%d/%d/%d: %v", z, x, y, img.Bounds())
				}
				n++
			}
		}
	}
	if n != 85 {
		t.Errorf("%d tiles", n)
	}
	// Toner is black on white: the world tile has both.
	img, _ := p.Tile(ctx, maptile.New(0, 0, 0))
	dark, light := false, false
	for y := 0; y < 256; y += 4 {
		for x := 0; x < 256; x += 4 {
			c := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			dark = dark || c.Y < 60
			light = light || c.Y > 200
		}
	}
	if !dark || !light {
		t.Errorf("world tile: dark %v, light %v", dark, light)
	}
	if _, err := p.Tile(ctx, maptile.New(0, 0, 4)); !errors.Is(err, ErrNoTile) {
		t.Errorf("beyond max zoom: %v", err)
	}
}

func TestOpenPMTilesRefuses(t *testing.T) {
	for path, text := range map[string]string{
		"testdata/invalid_v4.pmtiles":          "version 4",
		"testdata/test_fixture_1.pmtiles":      "tuiles vectorielles non prises en charge",
		"testdata/geography-class-png.mbtiles": "not a PMTiles archive",
	} {
		_, err := OpenPMTiles(path)
		if !errors.Is(err, ErrInvalidSource) || !strings.Contains(err.Error(), text) {
			t.Errorf("%s: %v, want ErrInvalidSource saying %q", path, err, text)
		}
	}
	a := pmArchive(t, map[maptile.Tile][]byte{{}: solidPNG(t, color.White, 8)}, 0, pmTypePNG)
	for name, edit := range map[string]func([]byte){
		"truncated":  func(b []byte) { binary.LittleEndian.PutUint64(b[16:], 1<<40) },
		"brotli":     func(b []byte) { b[97] = pmCompBrotli },
		"avif":       func(b []byte) { b[99] = pmTypeAVIF },
		"zooms":      func(b []byte) { b[100], b[101] = 4, 2 },
		"empty root": func(b []byte) { binary.LittleEndian.PutUint64(b[16:], 0) },
	} {
		b := slices.Clone(a)
		edit(b)
		if _, err := NewPMTiles(bytes.NewReader(b), int64(len(b)), name); !errors.Is(err, ErrInvalidSource) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewPMTiles(bytes.NewReader(a[:100]), 100, "short"); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("short: %v", err)
	}
}

// FuzzPMTiles feeds archives to the reader: opening and reading tiles must
// fail cleanly, never panic or allocate without bound.
func FuzzPMTiles(f *testing.F) {
	tiles := map[maptile.Tile][]byte{}
	for x := uint32(0); x < 2; x++ {
		for y := uint32(0); y < 2; y++ {
			tiles[maptile.New(x, y, 1)] = solidPNG(f, tileColor(maptile.New(x, y, 1)), 4)
		}
	}
	f.Add(pmArchive(f, tiles, 0, pmTypePNG))
	f.Add(pmArchive(f, tiles, 2, pmTypePNG))
	for _, name := range []string{"invalid_v4.pmtiles", "test_fixture_1.pmtiles"} {
		if b, err := readTestdata(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := NewPMTiles(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err != nil {
			if !errors.Is(err, ErrInvalidSource) {
				t.Fatalf("error not wrapping ErrInvalidSource: %v", err)
			}
			return
		}
		for _, tl := range []maptile.Tile{{X: 0, Y: 0, Z: 0}, {X: 0, Y: 0, Z: 1}, {X: 1, Y: 1, Z: 1}, {X: 1, Y: 0, Z: 1}, {X: 5, Y: 9, Z: 4}} {
			if _, err := p.Tile(context.Background(), tl); err != nil &&
				!errors.Is(err, ErrNoTile) && !errors.Is(err, ErrInvalidSource) {
				t.Fatalf("%v: %v", tl, err)
			}
		}
	})
}

// FuzzPMDirectory feeds directories to the decoder: what it accepts
// encodes back to the same entries.
func FuzzPMDirectory(f *testing.F) {
	f.Add(encodePMDirectory([]pmEntry{{0, 0, 10, 1}, {1, 10, 20, 3}, {9, 0, 10, 1}, {50, 4096, 300, 0}}))
	f.Add([]byte{1, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parsePMDirectory(b)
		if err != nil {
			return
		}
		again, err := parsePMDirectory(encodePMDirectory(entries))
		if err != nil || !slices.Equal(entries, again) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, entries, again)
		}
		for _, e := range entries {
			if got, ok := findPMEntry(entries, e.TileID); !ok || got.TileID != e.TileID {
				t.Fatalf("entry %+v not found: %+v", e, got)
			}
		}
	})
}
