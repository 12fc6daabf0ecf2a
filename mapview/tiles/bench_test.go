package tiles

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

// BenchmarkCachedTile reads a tile the cache has: no network, a SQLite
// lookup and a PNG decode.
func BenchmarkCachedTile(b *testing.B) {
	s := newFakeServer(b)
	c, err := Cached(s.source(b, "bench", "ok"), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	tl := maptile.New(8468, 5874, 14)
	if _, err := c.Tile(ctx, tl); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Tile(ctx, tl); err != nil {
			b.Fatal(err)
		}
	}
	if n := s.requests.Load(); n != 1 {
		b.Fatalf("%d requests", n)
	}
}

// BenchmarkCacheLookup is BenchmarkCachedTile without the PNG decode: the
// SQLite read alone.
func BenchmarkCacheLookup(b *testing.B) {
	s := newFakeServer(b)
	c, err := Cached(s.source(b, "bench", "ok"), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	tl := maptile.New(8468, 5874, 14)
	if _, err := c.Tile(ctx, tl); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, fresh, ok, err := c.cache.get(ctx, tl, now); err != nil || !ok || !fresh {
			b.Fatal(ok, fresh, err)
		}
	}
}

// BenchmarkPMTilesTile reads a tile of the Stamen Toner sample.
func BenchmarkPMTilesTile(b *testing.B) {
	p, err := OpenPMTiles("testdata/stamen_toner_raster_z3.pmtiles")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Tile(ctx, maptile.New(4, 2, 3)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFallbackTile makes a tile from its parent three zooms up.
func BenchmarkFallbackTile(b *testing.B) {
	f := WithFallback(&quadrantSource{err: ErrNoTile})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Tile(ctx, maptile.New(5, 2, 3)); err != nil {
			b.Fatal(err)
		}
	}
}
