package tiles

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
)

// triangle is a triangle over the Mâconnais, from Tournus down to Mâcon
// and across to Cluny.
var triangle = orb.Polygon{{{4.9094, 46.5658}, {4.8306, 46.3069}, {4.6588, 46.4344}, {4.9094, 46.5658}}}

func TestEstimatePolygonNotBound(t *testing.T) {
	count, bytes, err := Estimate(triangle, 10, 14, KindMap)
	if err != nil {
		t.Fatal(err)
	}
	boxCount, _, err := Estimate(triangle.Bound(), 10, 14, KindMap)
	if err != nil {
		t.Fatal(err)
	}
	if count == 0 || count >= boxCount || float64(count) > 0.8*float64(boxCount) {
		t.Errorf("triangle: %d tiles, its bounding box %d", count, boxCount)
	}
	if bytes != int64(count)*KindMap.TileBytes() {
		t.Errorf("bytes %d for %d tiles", bytes, count)
	}
	// Same as tilecover's, zoom by zoom.
	want := 0
	for z := maptile.Zoom(10); z <= 14; z++ {
		set, _ := tilecover.Polygon(triangle, z)
		want += len(set)
	}
	if count != want {
		t.Errorf("count %d, tilecover says %d", count, want)
	}
	if _, photo, _ := Estimate(triangle, 10, 14, KindPhoto); photo <= bytes {
		t.Errorf("photos (%d bytes) weigh less than a map (%d)", photo, bytes)
	}
}

