package tiles

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

func TestCacheDir(t *testing.T) {
	if got := CacheDir("/data/ccmt.gpkg"); got != "/data/ccmt.gpkg.tiles" {
		t.Errorf("CacheDir = %s", got)
	}
}

func TestCachedServesFromDisk(t *testing.T) {
	s := newFakeServer(t)
	dir := CacheDir(filepath.Join(t.TempDir(), "ws.gpkg"))
	c, err := Cached(s.source(t, "osm", "ok"), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	tl := maptile.New(5, 3, 3)

	if _, err := c.Tile(ctx, tl); err != nil {
		t.Fatal(err)
	}
	if n := s.requests.Load(); n != 1 {
		t.Fatalf("%d requests for a miss, want 1", n)
	}
	img, err := c.Tile(ctx, tl)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.requests.Load(); n != 1 {
		t.Errorf("%d requests after a hit, want 1", n)
	}
	if got := colorAt(img, 3, 3); got != tileColor(tl) {
		t.Errorf("cached tile colour %v, want %v", got, tileColor(tl))
	}

	// Down the network: the cached tile still comes, an uncached one is
	// ErrOffline.
	s.Close()
	if _, err := c.Tile(ctx, tl); err != nil {
		t.Errorf("cached tile with the server gone: %v", err)
	}
	if _, err := c.Tile(ctx, maptile.New(0, 0, 1)); !errors.Is(err, ErrOffline) {
		t.Errorf("uncached tile with the server gone: %v", err)
	}
	c.SetOffline(true)
	if _, err := c.Tile(ctx, maptile.New(1, 0, 1)); !errors.Is(err, ErrOffline) {
		t.Errorf("uncached tile offline: %v", err)
	}
	if c.StoreErr() != nil {
		t.Errorf("StoreErr: %v", c.StoreErr())
	}

	// The cache is an MBTiles file other tools, and Terrimap, can read.
	if filepath.Base(c.Path()) != "osm.mbtiles" || filepath.Dir(c.Path()) != dir {
		t.Errorf("cache at %s", c.Path())
	}
	m, err := OpenMBTiles(c.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	img, err = m.Tile(ctx, tl)
	if err != nil {
		t.Fatal(err)
	}
	if got := colorAt(img, 3, 3); got != tileColor(tl) {
		t.Errorf("tile read back as MBTiles: colour %v, want %v (TMS rows?)", got, tileColor(tl))
	}
}

func TestCachedStaleTiles(t *testing.T) {
	s := newFakeServer(t)
	s.maxAge = 3600
	c, err := Cached(s.source(t, "plan", "ok"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	tl := maptile.New(1, 1, 2)
	now := time.Now()
	c.clock = func() time.Time { return now }
	if _, err := c.Tile(ctx, tl); err != nil {
		t.Fatal(err)
	}
	// Within max-age: no request.
	now = now.Add(30 * time.Minute)
	if _, err := c.Tile(ctx, tl); err != nil || s.requests.Load() != 1 {
		t.Fatalf("fresh tile: %v, %d requests", err, s.requests.Load())
	}
	// Past it: fetched again.
	now = now.Add(2 * time.Hour)
	if _, err := c.Tile(ctx, tl); err != nil || s.requests.Load() != 2 {
		t.Fatalf("stale tile: %v, %d requests", err, s.requests.Load())
	}
	// Stale and the server gone: the old copy is served.
	now = now.Add(2 * time.Hour)
	s.Close()
	if _, err := c.Tile(ctx, tl); err != nil {
		t.Errorf("stale tile, server gone: %v", err)
	}
}

func TestCachedDoesNotStoreGarbage(t *testing.T) {
	s := newFakeServer(t)
	c, err := Cached(s.source(t, "g", "garbage"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for range 2 {
		if _, err := c.Tile(ctx, maptile.New(0, 0, 1)); !errors.Is(err, ErrInvalidSource) {
			t.Fatalf("garbage: %v", err)
		}
	}
	if n := s.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2: garbage must not be cached", n)
	}
}

func TestCachedRefusesForeignFile(t *testing.T) {
	dir := t.TempDir()
	src, err := NewXYZ(XYZConfig{Name: "geography-class-png", URL: "http://127.0.0.1:1/{z}/{x}/{y}.png"})
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/geography-class-png.mbtiles", filepath.Join(dir, "geography-class-png.mbtiles"))
	if _, err := Cached(src, dir); !errors.Is(err, ErrInvalidSource) {
		t.Errorf("an MBTiles file of another making as cache: %v", err)
	}
}

// TestCachedConcurrent asks many tiles at once, as the map does: every one
// comes, stored once, with no "database is locked".
func TestCachedConcurrent(t *testing.T) {
	s := newFakeServer(t)
	c, err := Cached(s.source(t, "many", "ok", func(cfg *XYZConfig) { cfg.MaxConcurrent = 4 }), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 32 {
				tl := maptile.New(uint32((i+g)%16), uint32(g%2), 5)
				img, err := c.Tile(context.Background(), tl)
				if err != nil {
					t.Error(err)
					return
				}
				if got := colorAt(img, 0, 0); got != tileColor(tl) {
					t.Errorf("%v: colour %v", tl, got)
				}
			}
		})
	}
	wg.Wait()
	if n := countTiles(t, c.Path()); n != 32 {
		t.Errorf("%d tiles stored, want 32", n)
	}
	if c.StoreErr() != nil {
		t.Error(c.StoreErr())
	}
}
