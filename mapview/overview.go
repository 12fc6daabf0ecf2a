package mapview

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// overviewBelow is the device zoom from which the map draws the features
// themselves: below it, a layer is drawn from the workspace's overview
// (store.ReadOverview), its features generalized for the zoom, when the
// overview is there, grouped by the fields the style reads, and clean.
const overviewBelow = store.OverviewMaxLevel + 0.5

// overviewLevel returns the overview level drawn at a device zoom; ok is
// false at the zooms where the features are drawn.
func overviewLevel(zoom float64) (int, bool) {
	if zoom >= overviewBelow {
		return 0, false
	}
	return max(store.OverviewMinLevel, min(store.OverviewMaxLevel, int(math.Floor(zoom+0.5)))), true
}

// ruleFields returns the fields of the layer that the style's rules read,
// sorted: what its overview must be grouped by to draw each feature in its
// colour. (The label's field is not: labels are read from the features.)
func ruleFields(s *Style, sch schema.Layer) []string {
	var out []string
	for _, r := range s.Rules {
		if _, ok := sch.Field(r.Field); ok && !slices.Contains(out, r.Field) {
			out = append(out, r.Field)
		}
	}
	slices.Sort(out)
	return out
}

// overviewKeeper registers the layers the map draws for an overview and
// rebuilds the dirty blocks, in the background, one job at a time. Only
// the map on screen (a TileCache) turns it on: an export draws what is
// there.
type overviewKeeper struct {
	mu      sync.Mutex
	on      bool
	running bool
	want    map[string][]string // layer → fields to register
	dirty   bool
}

// maintain turns the background upkeep on.
func (k *overviewKeeper) maintain() {
	k.mu.Lock()
	k.on = true
	k.mu.Unlock()
}

// ask notes a layer whose overview lacks fields, or (layer "") dirty
// blocks, and starts the upkeep if it is not running.
func (r *Renderer) askOverview(layer string, fields []string) {
	k := &r.overview
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.on {
		return
	}
	if layer == "" {
		k.dirty = true
	} else {
		if k.want == nil {
			k.want = map[string][]string{}
		}
		k.want[layer] = fields
	}
	if k.running {
		return
	}
	k.running = true
	go r.keepOverview()
}

// keepOverview registers the layers asked for, then rebuilds what is
// dirty, until nothing more is asked. Errors (a read-only workspace, a
// closed one) leave the map drawing from the features.
func (r *Renderer) keepOverview() {
	ctx := context.Background()
	k := &r.overview
	for {
		k.mu.Lock()
		want, dirty := k.want, k.dirty
		k.want, k.dirty = nil, false
		if len(want) == 0 && !dirty {
			k.running = false
			k.mu.Unlock()
			return
		}
		k.mu.Unlock()
		r.awaitQuiet()
		failed := false
		for layer, fields := range want {
			if err := r.ws.SetOverviewFields(ctx, layer, fields); err != nil {
				failed = true
			}
		}
		if err := r.ws.RefreshOverview(ctx); err != nil || failed {
			k.mu.Lock()
			k.running, k.on = false, false // no use trying again and again
			k.mu.Unlock()
			return
		}
	}
}

// BuildOverview gives each of the layers an overview grouped by the fields
// its style reads, and builds what is missing or dirty, before returning.
// The map on screen (a TileCache) does it by itself in the background;
// this is for a command, a test or a benchmark that wants it done now.
func (r *Renderer) BuildOverview(ctx context.Context, layers []Layer) error {
	return r.buildOverview(ctx, layers, false)
}

// BuildOverviewShown is BuildOverview for the layers whose style shows
// something at one of the overview's zooms at least — those the map would
// ask an overview for — leaving the others (the meters, drawn from zoom
// 16) without one to keep up: what a sync does before its workspace is
// first opened.
func (r *Renderer) BuildOverviewShown(ctx context.Context, layers []Layer) error {
	return r.buildOverview(ctx, layers, true)
}

func (r *Renderer) buildOverview(ctx context.Context, layers []Layer, shownOnly bool) error {
	sc := r.newScene(layers, nil, 1)
	for i := range sc.layers {
		l := &sc.layers[i]
		if shownOnly && !shownInOverview(sc, l) {
			continue
		}
		have, _, err := r.ws.OverviewFields(ctx, l.name)
		if err != nil {
			return err
		}
		if err := r.ws.SetOverviewFields(ctx, l.name, union(have, ruleFields(l.style, l.schema))); err != nil {
			return err
		}
	}
	return r.ws.RefreshOverview(ctx)
}

