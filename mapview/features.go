package mapview

import (
	"context"
	"errors"
	"sync"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// feature is a workspace feature as the map keeps it: its geometry in
// world fractions, ready to be scaled to any zoom, and its attributes.
type feature struct {
	fid   int64
	class geomClass
	world orb.Geometry
	bound orb.Bound // of world
	props map[string]any
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

// drop forgets the layer's features whose geometry meets the world bound.
func (fc *featureCache) drop(layerKey string, wb orb.Bound) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.epoch++
	var gone []featKey
	fc.lru.each(func(k featKey, f *feature) bool {
		if k.layer == layerKey && f.bound.Intersects(wb) {
			gone = append(gone, k)
		}
		return true
	})
	for _, k := range gone {
		fc.lru.remove(k)
	}
}

// cached returns the feature if it is cached.
func (fc *featureCache) cached(layerKey string, fid int64) (*feature, bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.lru.get(featKey{layerKey, fid})
}

// candidate is a feature the R-tree found: its fid and bounding box
// (longitude/latitude, float32 as the tree stores it).
type candidate struct {
	fid      int64
	min, max [2]float32
}

// fetchOneByOne is the number of missing features up to which they are
// read one query each rather than by one query over their bound.
const fetchOneByOne = 16

// load returns the features of the candidates, in order; a feature deleted
// since the tree was copied comes back nil.
func (r *Renderer) load(ctx context.Context, l *sceneLayer, cands []candidate) ([]*feature, error) {
	out := make([]*feature, len(cands))
	var miss []int // indexes into cands
	r.feats.mu.Lock()
	epoch := r.feats.epoch
	for i, c := range cands {
		if f, ok := r.feats.lru.get(featKey{l.key, c.fid}); ok {
			out[i] = f
		} else {
			miss = append(miss, i)
		}
	}
	r.feats.mu.Unlock()
	if len(miss) == 0 {
		return out, nil
	}
	loaded := make([]*feature, 0, len(miss))
	if len(miss) <= fetchOneByOne {
		for _, i := range miss {
			sf, err := r.ws.GetByFID(ctx, l.name, cands[i].fid)
			if errors.Is(err, store.ErrFeatureNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if f := newFeature(sf); f != nil {
				out[i] = f
				loaded = append(loaded, f)
			}
		}
	} else {
		want := make(map[int64]int, len(miss))
		b := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
		for _, i := range miss {
			c := cands[i]
			want[c.fid] = i
			b = b.Extend(orb.Point{float64(c.min[0]), float64(c.min[1])}).Extend(orb.Point{float64(c.max[0]), float64(c.max[1])})
		}
		n := 0
		err := r.ws.Each(ctx, store.Query{Layer: l.name, Bound: &b}, func(sf store.Feature) bool {
			if n++; n%256 == 0 && ctx.Err() != nil {
				return false
			}
			i, ok := want[sf.FID]
			if !ok {
				return true
			}
			if f := newFeature(sf); f != nil {
				out[i] = f
				loaded = append(loaded, f)
			}
			return true
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
	}
	r.feats.mu.Lock()
	if r.feats.epoch == epoch {
		for _, f := range loaded {
			r.feats.lru.put(featKey{l.key, f.fid}, f, f.cost())
		}
	}
	r.feats.mu.Unlock()
	return out, nil
}

func newFeature(sf store.Feature) *feature {
	if sf.Geometry == nil {
		return nil
	}
	c, ok := classOf(sf.Geometry)
	if !ok {
		return nil
	}
	w := worldGeometry(sf.Geometry)
	if w == nil {
		return nil
	}
	return &feature{fid: sf.FID, class: c, world: w, bound: w.Bound(), props: sf.Properties}
}

// cost estimates the bytes a feature holds.
func (f *feature) cost() int64 {
	n := int64(160 + 48*len(f.props))
	for _, v := range f.props {
		if s, ok := v.(string); ok {
			n += int64(len(s))
		}
	}
	switch g := f.world.(type) {
	case orb.Point:
		n += 16
	case orb.MultiPoint:
		n += 16 * int64(len(g))
	case orb.LineString:
		n += 24 + 16*int64(len(g))
	case orb.MultiLineString:
		for _, ls := range g {
			n += 24 + 16*int64(len(ls))
		}
	case orb.Polygon:
		for _, r := range g {
			n += 24 + 16*int64(len(r))
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				n += 24 + 16*int64(len(r))
			}
		}
	}
	return n
}
