package mapview

import (
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/tiles"
)

// TileCache shows a workspace's layers over a basemap without ever making
// the caller wait: vector layers are drawn into tiles, and basemap tiles
// fetched, by small pools of background workers; Frame composites what is
// ready (scaled from another zoom when the exact tiles are not), asks for
// what is missing, and cancels what the view has moved away from. When
// tiles the last frame lacked arrive, OnReady is called, once until the
// next Frame. Caches are bounded in bytes. FirstDrawn tells when a frame
// first showed all the vector layers of its view.
type TileCache struct {
	r      *Renderer
	render *pool // vector tiles and labels
	fetch  *pool // basemap tiles
	bg     color.RGBA

	mu        sync.Mutex
	layers    []Layer
	selection []FeatureRef
	sc        *scene
	version   uint64 // of the scene's layers and styles
	bleed     float64
	// magnification enlarges symbols and labels (SetMagnification); 0 is 1.
	magnification float64
	src           tiles.Source
	srcGen        uint64
	vec           *lru[tileKey, *vecTile]
	base          *lru[tileKey, *baseTile]
	natives       *lru[maptile.Tile, *nativeTile]
	labels        *labelLayout
	labelsVer     uint64
	labelsOK      bool // the layout is up to date with the data
	levels        []level
	visible       map[jobKey]bool // what the last frame lacked and showed
	onReady       func()
	notified      bool
	// The basemap's health (basemapstatus.go): baseDown while its tiles
	// fail; onBasemap is told when that changes; retry is BasemapRetry.
	baseDown  bool
	onBasemap func(unreachable bool)
	retry     time.Duration
	// The last drawing failure (tileerror.go): err; onDrawError is told
	// errTold's once.
	err         error
	errTold     string
	onDrawError func(error)
	closed      bool

	frameMu sync.Mutex // one Frame at a time
	frames  [2]frameBuffer
	cells   []image.Rectangle // scratch: the tiles of a frame
	next    int
	ops     []drawOp
	drawn   chan struct{} // closed by the first frame with all its vector tiles
	drawnOK bool          // drawn is closed; frameMu is held
}

// TileCacheOptions tune a TileCache. The zero value is fine.
type TileCacheOptions struct {
	// Workers draw vector tiles and labels (2 when 0); FetchWorkers fetch
	// basemap tiles (4 when 0).
	Workers, FetchWorkers int
	// VectorBytes and BasemapBytes bound the caches of drawn vector tiles
	// (96 MiB when 0) and of basemap tiles (96 MiB when 0, a third of it
	// for the tiles as the source gives them).
	VectorBytes, BasemapBytes int64
	// Background is the colour under everything (a light paper grey when
	// unset).
	Background color.Color
	// BasemapRetry is how long a basemap tile that could not be fetched
	// is shown as it is before it is asked for again (30 s when 0).
	BasemapRetry time.Duration
}

type tileKey struct {
	lv   level
	x, y int32
}

type vecTile struct {
	img     *image.RGBA // nil: nothing to draw there
	version uint64
	stale   bool // an edit touched it
}

type baseTile struct {
	img      *image.RGBA // nil: the source has nothing there
	gen      uint64
	degraded bool // parts failed for a reason that may pass (offline)
	retryAt  time.Time
}

type nativeTile struct {
	img *image.RGBA // nil: the source has no such tile
}

// basemapRetry is how long a basemap tile that could not be fetched is
// shown as it is before it is asked for again.
const basemapRetry = 30 * time.Second

