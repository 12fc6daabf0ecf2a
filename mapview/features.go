package mapview

import (
	"context"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// feature is a workspace feature as the map keeps it: its geometry in
// world fractions, ready to be scaled to any zoom, and the attributes the
// styles and labels read.
type feature struct {
	fid   int64
	class geomClass
	world orb.Geometry
	bound orb.Bound // of world
	attrs attrs
	// skippedBy, when not empty, makes the entry a note that the feature
	// was not read: the code filters it names (codesKey) skipped it. Its
	// bound is then the R-tree's longitude/latitude box, for drop.
	skippedBy string
}

// attrs are some attribute values of a feature: those of the fields its
// layer's styles and labels use, read together.
type attrs struct {
	names []string // shared by the features read together
	vals  []any
}

// get returns the value of a field; nil when it has none or was not read.
func (a attrs) get(name string) any {
	for i, n := range a.names {
		if n == name {
			return a.vals[i]
		}
	}
	return nil
}

// has reports whether every field was read.
func (a attrs) has(names []string) bool {
	for _, name := range names {
		if !slices.Contains(a.names, name) {
			return false
		}
	}
	return true
}

type featKey struct {
	layer string // lower-cased
	fid   int64
}

// featureCache keeps recently drawn features, bounded in bytes, so that
// tiles, labels and hit tests do not read and decode them again.
type featureCache struct {
	mu  sync.Mutex
	lru *lru[featKey, *feature]
	// epoch counts the drops: features read before a drop may be out of
	// date and are not kept.
	epoch uint64
}

func newFeatureCache(maxBytes int64) *featureCache {
	return &featureCache{lru: newLRU[featKey, *feature](maxBytes)}
}

// drop forgets the layer's features whose geometry meets a bound, given in
// world fractions (wb) and longitude/latitude (ll); layerKey "" stands for
// every layer (a sync: what changed is not known layer by layer).
func (fc *featureCache) drop(layerKey string, wb, ll orb.Bound) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.epoch++
	if layerKey == "" && ll.Min[0] <= -180 && ll.Min[1] <= -90 && ll.Max[0] >= 180 && ll.Max[1] >= 90 {
		fc.lru.clear() // everything, at once
		return
	}
	var gone []featKey
	fc.lru.each(func(k featKey, f *feature) bool {
		if (layerKey == "" || k.layer == layerKey) && ((f.skippedBy == "" && f.bound.Intersects(wb)) || (f.skippedBy != "" && f.bound.Intersects(ll))) {
			gone = append(gone, k)
		}
		return true
	})
	for _, k := range gone {
		fc.lru.remove(k)
	}
}

// cached returns the feature if it is cached (read, not skipped).
func (fc *featureCache) cached(layerKey string, fid int64) (*feature, bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	f, ok := fc.lru.get(featKey{layerKey, fid})
	return f, ok && f.skippedBy == ""
}

// candidate is a feature the R-tree found: its fid and bounding box
// (longitude/latitude, float32 as the tree stores it).
type candidate struct {
	fid      int64
	min, max [2]float32
}

