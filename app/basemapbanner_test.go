package app

import (
	"context"
	"image"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/mapview"
	"terrimap/mapview/tiles"
)

// switchableBasemap is a basemap offline while down is set.
type switchableBasemap struct{ down atomic.Bool }

func (s *switchableBasemap) Info() tiles.Info {
	return tiles.Info{Name: "ign-plan", Title: "Plan IGN v2", MaxZoom: 19, TileSize: 256}
}

func (s *switchableBasemap) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	if s.down.Load() {
		return nil, tiles.ErrOffline
	}
	return image.NewRGBA(image.Rect(0, 0, 256, 256)), nil
}

// TestBasemapBannerSaysWhenTilesFail checks that a basemap that cannot be
// reached is said on the map, in French, and that the word goes once the
// tiles come back.
func TestBasemapBannerSaysWhenTilesFail(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	test.NewTempApp(t)
	s, err := openSession(demoWorkspaceFile(t, "banner.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	src := &switchableBasemap{}
	src.down.Store(true)
	// A failed tile is asked for again at the next frame.
	tc := mapview.NewTileCache(s.renderer, src, mapview.TileCacheOptions{BasemapRetry: time.Nanosecond})
	defer tc.Close()
	q := make(uiQueue, 64)
	b := newBasemapBanner(tc, func() tiles.Source { return src }, q.do)
	w := test.NewWindow(b.object)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 500))
	if b.object.Visible() {
		t.Fatal("the banner shows before any tile failed")
	}

	vp := mapview.Viewport{Center: orb.Point{4.9097, 46.5637}, Zoom: 15, Width: 800, Height: 500, Scale: 1}
	tc.Frame(vp)
	q.runUntil(t, b.object.Visible)
	want := "Fond de plan inaccessible (Plan IGN v2) — hors ligne ? Vos données restent affichées."
	if b.text.Text != want {
		t.Errorf("banner %q, want %q", b.text.Text, want)
	}

	src.down.Store(false)
	tc.Frame(vp)
	q.runUntil(t, func() bool { return !b.object.Visible() })
}