// shownInOverview reports whether the layer's style shows something at
// one of the overview's levels at least.
func shownInOverview(sc *scene, l *sceneLayer) bool {
	for lvl := store.OverviewMinLevel; lvl <= store.OverviewMaxLevel; lvl++ {
		if sc.styler(l, l.class, float64(lvl)).visibleAtAll() {
			return true
		}
	}
	return false
}

// overviewQuiet is how long no transaction must have written rows before
// the upkeep rebuilds: during a sync, each page would dirty again the
// blocks just rebuilt, and the rebuilds would hold up the pages.
const overviewQuiet = 500 * time.Millisecond

// awaitQuiet returns once no row was written for overviewQuiet.
func (r *Renderer) awaitQuiet() {
	_, mark, _ := r.ws.WrittenSince(math.MaxUint64) // the newest mark, cheaply
	for {
		time.Sleep(overviewQuiet)
		_, now, _ := r.ws.WrittenSince(math.MaxUint64)
		if now == mark {
			return
		}
		mark = now
	}
}

// overviewLayer reads the layer's features under the job's rectangle
// from the overview, as features and dots to draw; ok is false when the
// overview cannot draw them (the zoom, a filter, the overview missing,
// dirty or unreadable): the caller then reads the features.
func (j *drawJob) overviewLayer(ctx context.Context, l *sceneLayer, styler func(geomClass) *styler, bleed float64) (feats []*feature, dots []dot, ok bool, err error) {
	lvl, ok := overviewLevel(j.lv.zoom())
	if !ok || l.only != nil || j.r.featuresOnly || !styler(l.class).visibleAtAll() {
		return nil, nil, false, nil
	}
	mn, mx := j.lv.searchBound(j.rect, bleed)
	bound := orb.Bound{Min: orb.Point{float64(mn[0]), float64(mn[1])}, Max: orb.Point{float64(mx[0]), float64(mx[1])}}
	_, mark, _ := j.r.ws.WrittenSince(math.MaxUint64) // before the reads: a write after them changes it
	q := store.OverviewQuery{Layer: l.name, Level: lvl, Bound: bound, StateOnly: true}
	rd, err := j.r.ws.ReadOverview(ctx, q)
	if err != nil {
		return nil, nil, false, err
	}
	need := ruleFields(l.style, l.schema)
	if !rd.Registered || !containsAll(rd.Fields, need) {
		j.r.askOverview(l.name, union(rd.Fields, need))
		return nil, nil, false, nil
	}
	if rd.Dirty {
		j.r.askOverview("", nil)
		return nil, nil, false, nil
	}
	blocks, ok := j.r.overviewBlocks.get(mark, l.key, rd, lvl)
	if !ok {
		q.StateOnly = false
		full, err := j.r.ws.ReadOverview(ctx, q)
		if err != nil {
			return nil, nil, false, err
		}
		if full.Dirty || !slices.Equal(full.Fields, rd.Fields) {
			return nil, nil, false, nil // written meanwhile
		}
		if blocks, ok = j.r.overviewBlocks.put(mark, l.key, full, lvl); !ok {
			return nil, nil, false, nil // damaged: the features are right
		}
	}
	per := 1 / (store.LevelPixels(lvl) * store.OverviewSubpixels) // world fraction per step
	world := func(p store.OverviewPoint) orb.Point {
		return orb.Point{float64(p.X) * per, float64(p.Y) * per}
	}
	for _, groups := range blocks {
		for _, g := range groups {
			a := attrs{names: rd.Fields, vals: g.Key}
			if styler(l.class).resolve(a).hidden {
				continue
			}
			s, err := g.Shapes()
			if err != nil {
				return nil, nil, false, nil
			}
			if len(s.Lines) > 0 {
				ml := make(orb.MultiLineString, len(s.Lines))
				for i, line := range s.Lines {
					ml[i] = make(orb.LineString, len(line))
					for k, p := range line {
						ml[i][k] = world(p)
					}
				}
				feats = append(feats, &feature{class: lineClass, world: ml, bound: ml.Bound(), attrs: a})
			}
			if len(s.Polygons) > 0 {
				mp := make(orb.MultiPolygon, len(s.Polygons))
				for i, poly := range s.Polygons {
					mp[i] = make(orb.Polygon, len(poly))
					for k, ring := range poly {
						mp[i][k] = make(orb.Ring, len(ring))
						for m, p := range ring {
							mp[i][k][m] = world(p)
						}
					}
				}
				feats = append(feats, &feature{class: polygonClass, world: mp, bound: mp.Bound(), attrs: a})
			}
			if len(s.Points) > 0 {
				pts := make(orb.MultiPoint, len(s.Points))
				for i, p := range s.Points {
					pts[i] = world(p)
				}
				feats = append(feats, &feature{class: pointClass, world: pts, bound: pts.Bound(), attrs: a})
			}
			if len(s.Dots) > 0 {
				p := styler(l.class).resolve(a)
				c := dotColor(&p, l.class)
				for _, d := range s.Dots {
					px := j.px(world(d))
					dots = append(dots, dot{int(math.Floor(px[0])), int(math.Floor(px[1])), c})
				}
			}
		}
	}
	return feats, dots, true, nil
}

