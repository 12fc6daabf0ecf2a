// Package basemap draws the platform's own basemap: 256-pixel XYZ tiles
// of the platform's reference layers, drawn by the map engine, so that the
// desktop (mapview/tiles.Platform) has a basemap without the Internet.
// The platform's HTTP API (package server) answers the tiles' route with
// it; keeping the drawing here keeps the map engine out of the API.
//
// Tiles are drawn four by four (a metatile, with a margin so that labels
// near an edge are drawn whole on both sides), kept in a bounded LRU, and
// forgotten when the platform's data change: the cache's generation is
// the end of the change feed, which every push, OGC write and import moves.
package basemap

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"golang.org/x/sync/singleflight"

	"terrimap/mapview"
	"terrimap/store"
)

// Source is where the basemap is drawn from: a store workspace, and the
// end of the platform's change feed (server.SQLiteStorage is one).
type Source interface {
	Workspace() *store.Workspace
	FeedEnd(ctx context.Context) (int64, error)
}

// ErrNoTile is returned for a tile that cannot exist.
var ErrNoTile = errors.New("basemap: no such tile")

// MaxZoom is the deepest zoom drawn.
const MaxZoom = maxTileZoom

// MetaTiles is the side, in tiles, of the metatiles drawn at once: the
// MetaTiles² tiles of one are drawn by one request.
const MetaTiles = metaTiles

// Ground is the colour of the basemap where nothing is drawn.
func Ground() mapview.Color { return mapview.Color{R: 0xf4, G: 0xf2, B: 0xee, A: 0xff} }

// Limits of the basemap.
const (
	tileSize       = 256
	maxTileZoom    = 20
	metaTiles      = 4  // a metatile is metaTiles × metaTiles tiles
	metaMargin     = 96 // pixels drawn around a metatile for labels
	tileCacheBytes = 64 << 20
	// tileRenders bounds the metatiles drawn at once: drawing is CPU work.
	tileRenders = 2
)

// basemapStyle is a style of the basemap: the layers drawn, bottom first,
// over a ground colour.
type basemapStyle struct {
	name   string
	ground mapview.Color
	layers []mapview.Layer
}

// The styles' layers, as JSON styles of the map engine: quiet colours, so
// that the desktop's own layers stand out over them.
var (
	planLayers = []struct{ layer, style string }{
		{"zone_inondable", `{"fill":"#d3e7ef","stroke":"#b3d3df","width":0.6,"rules":[{"field":"alea","values":{
			"faible":{"fill":"#dfedf2"},"moyen":{"fill":"#cde3ec"},"fort":{"fill":"#b9d8e4"}}}]}`},
		// The platform's streets (a "voies" layer), when it has them: the
		// plan a secretary finds her way by, offline; a grey casing, then
		// the street in white.
		{"voies", `{"stroke":"#cdc5b8","width":{"stops":[[12,1.4],[15,5],[18,11.5]]},"minzoom":12,
			"rules":[{"field":"type_voie","values":{"route":{"stroke":"#d9b98a","width":{"stops":[[12,2],[15,6],[18,13.5]]}}}}]}`},
		{"voies", `{"stroke":"#ffffff","width":{"stops":[[12,0.8],[15,3.5],[18,9]]},"minzoom":12,
			"rules":[{"field":"type_voie","values":{"route":{"stroke":"#fbf3dc","width":{"stops":[[12,1.4],[15,4.5],[18,11]]}}}}],
			"label":{"field":"nom","size":10,"color":"#6e675c","minzoom":16,"priority":2}}`},
		{"batiment", `{"fill":"#ddd5cd","stroke":"#bdb1a6","width":0.5,"minzoom":14}`},
		{"canalass", `{"stroke":"#c9b4a3","width":{"stops":[[15,0.5],[18,1.4]]},"minzoom":15}`},
		{"canalaep", `{"stroke":"#a6bccd","width":{"stops":[[15,0.5],[18,1.4]]},"minzoom":15}`},
		{"communes", `{"stroke":"#8c8c8c","width":{"stops":[[8,0.6],[12,1.1],[16,1.8]]},"dash":[8,3,2,3],"fill":"#00000000",
			"label":{"field":"nom_officiel","size":12,"bold":true,"color":"#5a5a5a","minzoom":10,"priority":8}}`},
	}
	// reseaux draws the networks in their usual colours over the plan.
	reseauxLayers = []string{"canalass", "canalaep", "ouvrass", "ouvraep", "pei"}
)

