package mapview

import (
	"context"
	"image"
	"image/draw"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// Renderer draws a workspace's layers: into tiles for a TileCache, or a
// whole view at once (Render) for an export. It is safe for concurrent use.
type Renderer struct {
	ws       *store.Workspace
	feats    *featureCache
	fonts    *fontSet
	sprites  spriteCache
	defaults map[string]*Style
	overview overviewKeeper
	// overviewBlocks keeps the overview blocks the tiles read.
	overviewBlocks blockCache
	// featuresOnly draws every zoom from the features, as a reference.
	featuresOnly bool
}

// RendererOptions tune a Renderer. The zero value is fine.
type RendererOptions struct {
	// Styles are the styles of layers drawn without one, by layer name;
	// nil means DefaultStyles(). Layers in neither get PlainStyle.
	Styles map[string]*Style
	// FeatureCacheBytes bounds the features kept decoded (64 MiB when 0).
	FeatureCacheBytes int64
}

// NewRenderer returns a renderer of ws's layers.
func NewRenderer(ws *store.Workspace, opts RendererOptions) *Renderer {
	if opts.Styles == nil {
		opts.Styles = DefaultStyles()
	}
	if opts.FeatureCacheBytes <= 0 {
		opts.FeatureCacheBytes = 64 << 20
	}
	return &Renderer{ws: ws, feats: newFeatureCache(opts.FeatureCacheBytes), fonts: newFontSet(), defaults: opts.Styles}
}

// Workspace returns the workspace the renderer draws.
func (r *Renderer) Workspace() *store.Workspace { return r.ws }

// StyleOf returns the style a layer is drawn with: l's own, else the
// renderer's default for its name, else PlainStyle; nil when l has no
// style and the workspace lacks the layer.
func (r *Renderer) StyleOf(l Layer) *Style {
	if l.Style != nil {
		return l.Style
	}
	wl, err := r.ws.Layer(l.Name)
	if err != nil {
		return nil
	}
	return r.defaultStyle(wl.Schema)
}

func (r *Renderer) defaultStyle(l schema.Layer) *Style {
	if s, ok := r.defaults[l.Name]; ok && s != nil {
		return s
	}
	if s, ok := r.defaults[strings.ToLower(l.Name)]; ok && s != nil {
		return s
	}
	return PlainStyle(l)
}

// frameGeom places a viewport on the pixel grid of its level.
type frameGeom struct {
	lv     level
	size   image.Point // device pixels
	origin image.Point // world pixel (at lv) of the top-left corner
}

func geometryOf(vp Viewport) frameGeom {
	vp = vp.Sane()
	lv := levelOf(vp.DeviceZoom())
	size := vp.DeviceSize()
	c := toWorld(vp.Center)
	w := lv.worldPixels()
	return frameGeom{lv: lv, size: size, origin: image.Pt(
		int(math.Round(c[0]*w-float64(size.X)/2)),
		int(math.Round(c[1]*w-float64(size.Y)/2)))}
}

func (g frameGeom) rect() pixRect {
	return pixRect{g.origin.X, g.origin.Y, g.origin.X + g.size.X, g.origin.Y + g.size.Y}
}

// tiles calls fn for each tile of the level's grid that meets r.
func (lv level) tiles(r pixRect, fn func(x, y int)) {
	if r.empty() {
		return
	}
	n := 1 << lv.tileZoom()
	x0, x1 := max(0, lv.tileAt(r.x0)), min(n-1, lv.tileAt(r.x1-1))
	y0, y1 := max(0, lv.tileAt(r.y0)), min(n-1, lv.tileAt(r.y1-1))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			fn(x, y)
		}
	}
}

// Render draws the layers as vp shows them, labels and the selection
// highlight included, into a new image of vp.DeviceSize(), transparent
// where nothing is drawn. It reads the workspace on the calling goroutine:
// the map on screen uses a TileCache instead.
func (r *Renderer) Render(ctx context.Context, vp Viewport, layers []Layer, sel []FeatureRef) (*image.RGBA, error) {
	sc := r.newScene(layers, sel, vp.DeviceScale())
	g := geometryOf(vp)
	out := image.NewRGBA(image.Rectangle{Max: g.size})
	fr := g.rect()
	var err error
	g.lv.tiles(fr, func(x, y int) {
		if err != nil {
			return
		}
		tr := g.lv.tileRect(x, y)
		var img *image.RGBA
		if img, err = r.drawRect(ctx, sc, g.lv, tr); err != nil || img == nil {
			return
		}
		at := image.Pt(tr.x0-g.origin.X, tr.y0-g.origin.Y)
		draw.Draw(out, img.Bounds().Add(at), img, image.Point{}, draw.Over)
	})
	if err != nil {
		return nil, err
	}
	lay, err := r.layoutLabels(ctx, sc, g.lv, fr, nil)
	if err != nil {
		return nil, err
	}
	lay.draw(out, g.origin, 1)
	return out, nil
}

// drawRect draws the scene's features (not their labels) that meet the
// world-pixel rectangle rect at level lv into a new image of rect's size;
// nil when nothing shows there.
func (r *Renderer) drawRect(ctx context.Context, sc *scene, lv level, rect pixRect) (*image.RGBA, error) {
	j := &drawJob{r: r, sc: sc, lv: lv, rect: rect, wpx: lv.worldPixels(),
		zoom: lv.zoom() - math.Log2(sc.scale), sprites: sprites{}}
	defer j.release()
	for i := range sc.layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := j.layer(ctx, &sc.layers[i]); err != nil {
			return nil, err
		}
	}
	j.highlight()
	return j.img, nil
}

// searchBound returns the longitude/latitude box to look features up in:
// the rectangle grown by margin pixels.
func (lv level) searchBound(rect pixRect, margin float64) ([2]float32, [2]float32) {
	m := int(math.Ceil(margin))
	b := lonLatBound(pixRect{rect.x0 - m, rect.y0 - m, rect.x1 + m, rect.y1 + m}.worldBound(lv))
	return [2]float32{float32(b.Min[0]), float32(b.Min[1])}, [2]float32{float32(b.Max[0]), float32(b.Max[1])}
}

// withinPixel reports whether a longitude/latitude box is less than a
// pixel wide and high at lv: its height, dearer to find, only when its
// width is.
func (lv level) withinPixel(min, max [2]float32) bool {
	s := lv.worldPixels()
	if (worldX(float64(max[0]))-worldX(float64(min[0])))*s >= 1 {
		return false
	}
	a := toWorld(orb.Point{float64(min[0]), float64(max[1])})
	b := toWorld(orb.Point{float64(max[0]), float64(min[1])})
	return (b[1]-a[1])*s < 1
}
