package mapview

import (
	"context"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/draw"

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
	err       error
	closed    bool

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

// FirstDrawn returns a channel that is closed when Frame first returns a
// frame in which every vector tile and the labels of the view were ready,
// whether or not the basemap was: the first frame that shows the data as it
// is, not placeholders scaled from another zoom. It is closed by the Frame
// that composes that picture, before the frame is shown; the cache does
// not wait for anyone to receive. terrimap --startup-trace measures the
// time to it.
func (tc *TileCache) FirstDrawn() <-chan struct{} { return tc.drawn }

// fill and draw as the frame's operations.
type drawOp struct {
	img     *image.RGBA
	at      image.Point // exact: where img's top-left corner goes
	clip    image.Rectangle
	scaled  bool
	f       float64 // scaled: by f, its top-left at (tx, ty)
	tx, ty  float64
	copy    bool // basemap: replaces what is under
	labels  *labelLayout
	lorigin image.Point
}

// Frame returns the view drawn from what is ready, and whether all of it
// was: it never waits for a tile. The image is the cache's and is reused
// by the frame after next; copy it to keep it.
func (tc *TileCache) Frame(vp Viewport) (*image.RGBA, bool) {
	tc.frameMu.Lock()
	defer tc.frameMu.Unlock()
	g := geometryOf(vp)
	buf := tc.buffer(g.size)
	complete, vectors := tc.plan(g, vp.DeviceScale())
	// While tiles arrive for a view that stays put, only the tiles that
	// changed since the buffer was last drawn are drawn again; otherwise
	// every tile of the frame is.
	var dirty []image.Rectangle
	ok := false
	if buf.drawn && buf.geom == g {
		dirty, ok = changedRects(buf.ops, tc.ops, g.size)
	}
	if !ok {
		dirty = tc.cells[:0]
		g.lv.tiles(g.rect(), func(x, y int) {
			dirty = append(dirty, g.lv.tileRect(x, y).rectIn(g).Intersect(image.Rectangle{Max: g.size}))
		})
		tc.cells = dirty
	}
	// The other buffer, drawn by the frame before, often shows a
	// rectangle as it is to be: it is copied rather than drawn again.
	prev := &tc.frames[1-tc.next]
	for _, r := range dirty {
		if prev.drawn && prev.geom == g && sameOpsIn(prev.ops, tc.ops, r) {
			blitCopy(buf.img, prev.img, image.Point{}, r)
		} else {
			tc.compose(buf.img, r)
		}
	}
	clear(buf.ops)
	buf.ops = append(buf.ops[:0], tc.ops...)
	buf.geom, buf.drawn = g, true
	clear(tc.ops)
	tc.ops = tc.ops[:0]
	if vectors && !tc.drawnOK {
		tc.drawnOK = true
		close(tc.drawn)
	}
	return buf.img, complete
}

// compose draws the frame's operations within r of dst.
func (tc *TileCache) compose(dst *image.RGBA, r image.Rectangle) {
	// The first operation under r, when it covers all of r, lays the
	// background itself.
	first := slices.IndexFunc(tc.ops, func(op drawOp) bool { return op.labels == nil && op.clip.Overlaps(r) })
	covers := first >= 0 && !tc.ops[first].scaled && r.In(tc.ops[first].clip) && r.In(tc.ops[first].img.Bounds().Add(tc.ops[first].at))
	if !covers {
		fillRect(dst, r, tc.bg)
	}
	for i := range tc.ops {
		op := &tc.ops[i]
		if op.labels != nil {
			op.labels.draw(dst.SubImage(r).(*image.RGBA), op.lorigin, op.f)
			continue
		}
		clip := op.clip.Intersect(r)
		if clip.Empty() {
			continue
		}
		switch {
		case op.scaled:
			drawScaled(dst, op.img, op.f, op.tx, op.ty, clip, draw.Over)
		case op.copy:
			blitCopy(dst, op.img, op.at, clip)
		case covers && i == first:
			blitOverColor(dst, op.img, op.at, clip, tc.bg)
		default:
			blitOver(dst, op.img, op.at, clip)
		}
	}
}

// sameOpsIn reports whether a and b draw the same within r: the same
// operations, in the same order, meet it.
func sameOpsIn(a, b []drawOp, r image.Rectangle) bool {
	meets := func(op *drawOp) bool { return op.labels != nil || op.clip.Overlaps(r) }
	i, j := 0, 0
	for {
		for i < len(a) && !meets(&a[i]) {
			i++
		}
		for j < len(b) && !meets(&b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		i++
		j++
	}
}

// maxChangedRects is how many rectangles a frame draws again before it
// draws all of itself instead.
const maxChangedRects = 256

// changedRects returns the rectangles of a frame of this size drawn by ops
// that differ between was (what a buffer shows) and now: tiles, and each
// label of a layout. ok is false when there are too many: the whole frame
// is to be drawn again.
func changedRects(was, now []drawOp, size image.Point) (_ []image.Rectangle, ok bool) {
	in := func(ops []drawOp) map[drawOp]bool {
		m := make(map[drawOp]bool, len(ops))
		for _, op := range ops {
			m[op] = true
		}
		return m
	}
	wasSet, nowSet := in(was), in(now)
	var out []image.Rectangle
	add := func(r image.Rectangle) {
		r = r.Intersect(image.Rectangle{Max: size})
		if !r.Empty() && !slices.Contains(out, r) && len(out) <= maxChangedRects {
			out = append(out, r)
		}
	}
	diff := func(ops []drawOp, other map[drawOp]bool) {
		for _, op := range ops {
			if other[op] {
				continue
			}
			if op.labels == nil {
				add(op.clip)
				continue
			}
			for i := range op.labels.labels {
				add(op.labels.labels[i].rect(op.lorigin, op.f))
			}
		}
	}
	diff(now, wasSet)
	diff(was, nowSet)
	if len(out) > maxChangedRects {
		return nil, false
	}
	return out, true
}

// frameBuffer is an image Frame returns and the operations it shows.
type frameBuffer struct {
	img   *image.RGBA
	ops   []drawOp
	geom  frameGeom // of the frame it shows
	drawn bool      // it shows ops at geom
}

func (tc *TileCache) buffer(size image.Point) *frameBuffer {
	tc.next = 1 - tc.next
	b := &tc.frames[tc.next]
	if b.img == nil || b.img.Rect.Size() != size {
		b.img = image.NewRGBA(image.Rectangle{Max: size})
		b.drawn = false
	}
	return b
}

// plan lists the frame's drawing operations in tc.ops, asks the pools for
// what is missing, and reports whether nothing was, and whether no vector
// tile or label was (the basemap aside) in a cache still open.
func (tc *TileCache) plan(g frameGeom, scale float64) (complete, vectors bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.notified = false
	clear(tc.visible)
	if scale != tc.sc.scale {
		tc.rebuildScene(scale)
	}
	tc.touchLevel(g.lv)
	fr := g.rect()
	complete, vectors = true, !tc.closed
	cx, cy := float64(fr.x0+fr.x1)/2, float64(fr.y0+fr.y1)/2
	prio := func(r pixRect) float64 {
		return -math.Hypot(float64(r.x0+r.x1)/2-cx, float64(r.y0+r.y1)/2-cy)
	}
	ring := pixRect{fr.x0 - fr.dx()/4, fr.y0 - fr.dy()/4, fr.x1 + fr.dx()/4, fr.y1 + fr.dy()/4}

	// Basemap.
	tc.fetch.begin()
	if tc.src != nil && !tc.closed {
		src, gen := tc.src, tc.srcGen
		now := time.Now()
		g.lv.tiles(ring, func(x, y int) {
			tr := g.lv.tileRect(x, y)
			k := tileKey{g.lv, int32(x), int32(y)}
			jk := jobKey{basemapJob, g.lv, int32(x), int32(y)}
			visible := !tr.intersect(fr).empty()
			t, ok := tc.base.get(k)
			fresh := ok && t.gen == gen && !(t.degraded && now.After(t.retryAt))
			if visible {
				if ok && t.gen == gen {
					if t.img != nil {
						tc.ops = append(tc.ops, drawOp{img: t.img, at: image.Pt(tr.x0-g.origin.X, tr.y0-g.origin.Y), clip: tr.rectIn(g), copy: true})
					}
				} else {
					tc.fallback(g, tr, basemapJob)
				}
			}
			if fresh {
				return
			}
			if visible {
				complete = false
				tc.visible[jk] = true
			}
			p := prio(tr)
			if !visible {
				p += prefetchPriority
			}
			if !tc.fetch.want(jk, p) {
				tc.fetch.add(jk, p, func(ctx context.Context) { tc.runBasemap(ctx, src, gen, g.lv, x, y) })
			}
		})
	}
	tc.fetch.end()

	// Vector tiles, then labels.
	tc.render.begin()
	if len(tc.sc.layers) > 0 && !tc.closed {
		ver := tc.version
		g.lv.tiles(ring, func(x, y int) {
			tr := g.lv.tileRect(x, y)
			k := tileKey{g.lv, int32(x), int32(y)}
			jk := jobKey{vectorJob, g.lv, int32(x), int32(y)}
			visible := !tr.intersect(fr).empty()
			t, ok := tc.vec.get(k)
			fresh := ok && t.version == ver && !t.stale
			if visible {
				if ok {
					if t.img != nil {
						tc.ops = append(tc.ops, drawOp{img: t.img, at: image.Pt(tr.x0-g.origin.X, tr.y0-g.origin.Y), clip: tr.rectIn(g)})
					}
				} else {
					tc.fallback(g, tr, vectorJob)
				}
			}
			if fresh {
				return
			}
			if visible {
				complete, vectors = false, false
				tc.visible[jk] = true
			}
			p := prio(tr)
			if !visible {
				p += prefetchPriority
			}
			if !tc.render.want(jk, p) {
				tc.render.add(jk, p, func(ctx context.Context) { tc.runVector(ctx, k) })
			}
		})
		if !tc.planLabels(g, fr) {
			complete, vectors = false, false
		}
	}
	tc.render.end()
	return complete, vectors
}

// planLabels draws the current label layout and asks for a new one when it
// does not cover the frame at its level. tc.mu is held.
func (tc *TileCache) planLabels(g frameGeom, fr pixRect) bool {
	zoom := g.lv.zoom() - math.Log2(tc.sc.scale)
	need := false
	for _, l := range tc.sc.layers {
		if lab := l.style.Label; lab != nil && zoom >= lab.MinZoom && (lab.MaxZoom == 0 || zoom < lab.MaxZoom) {
			need = true
		}
	}
	lay := tc.labels
	if lay != nil && need {
		tc.ops = append(tc.ops, drawOp{labels: lay, lorigin: g.origin, f: math.Exp2(g.lv.zoom() - lay.lv.zoom())})
	}
	if !need {
		return true
	}
	if lay != nil && lay.lv == g.lv && tc.labelsVer == tc.version && tc.labelsOK && lay.region.contains(fr) {
		return true
	}
	jk := jobKey{kind: labelJob, lv: g.lv}
	tc.visible[jk] = true
	// Lay out half a view more on every side, so that a pan does not need
	// a new layout at once.
	m := max(fr.dx(), fr.dy()) / 2
	region := pixRect{fr.x0 - m, fr.y0 - m, fr.x1 + m, fr.y1 + m}
	if !tc.render.want(jk, 1e9) {
		tc.render.add(jk, 1e9, func(ctx context.Context) { tc.runLabels(ctx, g.lv, region) })
	}
	return false
}

// rectIn returns the tile's rectangle in the frame's pixels.
func (r pixRect) rectIn(g frameGeom) image.Rectangle {
	return image.Rect(r.x0-g.origin.X, r.y0-g.origin.Y, r.x1-g.origin.X, r.y1-g.origin.Y)
}

// touchLevel puts lv first among the recently shown levels. tc.mu is held.
func (tc *TileCache) touchLevel(lv level) {
	for i, l := range tc.levels {
		if l == lv {
			copy(tc.levels[1:i+1], tc.levels[:i])
			tc.levels[0] = lv
			return
		}
	}
	if len(tc.levels) < 8 {
		tc.levels = append(tc.levels, 0)
	}
	copy(tc.levels[1:], tc.levels)
	tc.levels[0] = lv
}

// fallback fills a missing tile (world rectangle tr at g.lv) with the
// tiles of the nearest other level that has any there, scaled. tc.mu is
// held.
func (tc *TileCache) fallback(g frameGeom, tr pixRect, kind jobKind) {
	clip := tr.rectIn(g)
	var best []drawOp
	bestDist, bestFull := math.Inf(1), false
	for _, lv := range tc.levels {
		if lv == g.lv {
			continue
		}
		f := math.Exp2(g.lv.zoom() - lv.zoom())
		if f > 16 || f < 1.0/16 {
			continue
		}
		// The same world rectangle at lv.
		src := pixRect{int(math.Floor(float64(tr.x0) / f)), int(math.Floor(float64(tr.y0) / f)),
			int(math.Ceil(float64(tr.x1) / f)), int(math.Ceil(float64(tr.y1) / f))}
		var ops []drawOp
		full := true
		lv.tiles(src, func(x, y int) {
			k := tileKey{lv, int32(x), int32(y)}
			var img *image.RGBA
			found := false
			switch kind {
			case vectorJob:
				if t, ok := tc.vec.peek(k); ok {
					img, found = t.img, true
				}
			case basemapJob:
				if t, ok := tc.base.peek(k); ok && t.gen == tc.srcGen {
					img, found = t.img, true
				}
			}
			if !found {
				full = false
				return
			}
			if img != nil {
				r := lv.tileRect(x, y)
				ops = append(ops, drawOp{img: img, clip: clip, scaled: true, f: f,
					tx: float64(r.x0)*f - float64(g.origin.X), ty: float64(r.y0)*f - float64(g.origin.Y)})
			}
		})
		d := math.Abs(math.Log2(f))
		if (full && !bestFull) || (full == bestFull && len(ops) > 0 && d < bestDist) {
			best, bestDist, bestFull = ops, d, full
		}
		if full {
			break
		}
	}
	tc.ops = append(tc.ops, best...)
}

// runVector draws a vector tile of the scene as it is when the job
// starts: a change made while it waited in the queue is not missed.
func (tc *TileCache) runVector(ctx context.Context, k tileKey) {
	tc.mu.Lock()
	sc, ver := tc.sc, tc.version
	tc.mu.Unlock()
	img, err := tc.r.drawRect(ctx, sc, k.lv, k.lv.tileRect(int(k.x), int(k.y)))
	tc.mu.Lock()
	if ctx.Err() != nil {
		tc.mu.Unlock()
		return
	}
	if err != nil {
		tc.err = err
		tc.mu.Unlock()
		return
	}
	cost := int64(256)
	if img != nil {
		cost += int64(len(img.Pix))
	}
	tc.vec.put(k, &vecTile{img: img, version: ver}, cost)
	fn := tc.arrived(jobKey{vectorJob, k.lv, k.x, k.y})
	tc.mu.Unlock()
	if fn != nil {
		fn()
	}
}

func (tc *TileCache) runLabels(ctx context.Context, lv level, region pixRect) {
	tc.mu.Lock()
	sc, ver, prev := tc.sc, tc.version, tc.labels
	tc.mu.Unlock()
	lay, err := tc.r.layoutLabels(ctx, sc, lv, region, prev)
	tc.mu.Lock()
	if ctx.Err() != nil {
		tc.mu.Unlock()
		return
	}
	if err != nil {
		tc.err = err
		tc.mu.Unlock()
		return
	}
	tc.labels, tc.labelsVer, tc.labelsOK = lay, ver, true
	fn := tc.arrived(jobKey{kind: labelJob, lv: lv})
	tc.mu.Unlock()
	if fn != nil {
		fn()
	}
}
