package mapview

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// TestDemoPictures draws the demo territory — the platform file named by
// TERRIMAP_DEMO (made by `terrimap-server demo --db FILE`), or the demo
// generated here — to PNGs in TERRIMAP_DEMO_OUT (a temp dir by default),
// for people to look at, and checks that each shows a map.
func TestDemoPictures(t *testing.T) {
	dir := os.Getenv("TERRIMAP_DEMO_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	var ws *store.Workspace
	if path := os.Getenv("TERRIMAP_DEMO"); path != "" {
		var err error
		if ws, err = store.Open(path, store.Options{ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
	} else {
		ws = demoWorkspace(t)
	}
	r := NewRenderer(ws, RendererOptions{})
	layers := DefaultLayers(ws, DefaultStyles())
	for _, c := range []struct {
		name string
		vp   Viewport
	}{
		{"tournus-z15", Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 15, Width: 1280, Height: 800}},
		{"tournus-z17", Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 17, Width: 1280, Height: 800}},
		{"ccmt-z11", Viewport{Center: orb.Point{4.8645, 46.4975}, Zoom: 11, Width: 1280, Height: 800}},
		{"ccmt-z13", Viewport{Center: orb.Point{4.88, 46.53}, Zoom: 13, Width: 1280, Height: 800}},
	} {
		start := time.Now()
		img, err := r.Render(context.Background(), c.vp, layers, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", c.name, time.Since(start))
		bg := image.NewRGBA(img.Bounds())
		draw.Draw(bg, bg.Bounds(), image.NewUniform(color.RGBA{0xf4, 0xf2, 0xee, 0xff}), image.Point{}, draw.Src)
		draw.Draw(bg, bg.Bounds(), img, image.Point{}, draw.Over)
		writePNG(t, filepath.Join(dir, c.name+".png"), bg)
		if n := drawnPixels(img); n < len(img.Pix)/4/50 {
			t.Errorf("%s: only %d pixels drawn", c.name, n)
		}
	}
	// What the widget shows: the tile cache's frame, once complete.
	tc := NewTileCache(r, nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(layers)
	vp := Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 14, Width: 1920, Height: 1080, Scale: 1}
	writePNG(t, filepath.Join(dir, "frame-tournus-z14.png"), settle(t, tc, vp))
}

// drawnPixels counts the pixels a render painted.
func drawnPixels(img *image.RGBA) int {
	n := 0
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0 {
			n++
		}
	}
	return n
}