// NewTileCache returns a tile cache drawing r's workspace over basemap (nil
// for none). Close it to stop its workers.
func NewTileCache(r *Renderer, basemap tiles.Source, opts TileCacheOptions) *TileCache {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.FetchWorkers <= 0 {
		opts.FetchWorkers = 4
	}
	if opts.VectorBytes <= 0 {
		opts.VectorBytes = 96 << 20
	}
	if opts.BasemapBytes <= 0 {
		opts.BasemapBytes = 96 << 20
	}
	r.overview.maintain() // the map on screen keeps the overview built
	bg := color.RGBA{0xf2, 0xf0, 0xeb, 0xff}
	if opts.Background != nil {
		r, g, b, _ := opts.Background.RGBA()
		bg = color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
	}
	tc := &TileCache{
		r: r, render: newPool(opts.Workers, true), fetch: newPool(opts.FetchWorkers, false), bg: bg,
		src:     basemap,
		vec:     newLRU[tileKey, *vecTile](opts.VectorBytes),
		base:    newLRU[tileKey, *baseTile](opts.BasemapBytes * 2 / 3),
		natives: newLRU[maptile.Tile, *nativeTile](opts.BasemapBytes / 3),
		visible: map[jobKey]bool{},
		drawn:   make(chan struct{}),
		retry:   opts.BasemapRetry,
	}
	if tc.retry <= 0 {
		tc.retry = basemapRetry
	}
	tc.sc = r.newScene(nil, nil, 1)
	return tc
}

// Close stops the workers. Frame still answers, with what is cached.
func (tc *TileCache) Close() {
	tc.mu.Lock()
	tc.closed = true
	tc.mu.Unlock()
	tc.render.close()
	tc.fetch.close()
}

// SetOnReady sets the function called when tiles that the last Frame
// lacked have arrived, or when Invalidate changed what is shown: the
// widget refreshes then. It is called from a worker goroutine (or
// Invalidate's), never with a lock held; SetLayers, SetSelection and
// SetBasemap do not call it: their caller refreshes.
func (tc *TileCache) SetOnReady(fn func()) {
	tc.mu.Lock()
	tc.onReady = fn
	tc.mu.Unlock()
}

// Err returns the last error met drawing tiles (a workspace that cannot be
// read), or nil.
func (tc *TileCache) Err() error {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.err
}

// SetLayers changes the layers drawn (bottom first). Tiles drawn before
// stay on screen until their replacements are ready.
func (tc *TileCache) SetLayers(layers []Layer) {
	tc.mu.Lock()
	tc.layers = append([]Layer(nil), layers...)
	tc.rebuildScene(tc.sc.scale)
	tc.forgetDrawError()
	tc.mu.Unlock()
	tc.render.cancelIf(func(jobKey) bool { return true })
}

// SetMagnification draws line widths, symbols and labels k times larger
// (1: as styled), the map itself unchanged: the presentation mode's large
// symbols, readable on a meeting-room screen. Tiles drawn before stay on
// screen until their replacements are ready.
func (tc *TileCache) SetMagnification(k float64) {
	if !(k > 0) || math.IsInf(k, 0) {
		k = 1
	}
	tc.mu.Lock()
	tc.magnification = k
	tc.rebuildScene(tc.sc.scale)
	tc.mu.Unlock()
	tc.render.cancelIf(func(jobKey) bool { return true })
}

// Magnification returns the factor symbols and labels are drawn larger by
// (SetMagnification): 1 as styled.
func (tc *TileCache) Magnification() float64 {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.magnification > 0 {
		return tc.magnification
	}
	return 1
}

// Selection returns the features highlighted (SetSelection).
func (tc *TileCache) Selection() []FeatureRef {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]FeatureRef(nil), tc.selection...)
}

// rebuildScene makes the scene again from the layers, selection and scale.
// tc.mu is held.
func (tc *TileCache) rebuildScene(scale float64) {
	tc.sc = tc.r.newScene(tc.layers, tc.selection, scale)
	if tc.magnification > 0 {
		tc.sc.size = scale * tc.magnification
	}
	tc.version++
	tc.bleed = sceneBleed(tc.sc)
}

// SetSelection highlights these features. Only the tiles around the
// features that enter or leave the selection are drawn again.
func (tc *TileCache) SetSelection(sel []FeatureRef) {
	tc.mu.Lock()
	old := tc.sc.sel
	tc.selection = append([]FeatureRef(nil), sel...)
	tc.sc = tc.sc.withSelection(sel)
	var touched []orb.Bound
	all := false
	diff := func(a, b map[FeatureRef]bool) {
		for f := range a {
			if b[f] {
				continue
			}
			if ft, ok := tc.r.feats.cached(f.Layer, f.FID); ok {
				touched = append(touched, ft.bound)
			} else {
				all = true
			}
		}
	}
	diff(old, tc.sc.sel)
	diff(tc.sc.sel, old)
	if all {
		tc.version++
	} else {
		for _, wb := range touched {
			tc.staleWorld(wb, false)
		}
	}
	tc.mu.Unlock()
}