// blockCache keeps the decoded overview blocks the tiles read (a block
// lies under several tiles) while no row of the workspace is written.
type blockCache struct {
	mu   sync.Mutex
	mark uint64 // of the workspace's written rows, when the blocks were read
	m    map[blockID][]store.OverviewGroup
}

type blockID struct {
	layer, fields string
	level, x, y   int
}

// maxCachedBlocks bounds a blockCache: the overview of a million features
// holds a few thousand blocks a level.
const maxCachedBlocks = 16384

func blockIDs(layer string, rd store.OverviewRead, level int, fn func(blockID)) {
	fields := strings.Join(rd.Fields, "\x00")
	for y := rd.Y0; y <= rd.Y1; y++ {
		for x := rd.X0; x <= rd.X1; x++ {
			fn(blockID{layer, fields, level, x, y})
		}
	}
}

// get returns the groups of the blocks of rd's range, if every one is
// kept and nothing was written since.
func (c *blockCache) get(mark uint64, layer string, rd store.OverviewRead, level int) ([][]store.OverviewGroup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mark != mark || c.m == nil {
		return nil, false
	}
	var out [][]store.OverviewGroup
	ok := true
	blockIDs(layer, rd, level, func(id blockID) {
		g, have := c.m[id]
		ok = ok && have
		if len(g) > 0 {
			out = append(out, g)
		}
	})
	return out, ok
}

// put decodes and keeps the blocks read for rd's range (the missing ones
// are empty) and returns their groups; ok is false when one is damaged.
func (c *blockCache) put(mark uint64, layer string, rd store.OverviewRead, level int) ([][]store.OverviewGroup, bool) {
	decoded := map[[2]int][]store.OverviewGroup{}
	var out [][]store.OverviewGroup
	for _, b := range rd.Blocks {
		g, err := store.DecodeOverview(b.Data)
		if err != nil {
			return nil, false
		}
		decoded[[2]int{b.X, b.Y}] = g
		out = append(out, g)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mark != mark || c.m == nil || len(c.m) > maxCachedBlocks {
		c.mark, c.m = mark, map[blockID][]store.OverviewGroup{}
	}
	blockIDs(layer, rd, level, func(id blockID) { c.m[id] = decoded[[2]int{id.x, id.y}] })
	return out, true
}

// selectedOnly reads the layer's selected features under the job's
// rectangle, for the highlight, when the rest of the layer is drawn from
// the overview.
func (j *drawJob) selectedOnly(ctx context.Context, l *sceneLayer, styler func(geomClass) *styler, bleed float64) error {
	var cands []candidate
	for ref := range j.sc.sel {
		if ref.Layer == l.key && l.keeps(ref.FID) {
			cands = append(cands, candidate{fid: ref.FID})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(a.fid, b.fid) })
	feats, err := j.r.load(ctx, l, cands, nil)
	if err != nil {
		return err
	}
	m := math.Ceil(bleed)
	wb := pixRect{j.rect.x0 - int(m), j.rect.y0 - int(m), j.rect.x1 + int(m), j.rect.y1 + int(m)}.worldBound(j.lv)
	for _, f := range feats {
		if f != nil && f.bound.Intersects(wb) {
			j.sel = append(j.sel, selItem{f, styler(f.class).resolve(f.attrs)})
		}
	}
	return nil
}

func containsAll(have, need []string) bool {
	for _, n := range need {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
