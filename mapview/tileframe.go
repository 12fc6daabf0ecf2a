package mapview

import (
	"image"
	"slices"

	"golang.org/x/image/draw"
)

// Composing a frame of the TileCache: what is ready, drawn in the view, and
// only what changed since the last frame.

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
