package mapview

import (
	"context"
	"image"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/tiles"
)

// flakySource is a basemap that is offline while down is set.
type flakySource struct{ down atomic.Bool }

func (s *flakySource) Info() tiles.Info {
	return tiles.Info{Name: "ign-plan", Title: "Plan IGN v2", MaxZoom: 19, TileSize: 256}
}

func (s *flakySource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	if s.down.Load() {
		return nil, tiles.ErrOffline
	}
	return image.NewRGBA(image.Rect(0, 0, 256, 256)), nil
}

// TestBasemapStatusFollowsTheTiles checks that the cache tells when the
// basemap's tiles fail (the map then says so) and when they come back.
func TestBasemapStatusFollowsTheTiles(t *testing.T) {
	src := &flakySource{}
	src.down.Store(true)
	// A failed tile is asked for again at the next frame.
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), src, TileCacheOptions{BasemapRetry: time.Nanosecond})
	defer tc.Close()
	status := make(chan bool, 16)
	tc.SetOnBasemapStatus(func(down bool) { status <- down })

	if tc.BasemapUnreachable() {
		t.Fatal("unreachable before any tile was asked for")
	}
	vp := oneTileView()
	tc.Frame(vp)
	if !waitFor(t, status, "the basemap reported down") || !tc.BasemapUnreachable() {
		t.Fatal("an offline basemap is not reported unreachable")
	}

	src.down.Store(false)
	settle(t, tc, vp)
	if waitFor(t, status, "the basemap reported back") || tc.BasemapUnreachable() {
		t.Fatal("a basemap whose tiles came back is still reported unreachable")
	}

	// Offline again, at a place whose tiles were never asked for (those
	// around the first view may have been fetched meanwhile: they would
	// not be asked again).
	src.down.Store(true)
	far := maptile.New(maptile.At(testCentre, 17).X+16, maptile.At(testCentre, 17).Y, 17)
	tc.Frame(Viewport{Center: far.Center(), Zoom: 17, Width: 256, Height: 256, Scale: 1})
	if !waitFor(t, status, "the basemap reported down again") {
		t.Fatal("not reported down again")
	}
	tc.SetBasemap(nil)
	if waitFor(t, status, "the status reset") || tc.BasemapUnreachable() {
		t.Fatal("another basemap starts reported unreachable")
	}
}