// load returns the features of the candidates, in order, with the layer's
// fields. Features the filters skip, and those deleted since the tree was
// copied, come back nil. Those missing from the cache are read in one
// query, their geometry only once projected.
func (r *Renderer) load(ctx context.Context, l *sceneLayer, cands []candidate, codes []store.CodeFilter) ([]*feature, error) {
	out := make([]*feature, len(cands))
	var miss []int64
	var at map[int64]int // fid → index in cands, of the missing ones
	skip := codesKey(codes)
	r.feats.mu.Lock()
	epoch := r.feats.epoch
	for i, c := range cands {
		if f, ok := r.feats.lru.get(featKey{l.key, c.fid}); ok {
			if f.skippedBy == "" && f.attrs.has(l.fields) {
				out[i] = f
				continue
			}
			if f.skippedBy != "" && f.skippedBy == skip {
				continue // the same filters skip it again
			}
		}
		if at == nil {
			at = make(map[int64]int, len(cands)-i)
		}
		miss = append(miss, c.fid)
		at[c.fid] = i
	}
	r.feats.mu.Unlock()
	if len(miss) == 0 {
		return out, nil
	}
	loaded := make([]*feature, 0, len(miss))
	q := store.FIDQuery{Layer: l.name, FIDs: miss, Fields: l.fields, Codes: codes}
	err := r.ws.EachByFID(ctx, q, func(row store.Row) bool {
		i, ok := at[row.FID]
		if !ok {
			return true
		}
		if f := newFeature(row, l.fields); f != nil {
			out[i] = f
			loaded = append(loaded, f)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	r.feats.mu.Lock()
	if r.feats.epoch == epoch {
		for _, f := range loaded {
			r.feats.lru.put(featKey{l.key, f.fid}, f, f.cost())
		}
		if skip != "" {
			// What the filters skipped is noted, so that the next tiles and
			// zooms with the same filters do not ask again.
			for fid, i := range at {
				if out[i] == nil {
					c := cands[i]
					b := orb.Bound{Min: orb.Point{float64(c.min[0]), float64(c.min[1])}, Max: orb.Point{float64(c.max[0]), float64(c.max[1])}}
					r.feats.lru.put(featKey{l.key, fid}, &feature{fid: fid, bound: b, skippedBy: skip}, skippedCost)
				}
			}
		}
	}
	r.feats.mu.Unlock()
	return out, nil
}

// codesKey writes code filters as a string, equal for equal filters; ""
// for none.
func codesKey(codes []store.CodeFilter) string {
	var b strings.Builder
	for _, c := range codes {
		b.WriteString(c.Field)
		if c.Drop {
			b.WriteString("\x00drop")
		}
		for _, code := range c.Codes {
			b.WriteByte(0)
			b.WriteString(code)
		}
		b.WriteByte(1)
	}
	return b.String()
}

// newFeature makes a feature of a row, its geometry projected in place.
func newFeature(row store.Row, fields []string) *feature {
	if row.Geometry == nil {
		return nil
	}
	c, ok := classOf(row.Geometry)
	if !ok {
		return nil
	}
	w := toWorldInPlace(row.Geometry)
	if w == nil {
		return nil
	}
	return &feature{fid: row.FID, class: c, world: w, bound: w.Bound(), attrs: attrs{names: fields, vals: row.Values}}
}

// Bytes a cached feature holds besides its attribute values and geometry:
// the feature itself, its LRU entry and its slot in the LRU's map (key,
// pointer and control byte in a Swiss table, whose tables are filled
// between 7/16 and 7/8: two thirds on average).
var (
	featureBytes  = int64(unsafe.Sizeof(feature{}))
	lruEntryBytes = int64(unsafe.Sizeof(lruItem[featKey, *feature]{}))
	lruSlotBytes  = int64((unsafe.Sizeof(featKey{}) + unsafe.Sizeof(uintptr(0)) + 1) * 3 / 2)
)

// skippedCost is what a note of a skipped feature holds: a feature with
// only its fid and box, and its LRU entry.
var skippedCost = featureBytes + lruEntryBytes + lruSlotBytes

// cost counts the bytes a cached feature holds on the heap, as the
// allocator hands them out (TestFeatureCostIsTheHeapItHolds measures it):
// the LRU counted only the values and points once held half again as much
// as its bound.
func (f *feature) cost() int64 {
	n := skippedCost + 16*int64(cap(f.attrs.vals))
	for _, v := range f.attrs.vals {
		switch v := v.(type) {
		case string:
			n += 16 + allocSize(len(v))
		case int64:
			if v < 0 || v > 255 { // Go boxes the small ones without allocating
				n += 8
			}
		case float64:
			n += 8
		case []byte:
			n += 24 + allocSize(cap(v))
		}
	}
	if f.world == nil {
		return n
	}
	if _, ok := f.world.(orb.Point); ok {
		return n + 16
	}
	n += 24 // the slice header boxed in the interface
	switch g := f.world.(type) {
	case orb.MultiLineString:
		n += allocSize(24 * cap(g))
	case orb.Polygon:
		n += allocSize(24 * cap(g))
	case orb.MultiPolygon:
		n += allocSize(24 * cap(g))
		for _, p := range g {
			n += allocSize(24 * cap(p))
		}
	}
	EachPath(f.world, func(_ int, pts []orb.Point, _ PathKind) { n += allocSize(16 * cap(pts)) })
	return n
}

// allocSize is about what the Go allocator hands out for n bytes: rounded
// up to its size classes, which are at most 1/8 apart above 128 bytes.
func allocSize(n int) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 16:
		return int64((n + 7) &^ 7)
	case n <= 128:
		return int64((n + 15) &^ 15)
	}
	return int64(n) + int64(n)/16
}
