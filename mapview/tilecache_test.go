package mapview

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/tiles"
	"terrimap/store"
)

// blockingSource is a basemap whose tiles wait until released: a server
// as slow as one likes, that honours cancellation.
type blockingSource struct {
	release   chan struct{}
	requested chan maptile.Tile
	cancelled chan maptile.Tile
	colour    color.RGBA
}

func newBlockingSource() *blockingSource {
	return &blockingSource{release: make(chan struct{}), requested: make(chan maptile.Tile, 64),
		cancelled: make(chan maptile.Tile, 64), colour: color.RGBA{0x20, 0x80, 0x20, 0xff}}
}

func (s *blockingSource) Info() tiles.Info {
	return tiles.Info{Name: "blocking", MinZoom: 0, MaxZoom: 19, TileSize: 256}
}

func (s *blockingSource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	select {
	case s.requested <- t:
	default:
	}
	select {
	case <-s.release:
		img := image.NewRGBA(image.Rect(0, 0, 256, 256))
		fillRect(img, img.Rect, s.colour)
		return img, nil
	case <-ctx.Done():
		select {
		case s.cancelled <- t:
		default:
		}
		return nil, ctx.Err()
	}
}

// settle calls Frame until the view is complete, waiting for tiles in
// between: the synchronous drawing benchmarks and tests need. It takes
// over OnReady.
func settle(tb testing.TB, tc *TileCache, vp Viewport) *image.RGBA {
	tb.Helper()
	ready := make(chan struct{}, 1)
	tc.SetOnReady(func() {
		select {
		case ready <- struct{}{}:
		default:
		}
	})
	defer tc.SetOnReady(nil)
	deadline := time.After(60 * time.Second)
	for {
		img, ok := tc.Frame(vp)
		if ok {
			return img
		}
		select {
		case <-ready:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			tb.Fatal("the view never completed")
		}
	}
}

func readyChan(tc *TileCache) chan struct{} {
	ready := make(chan struct{}, 1)
	tc.SetOnReady(func() {
		select {
		case ready <- struct{}{}:
		default:
		}
	})
	return ready
}

func waitFor[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// oneTileView shows exactly tile (x, y) of zoom 17 around testCentre.
func oneTileView() Viewport {
	t := maptile.At(testCentre, 17)
	return Viewport{Center: t.Center(), Zoom: 17, Width: 256, Height: 256, Scale: 1}
}

func TestFrameNeverWaitsForTheBasemap(t *testing.T) {
	src := newBlockingSource()
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), src, TileCacheOptions{})
	defer tc.Close()
	ready := readyChan(tc)
	vp := oneTileView()

	img, complete := tc.Frame(vp)
	if complete {
		t.Fatal("Frame complete while its basemap tile is blocked")
	}
	if img == nil || img.Bounds().Size() != vp.DeviceSize() {
		t.Fatalf("Frame gave %v", img)
	}
	want := maptile.At(testCentre, 17)
	for got := waitFor(t, src.requested, "the tile request"); got != want; got = waitFor(t, src.requested, "the visible tile's request") {
	}
	if _, complete := tc.Frame(vp); complete {
		t.Fatal("Frame complete while its basemap tile is blocked")
	}
	close(src.release)
	waitFor(t, ready, "OnReady")
	img, complete = tc.Frame(vp)
	if !complete {
		t.Fatal("Frame incomplete after its tile arrived")
	}
	if c := img.RGBAAt(128, 128); c != src.colour {
		t.Errorf("frame shows %v, want the basemap's %v", c, src.colour)
	}
}

// Vector tiles are drawn while the basemap is still blocked: the frame
// shows them, still incomplete, and FirstDrawn is closed by the first
// frame that has them all, not before.
func TestVectorTilesDoNotWaitForTheBasemap(t *testing.T) {
	src := newBlockingSource()
	defer close(src.release)
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), src, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	ready := readyChan(tc)
	vp := testViewport()
	drawn := func() bool {
		select {
		case <-tc.FirstDrawn():
			return true
		default:
			return false
		}
	}
	if tc.Frame(vp); drawn() {
		t.Fatal("FirstDrawn closed by a frame without vector tiles")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		waitFor(t, ready, "OnReady")
		img, complete := tc.Frame(vp)
		if complete {
			t.Fatal("complete while the basemap is blocked")
		}
		p := vp.LonLatToPixel(at(30, 178)) // the first hydrant
		shown := img.RGBAAt(int(p[0]), int(p[1]))
		hydrant := shown.R > 0xc0 && shown.G < 0x40
		if drawn() {
			if !hydrant {
				t.Errorf("the frame that closed FirstDrawn shows %v where the first hydrant is", shown)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("FirstDrawn never closed (the hydrant shown: %v)", hydrant)
		}
	}
}