func TestEstimateRefusesBadAreas(t *testing.T) {
	for name, area := range map[string]orb.Geometry{
		"nil":        nil,
		"point":      orb.Point{4.8, 46.3},
		"line":       orb.LineString{{4.8, 46.3}, {4.9, 46.4}},
		"one point":  orb.Polygon{{{4.8, 46.3}, {4.8, 46.3}, {4.8, 46.3}, {4.8, 46.3}}},
		"two points": orb.Polygon{{{4.8, 46.3}, {4.9, 46.3}}},
		"empty":      orb.Polygon{},
		"north pole": orb.Polygon{{{0, 86}, {0, 87}, {0, 88}, {0, 86}}},
		"NaN":        orb.Polygon{{{math.NaN(), 46}, {4.9, 46.3}, {4.8, 46.4}, {math.NaN(), 46}}},
		"lon 200":    orb.Polygon{{{200, 46}, {4.9, 46.3}, {4.8, 46.4}, {200, 46}}},
		"bad bound":  orb.Bound{Min: orb.Point{5, 47}, Max: orb.Point{4, 46}},
	} {
		if _, _, err := Estimate(area, 0, 12, KindMap); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// An open ring is closed, not refused.
	open := orb.Polygon{triangle[0][:3]}
	if n, _, err := Estimate(open, 12, 12, KindMap); err != nil || n == 0 {
		t.Errorf("open ring: %d, %v", n, err)
	}
	// The whole world at zoom 20 is refused before it costs memory.
	if _, _, err := Estimate(orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 20, 20, KindMap); !errors.Is(err, ErrTooManyTiles) {
		t.Errorf("world at zoom 20: %v", err)
	}
}

func TestPrepareResumeCancel(t *testing.T) {
	s := newFakeServer(t)
	src := s.source(t, "plan", "ok")
	dir := t.TempDir()
	ctx := context.Background()
	want, _, err := Estimate(triangle, 8, 13, KindMap)
	if err != nil {
		t.Fatal(err)
	}
	// One tile the server lacks: done, nothing stored.
	s.setMissing(maptile.At(orb.Point{4.8306, 46.3069}, 13))

	// Cancelled a third of the way.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var last, total int
	err = Prepare(cctx, src, dir, triangle, 8, 13, func(done, tot int) {
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last, total = done, tot
		if done == want/3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped after") {
		t.Fatalf("cancelled Prepare: %v", err)
	}
	if total != want {
		t.Errorf("total %d, want %d", total, want)
	}
	firstRun := s.requests.Load()
	if firstRun < int64(want/3) || firstRun > int64(want/3+4) {
		t.Errorf("%d requests before cancelling at %d", firstRun, want/3)
	}
	stored := countTiles(t, filepath.Join(dir, "plan.mbtiles"))
	if stored < want/3-1 || stored > int(firstRun) {
		t.Errorf("%d tiles stored after %d requests", stored, firstRun)
	}

	// Resumed: only the rest is downloaded.
	last = 0
	if err := Prepare(ctx, src, dir, triangle, 8, 13, func(done, tot int) { last = done }); err != nil {
		t.Fatal(err)
	}
	if last != want {
		t.Errorf("resumed run reports %d of %d", last, want)
	}
	// Requests cancelled in flight may reach the server after the first
	// run returned: they count in the second.
	if got := s.requests.Load() - firstRun; got < int64(want-stored) || got > int64(want-stored+DefaultMaxConcurrent) {
		t.Errorf("%d requests when resuming, want %d (the tiles not stored yet)", got, want-stored)
	}
	if got := countTiles(t, filepath.Join(dir, "plan.mbtiles")); got != want-1 {
		t.Errorf("%d tiles stored, want %d (all but the missing one)", got, want-1)
	}

	// Everything is there: offline, the cache answers.
	s.Close()
	c, err := Cached(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetOffline(true)
	for z := maptile.Zoom(8); z <= 13; z++ {
		set, _ := tilecover.Polygon(triangle, z)
		for tl := range set {
			_, err := c.Tile(ctx, tl)
			if tl == maptile.At(orb.Point{4.8306, 46.3069}, 13) {
				if !errors.Is(err, ErrOffline) {
					t.Errorf("the missing tile: %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v offline: %v", tl, err)
			}
		}
	}
	// Outside the triangle's cover, nothing was fetched.
	bbox := tilecover.Bound(triangle.Bound(), 13)
	outside := 0
	set, _ := tilecover.Polygon(triangle, 13)
	for tl := range bbox {
		if !set[tl] {
			outside++
			if _, err := c.Tile(ctx, tl); !errors.Is(err, ErrOffline) {
				t.Fatalf("%v, outside the triangle, is cached", tl)
			}
		}
	}
	if outside == 0 {
		t.Error("the bounding box has no tile outside the triangle: a poor test area")
	}
}

func TestPreparePolite(t *testing.T) {
	s := newFakeServer(t)
	s.delay = 2 * time.Millisecond
	want, _, _ := Estimate(triangle, 8, 11, KindMap)
	if err := Prepare(context.Background(), s.source(t, "polite", "ok"), t.TempDir(), triangle, 8, 11, nil); err != nil {
		t.Fatal(err)
	}
	if n := s.requests.Load(); n != int64(want) {
		t.Errorf("%d requests for %d tiles", n, want)
	}
	if m := s.maxFlight.Load(); m > DefaultMaxConcurrent {
		t.Errorf("%d requests at once, want ≤ %d", m, DefaultMaxConcurrent)
	}
}

// countTiles counts the tiles of an MBTiles file.
func countTiles(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(path, dsnFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM tiles").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPrepareStopsOnFailure(t *testing.T) {
	s := newFakeServer(t)
	err := Prepare(context.Background(), s.source(t, "broken", "broken"), t.TempDir(), triangle, 8, 10, nil)
	if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "stopped after 0 of") {
		t.Errorf("broken server: %v", err)
	}
}

func TestPrepareRefusesBulkOSM(t *testing.T) {
	cfg, _ := Preset("osm")
	cfg.URL = "http://127.0.0.1:1/{z}/{x}/{y}.png" // never reached
	src, err := NewXYZ(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err = Prepare(context.Background(), src, dir, triangle, 0, 19, nil)
	if !errors.Is(err, ErrTooManyTiles) || !strings.Contains(err.Error(), "bulk downloading") || !strings.Contains(err.Error(), "50000") {
		t.Errorf("OSM, zooms 0–19: %v", err)
	}
	if err := Prepare(context.Background(), src, dir, triangle, 0, 20, nil); err == nil || errors.Is(err, ErrTooManyTiles) {
		t.Errorf("OSM beyond its zooms: %v", err)
	}
}