// basemapStyles returns the basemap's styles by name: "plan" (communes
// with their names, flood zones, streets, buildings and, close up, the
// pipes in light tones) and "reseaux" (the plan with the networks as the desktop
// draws them).
func basemapStyles() map[string]basemapStyle {
	ground := Ground()
	plan := basemapStyle{name: "plan", ground: ground}
	for _, l := range planLayers {
		st, err := mapview.ParseStyle([]byte(l.style))
		if err != nil {
			panic(fmt.Sprintf("basemap style of %s: %v", l.layer, err)) // constants, checked by the tests
		}
		plan.layers = append(plan.layers, mapview.Layer{Name: l.layer, Style: st})
	}
	res := basemapStyle{name: "reseaux", ground: ground}
	defaults := mapview.DefaultStyles()
	for _, l := range plan.layers {
		if l.Name == "communes" {
			for _, n := range reseauxLayers {
				res.layers = append(res.layers, mapview.Layer{Name: n, Style: defaults[n]})
			}
		}
		if l.Name != "canalass" && l.Name != "canalaep" {
			res.layers = append(res.layers, l)
		}
	}
	return map[string]basemapStyle{plan.name: plan, res.name: res}
}

// DrawnLayers names the platform layers the basemap's styles draw, sorted:
// a copy of the platform kept for drawing (package mirror) needs only
// these.
func DrawnLayers() []string {
	var out []string
	for _, st := range basemapStyles() {
		for _, l := range st.layers {
			if !slices.Contains(out, l.Name) {
				out = append(out, l.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Tiles draws and keeps the basemap's tiles. It is safe for concurrent use.
type Tiles struct {
	src    Source
	styles map[string]basemapStyle
	sem    chan struct{}
	flight singleflight.Group

	mu       sync.Mutex
	cache    *tileLRU
	gen      int64
	renderer *mapview.Renderer
	rGen     int64
}

// New returns the basemap of src.
func New(src Source) *Tiles {
	return &Tiles{src: src, styles: basemapStyles(), sem: make(chan struct{}, tileRenders), cache: newTileLRU(tileCacheBytes)}
}

// HasStyle reports whether name is a style of the basemap ("plan" or
// "reseaux").
func (ts *Tiles) HasStyle(name string) bool {
	_, ok := ts.styles[name]
	return ok
}

// Generation returns the generation of the data drawn: tiles drawn at
// another generation are out of date.
func (ts *Tiles) Generation(ctx context.Context) (int64, error) { return ts.src.FeedEnd(ctx) }

// Tile returns the PNG of tile z/x/y of style at generation gen: from the
// cache, or drawn with its metatile.
func (ts *Tiles) Tile(ctx context.Context, styleName string, z, x, y int, gen int64) ([]byte, error) {
	style, ok := ts.styles[styleName]
	if !ok || z < 0 || z > maxTileZoom || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, ErrNoTile
	}
	return ts.tile(ctx, ts.src.Workspace(), style, tileKey{style: styleName, z: z, x: x, y: y}, gen)
}

type tileKey struct {
	style   string
	z, x, y int
}

// tile returns the PNG of tile k at generation gen: from the cache, or
// drawn with its metatile.
func (ts *Tiles) tile(ctx context.Context, ws *store.Workspace, style basemapStyle, k tileKey, gen int64) ([]byte, error) {
	ts.mu.Lock()
	if gen != ts.gen {
		// The data changed: what was drawn before is out of date.
		ts.gen = gen
		ts.cache.clear()
	}
	if data, ok := ts.cache.get(k); ok {
		ts.mu.Unlock()
		return data, nil
	}
	ts.mu.Unlock()
	meta := min(metaTiles, 1<<k.z)
	mx, my := k.x/meta*meta, k.y/meta*meta
	flightKey := fmt.Sprintf("%s/%d/%d/%d/%d", style.name, k.z, mx, my, gen)
	v, err, _ := ts.flight.Do(flightKey, func() (any, error) {
		return ts.drawMeta(context.WithoutCancel(ctx), ws, style, k.z, mx, my, meta, gen)
	})
	if err != nil {
		return nil, err
	}
	tiles := v.(map[tileKey][]byte)
	return tiles[k], nil
}

// rendererFor returns a renderer whose decoded features are those of
// generation gen.
func (ts *Tiles) rendererFor(ws *store.Workspace, gen int64) *mapview.Renderer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.renderer == nil || ts.rGen != gen {
		ts.renderer = mapview.NewRenderer(ws, mapview.RendererOptions{FeatureCacheBytes: 32 << 20})
		ts.rGen = gen
	}
	return ts.renderer
}

// drawMeta draws the meta×meta tiles from (mx, my) at zoom z, stores them
// in the cache and returns them.
func (ts *Tiles) drawMeta(ctx context.Context, ws *store.Workspace, style basemapStyle, z, mx, my, meta int, gen int64) (map[tileKey][]byte, error) {
	ts.sem <- struct{}{}
	defer func() { <-ts.sem }()

	side := meta * tileSize
	margin := metaMargin
	if meta < metaTiles {
		margin = 0 // the whole world fits: nothing lies beyond
	}
	world := float64(tileSize) * math.Exp2(float64(z))
	// The metatile's centre, as a longitude/latitude.
	cx := (float64(mx*tileSize) + float64(side)/2) / world
	cy := (float64(my*tileSize) + float64(side)/2) / world
	half := orb.EarthRadius * math.Pi
	centre := project.Mercator.ToWGS84(orb.Point{cx*2*half - half, half - cy*2*half})
	vp := mapview.Viewport{Center: centre, Zoom: float64(z), Width: side + 2*margin, Height: side + 2*margin, Scale: 1}

	out := image.NewRGBA(image.Rect(0, 0, vp.Width, vp.Height))
	draw.Draw(out, out.Bounds(), image.NewUniform(style.ground), image.Point{}, draw.Src)
	if shows(ws, style, vp.Bound()) {
		img, err := ts.rendererFor(ws, gen).Render(ctx, vp, style.layers, nil)
		if err != nil {
			return nil, fmt.Errorf("basemap: %s %d/%d/%d: %w", style.name, z, mx, my, err)
		}
		draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Over)
	}
	tiles := make(map[tileKey][]byte, meta*meta)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	for dy := 0; dy < meta; dy++ {
		for dx := 0; dx < meta; dx++ {
			r := image.Rect(margin+dx*tileSize, margin+dy*tileSize, margin+(dx+1)*tileSize, margin+(dy+1)*tileSize)
			t := image.NewRGBA(image.Rect(0, 0, tileSize, tileSize))
			draw.Draw(t, t.Bounds(), out, r.Min, draw.Src)
			var buf bytes.Buffer
			if err := enc.Encode(&buf, t); err != nil {
				return nil, fmt.Errorf("basemap: %w", err)
			}
			tiles[tileKey{style.name, z, mx + dx, my + dy}] = buf.Bytes()
		}
	}
	ts.mu.Lock()
	if ts.gen == gen {
		for k, data := range tiles {
			ts.cache.put(k, data)
		}
	}
	ts.mu.Unlock()
	return tiles, nil
}

// shows reports whether any layer of the style has features in b.
func shows(ws *store.Workspace, style basemapStyle, b orb.Bound) bool {
	for _, l := range style.layers {
		if lb, ok := ws.Index().Bound(l.Name); ok && lb.Intersects(b) {
			return true
		}
	}
	return false
}

// tileLRU keeps encoded tiles, the least recently used dropped first once
// they weigh more than max bytes. It is not safe for concurrent use.
type tileLRU struct {
	max, size int
	order     *list.List // of *tileEntry, most recent first
	byKey     map[tileKey]*list.Element
}

type tileEntry struct {
	key  tileKey
	data []byte
}

func newTileLRU(max int) *tileLRU {
	return &tileLRU{max: max, order: list.New(), byKey: map[tileKey]*list.Element{}}
}

func (c *tileLRU) get(k tileKey) ([]byte, bool) {
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*tileEntry).data, true
}

func (c *tileLRU) put(k tileKey, data []byte) {
	if e, ok := c.byKey[k]; ok {
		c.size -= len(e.Value.(*tileEntry).data)
		c.order.Remove(e)
	}
	c.byKey[k] = c.order.PushFront(&tileEntry{key: k, data: data})
	c.size += len(data)
	for c.size > c.max && c.order.Len() > 1 {
		last := c.order.Back()
		te := last.Value.(*tileEntry)
		c.order.Remove(last)
		delete(c.byKey, te.key)
		c.size -= len(te.data)
	}
}

func (c *tileLRU) clear() {
	c.order.Init()
	c.byKey = map[tileKey]*list.Element{}
	c.size = 0
}