func TestFrameCancelsWhatTheViewLeft(t *testing.T) {
	src := newBlockingSource()
	defer close(src.release)
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), src, TileCacheOptions{})
	defer tc.Close()
	vp := oneTileView()
	tc.Frame(vp)
	first := maptile.At(testCentre, 17)
	for got := waitFor(t, src.requested, "the tile request"); got != first; got = waitFor(t, src.requested, "the visible tile's request") {
	}
	tc.Frame(vp.FitBound(orb.Bound{Min: orb.Point{2, 48}, Max: orb.Point{3, 49}})) // far away
	for got := waitFor(t, src.cancelled, "a cancellation"); got != first; got = waitFor(t, src.cancelled, "the first tile's cancellation") {
	}
}

// The frame composited from tiles is the view Render draws in one go.
func TestFrameMatchesRender(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	tc := NewTileCache(r, nil, TileCacheOptions{Background: color.White})
	defer tc.Close()
	layers := testLayerList(t)
	tc.SetLayers(layers)
	for _, vp := range []Viewport{testViewport(), {Center: testCentre, Zoom: 16.37, Width: 300, Height: 200, Scale: 1.25}} {
		frame := settle(t, tc, vp)
		want := render(t, r, vp, layers, nil)
		bad := 0
		for y := 0; y < want.Rect.Dy(); y++ {
			for x := 0; x < want.Rect.Dx(); x++ {
				w := want.RGBAAt(x, y)
				// want over white, as the frame's background
				k := 255 - uint32(w.A)
				w = color.RGBA{uint8(uint32(w.R) + k), uint8(uint32(w.G) + k), uint8(uint32(w.B) + k), 255}
				if g := frame.RGBAAt(x, y); far(g.R, w.R, 3) || far(g.G, w.G, 3) || far(g.B, w.B, 3) {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("zoom %v: %d pixels of the frame differ from Render", vp.Zoom, bad)
		}
	}
}

// A fractional zoom with nothing drawn at it yet shows the tiles of the
// zoom before, scaled, at once.
func TestFrameFallsBackToOtherZooms(t *testing.T) {
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), nil, TileCacheOptions{Background: color.White})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	vp := testViewport()
	settle(t, tc, vp)
	// The tiles of the new zoom are asked for by this very Frame: they
	// cannot be ready when it returns, only the fallback can show them.
	zoomed := vp.ZoomAround(orb.Point{128, 96}, 0.3)
	img, complete := tc.Frame(zoomed)
	if complete {
		t.Fatal("a frame at a zoom never drawn says it is complete")
	}
	p := zoomed.LonLatToPixel(at(90, 140)) // on the thick main
	if c := img.RGBAAt(int(p[0]), int(p[1])); c == (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Error("nothing shown at a new zoom while its tiles are drawn")
	}
}