// SetBasemap changes the basemap (nil for none).
func (tc *TileCache) SetBasemap(src tiles.Source) {
	tc.mu.Lock()
	tc.src = src
	tc.srcGen++
	tc.base.clear()
	tc.natives.clear()
	status := tc.basemapStatus(false)
	tc.mu.Unlock()
	tc.fetch.cancelIf(func(jobKey) bool { return true })
	if status != nil {
		status()
	}
}

// Invalidate tells the cache that features of layer within bound
// (longitude/latitude, covering their old and new geometry) changed: the
// tiles and labels it touches are drawn again, the others are kept. It
// calls OnReady, so that a change made elsewhere (a sync) shows.
func (tc *TileCache) Invalidate(layer string, bound orb.Bound) {
	key := strings.ToLower(layer)
	wb := worldBound(bound)
	tc.r.feats.drop(key, wb, bound)
	tc.mu.Lock()
	labelled := false
	for _, l := range tc.sc.layers {
		labelled = labelled || (l.key == key && l.style.Label != nil)
	}
	tc.staleWorld(wb, labelled)
	tc.forgetDrawError()
	tc.mu.Unlock()
	tc.notify()
}

// staleWorld marks stale the vector tiles that features within the world
// bound may show on, and the labels if asked, and cancels their drawing.
// tc.mu is held.
func (tc *TileCache) staleWorld(wb orb.Bound, labelled bool) {
	touches := func(k tileKey) bool {
		m := int(math.Ceil(tc.bleed))
		r := k.lv.tileRect(int(k.x), int(k.y))
		return pixRect{r.x0 - m, r.y0 - m, r.x1 + m, r.y1 + m}.worldBound(k.lv).Intersects(wb)
	}
	tc.vec.each(func(k tileKey, t *vecTile) bool {
		if !t.stale && touches(k) {
			t.stale = true
		}
		return true
	})
	if labelled {
		tc.labelsOK = false
	}
	tc.render.cancelIf(func(k jobKey) bool {
		switch k.kind {
		case vectorJob:
			return touches(tileKey{k.lv, k.x, k.y})
		case labelJob:
			return labelled
		}
		return false
	})
}

// notify calls OnReady.
func (tc *TileCache) notify() {
	tc.mu.Lock()
	fn := tc.onReady
	call := fn != nil && !tc.closed
	if call {
		tc.notified = true
	}
	tc.mu.Unlock()
	if call {
		fn()
	}
}

// arrived records that the job k finished and notifies if the last frame
// lacked it. tc.mu is held; the returned function, if any, is to be called
// once it is released.
func (tc *TileCache) arrived(k jobKey) func() {
	if !tc.visible[k] || tc.notified || tc.onReady == nil || tc.closed {
		return nil
	}
	tc.notified = true
	return tc.onReady
}

// sceneBleed returns how far, in pixels, any feature of the scene may be
// drawn beyond its geometry, at any zoom, selection halo included.
func sceneBleed(sc *scene) float64 {
	b := 2.0
	numMax := func(n *Num) float64 {
		if n == nil {
			return 0
		}
		v := n.Value
		for _, s := range n.Stops {
			v = max(v, s[1])
		}
		return v
	}
	paintBleed := func(p *Paint) {
		b = max(b, bleedOf(float32(max(numMax(p.Size), 8)), float32(max(numMax(p.Width), 1))))
	}
	for _, l := range sc.layers {
		paintBleed(&l.style.Paint)
		for _, r := range l.style.Rules {
			for _, p := range r.Values {
				paintBleed(&p)
			}
			for _, rg := range r.Ranges {
				paintBleed(&rg.Paint)
			}
		}
	}
	return (b + highlightWidth) * sc.size
}