func TestInvalidateTouchesOnlyItsTiles(t *testing.T) {
	ws := newTestWorkspace(t)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	vp := Viewport{Center: testCentre, Zoom: 17, Width: 1600, Height: 1200, Scale: 1}
	settle(t, tc, vp)
	before := map[tileKey]*image.RGBA{}
	tc.mu.Lock()
	tc.vec.each(func(k tileKey, v *vecTile) bool { before[k] = v.img; return true })
	tc.mu.Unlock()
	if len(before) < 30 {
		t.Fatalf("only %d tiles cached", len(before))
	}

	// Move the first hydrant by a few metres, as an agent would.
	old := at(30, 178)
	moved := at(40, 170)
	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Update("poteaux", uuidOf(6), store.Change{Geometry: moved, SetGeometry: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	edit := orb.Bound{Min: old, Max: old}.Extend(moved)
	tc.Invalidate("poteaux", edit)

	var stale []tileKey
	tc.mu.Lock()
	tc.vec.each(func(k tileKey, v *vecTile) bool {
		if v.stale {
			stale = append(stale, k)
		}
		return true
	})
	bleed := tc.bleed
	tc.mu.Unlock()
	if len(stale) == 0 || len(stale) > 4 {
		t.Fatalf("%d tiles of %d marked stale by a move of a few metres", len(stale), len(before))
	}
	wb := worldBound(edit)
	for _, k := range stale {
		r := k.lv.tileRect(int(k.x), int(k.y))
		m := int(bleed) + 1
		if !(pixRect{r.x0 - m, r.y0 - m, r.x1 + m, r.y1 + m}).worldBound(k.lv).Intersects(wb) {
			t.Errorf("tile %v marked stale, far from the edit", k)
		}
	}
	home := maptile.At(moved, 17)
	found := false
	for _, k := range stale {
		if k.x == int32(home.X) && k.y == int32(home.Y) {
			found = true
		}
	}
	if !found {
		t.Errorf("the tile under the moved hydrant (%v) is not stale: %v", home, stale)
	}

	// Once redrawn, only the stale tiles are new images.
	img := settle(t, tc, vp)
	tc.mu.Lock()
	for k, was := range before {
		now, ok := tc.vec.peek(k)
		if !ok {
			continue
		}
		isStale := false
		for _, s := range stale {
			isStale = isStale || s == k
		}
		if changed := now.img != was; changed != isStale {
			t.Errorf("tile %v: redrawn %v, stale %v", k, changed, isStale)
		}
	}
	tc.mu.Unlock()
	p := vp.LonLatToPixel(moved)
	if c := img.RGBAAt(int(p[0]), int(p[1])); !(c.R > 0xc0 && c.G < 0x40) {
		t.Errorf("the moved hydrant is not drawn at its new place: %v", c)
	}
}

func TestSetSelectionRedrawsAroundIt(t *testing.T) {
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	vp := Viewport{Center: testCentre, Zoom: 17, Width: 1600, Height: 1200, Scale: 1}
	settle(t, tc, vp)
	tc.SetSelection([]FeatureRef{{Layer: "poteaux", FID: 1}})
	n, total := 0, 0
	tc.mu.Lock()
	tc.vec.each(func(k tileKey, v *vecTile) bool {
		total++
		if v.stale || v.version != tc.version {
			n++
		}
		return true
	})
	tc.mu.Unlock()
	if n == 0 || n > 4 {
		t.Errorf("%d tiles of %d to redraw for one selected hydrant", n, total)
	}
	img := settle(t, tc, vp)
	p := vp.LonLatToPixel(at(30, 178))
	c := img.RGBAAt(int(p[0])+9, int(p[1]))
	if !(c.B > 0xc0 && c.R < 0x80) {
		t.Errorf("no highlight around the selected hydrant: %v", c)
	}
}

// Tiles arriving for a view that is still wanted call OnReady once until
// the next frame, however many arrive.
func TestOnReadyOncePerFrame(t *testing.T) {
	tc := NewTileCache(NewRenderer(newTestWorkspace(t), RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	var mu sync.Mutex
	calls := 0
	tc.SetOnReady(func() { mu.Lock(); calls++; mu.Unlock() })
	vp := Viewport{Center: testCentre, Zoom: 17, Width: 1024, Height: 768, Scale: 1}
	tc.Frame(vp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tc.render.wait(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("OnReady called %d times for one frame's tiles", calls)
	}
}

// A frame drawn again only where tiles, basemap tiles or labels changed
// is the frame drawn whole.
func TestFrameDrawsOnlyWhatChanged(t *testing.T) {
	ws := newTestWorkspace(t)
	src := newBlockingSource()
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), src, TileCacheOptions{})
	defer tc.Close()
	layers := testLayerList(t)
	layers[0].Style.Label = &Label{Field: "nom", Size: 12}
	tc.SetLayers(layers)
	vp := Viewport{Center: testCentre, Zoom: 17, Width: 700, Height: 500, Scale: 1}
	whole := func() *image.RGBA {
		t.Helper()
		tc.frameMu.Lock()
		for i := range tc.frames {
			tc.frames[i] = frameBuffer{}
		}
		tc.frameMu.Unlock()
		img, complete := tc.Frame(vp)
		if !complete {
			t.Fatal("the frame drawn whole is not complete")
		}
		return img
	}
	check := func(what string, img *image.RGBA) {
		t.Helper()
		got := image.NewRGBA(img.Rect)
		copy(got.Pix, img.Pix)
		if want := whole(); !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%s: the frame drawn piece by piece differs from the frame drawn whole", what)
		}
	}
	// Vector tiles and labels first, the basemap afterwards.
	tc.Frame(vp)
	if err := tc.render.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, complete := tc.Frame(vp); complete {
		t.Fatal("complete without its basemap")
	}
	close(src.release)
	zone := vp.LonLatToPixel(at(30, 50))
	img := settle(t, tc, vp)
	was := img.RGBAAt(int(zone[0]), int(zone[1]))
	check("tiles, then the basemap", img)

	// An edit redraws a tile and the labels.
	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Update("zones", uuidOf(1), store.Change{Properties: map[string]any{"nom": "Zone C", "alea": "fort"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tc.Invalidate("zones", orb.Bound{Min: at(10, 10), Max: at(10, 10)}.Extend(at(120, 100)))
	img = settle(t, tc, vp)
	if img.RGBAAt(int(zone[0]), int(zone[1])) == was {
		t.Error("the edited zone keeps its colour")
	}
	check("an edit", img)
}

func TestChangedRects(t *testing.T) {
	tile := func(x, y int) drawOp {
		img := image.NewRGBA(image.Rect(0, 0, 256, 256))
		return drawOp{img: img, at: image.Pt(x, y), clip: image.Rect(x, y, x+256, y+256)}
	}
	sprite := image.NewRGBA(image.Rect(0, 0, 40, 12))
	layout := func(at ...image.Point) *labelLayout {
		l := &labelLayout{}
		for _, p := range at {
			l.labels = append(l.labels, placedLabel{at: p, img: sprite})
		}
		return l
	}
	size := image.Pt(1024, 768)
	a, b, c := tile(0, 0), tile(256, 0), tile(512, 0)
	la, lb := layout(image.Pt(10, 10)), layout(image.Pt(10, 10), image.Pt(600, 300))
	var spread []image.Point
	for i := range maxChangedRects + 1 {
		spread = append(spread, image.Pt(i%20*50, i/20*20))
	}
	many := layout(spread...)
	labels := func(l *labelLayout) drawOp { return drawOp{labels: l, lorigin: image.Pt(0, 0), f: 1} }
	for _, c := range []struct {
		name     string
		was, now []drawOp
		want     []image.Rectangle
		ok       bool
	}{
		{"from nothing", nil, []drawOp{a}, []image.Rectangle{a.clip}, true},
		{"nothing changed", []drawOp{a, b, labels(la)}, []drawOp{a, b, labels(la)}, nil, true},
		{"a tile arrived", []drawOp{a, labels(la)}, []drawOp{a, b, labels(la)}, []image.Rectangle{b.clip}, true},
		{"a tile replaced", []drawOp{a, b}, []drawOp{a, c}, []image.Rectangle{c.clip, b.clip}, true},
		{"new labels", []drawOp{a, labels(la)}, []drawOp{a, labels(lb)},
			[]image.Rectangle{image.Rect(10, 10, 50, 22), image.Rect(600, 300, 640, 312)}, true},
		{"most of the frame", []drawOp{a}, []drawOp{a, b, c, tile(768, 0)}, []image.Rectangle{b.clip, c.clip, image.Rect(768, 0, 1024, 256)}, true},
		{"too many labels", []drawOp{a}, []drawOp{a, labels(many)}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := changedRects(c.was, c.now, size)
			if ok != c.ok || !slices.Equal(got, c.want) {
				t.Errorf("got %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// blitOverColor is fillRect then blitOver, in one pass.
func TestBlitOverColor(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	src := image.NewRGBA(image.Rect(0, 0, 37, 23))
	for p := 0; p < len(src.Pix); p += 4 {
		switch rng.IntN(3) {
		case 0: // transparent, as most of a tile
		case 1:
			src.Pix[p], src.Pix[p+1], src.Pix[p+2], src.Pix[p+3] = uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255
		default:
			a := uint8(rng.IntN(256))
			src.Pix[p], src.Pix[p+1], src.Pix[p+2], src.Pix[p+3] = uint8(rng.IntN(int(a)+1)), uint8(rng.IntN(int(a)+1)), uint8(rng.IntN(int(a)+1)), a
		}
	}
	bg := color.RGBA{0xf2, 0xf0, 0xeb, 0xff}
	at, clip := image.Pt(5, 3), image.Rect(6, 4, 40, 25)
	want := image.NewRGBA(image.Rect(0, 0, 50, 30))
	fillRect(want, clip, bg)
	blitOver(want, src, at, clip)
	got := image.NewRGBA(want.Rect)
	blitOverColor(got, src, at, clip, bg)
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("blitOverColor differs from fillRect then blitOver")
	}
}
