package mapview

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Snap is a vertex of a drawn feature near a pixel, for a sketch or an
// edited vertex to land exactly on.
type Snap struct {
	// Point is the vertex's longitude/latitude.
	Point orb.Point
	// Feature is the feature it belongs to.
	Feature FeatureRef
	// Distance is how far, in logical pixels, it is from the pixel asked.
	Distance float64
}

// SnapVertex returns the vertex, among those of the layers' features as
// drawn in vp, nearest to pixel and within tolerance logical pixels; ok is
// false when there is none. Layers and features the styles hide at this
// zoom are not snapped to, nor the excluded features (the one being
// edited). On a tie the upper layer wins. It looks the features up in the
// R-tree and may read them from the workspace: call it off the UI
// goroutine.
func (r *Renderer) SnapVertex(ctx context.Context, vp Viewport, pixel orb.Point, tolerance float64, layers []Layer, exclude ...FeatureRef) (_ Snap, ok bool, _ error) {
	sc := r.newScene(layers, nil, 1)
	wpx := vp.worldPixels()
	click := toWorld(vp.PixelToLonLat(pixel))
	skip := selectionSet(exclude)
	best := Snap{Distance: math.Inf(1)}
	d := tolerance / wpx
	box := lonLatBound(orb.Bound{Min: orb.Point{click[0] - d, click[1] - d}, Max: orb.Point{click[0] + d, click[1] + d}})
	for i := len(sc.layers) - 1; i >= 0; i-- {
		l := &sc.layers[i]
		var st [nClasses]*styler
		visible := false
		for c := range st {
			st[c] = newStyler(l.style, geomClass(c), vp.Zoom, 1)
			visible = visible || st[c].visibleAtAll()
		}
		if !visible {
			continue
		}
		tree := r.ws.Index().Snapshot(l.name)
		if tree == nil {
			continue
		}
		var cands []candidate
		tree.Search([2]float32{float32(box.Min[0]), float32(box.Min[1])}, [2]float32{float32(box.Max[0]), float32(box.Max[1])},
			func(min, max [2]float32, fid int64) bool {
				if l.keeps(fid) && (skip == nil || !skip[FeatureRef{Layer: l.key, FID: fid}]) {
					cands = append(cands, candidate{fid: fid, min: min, max: max})
				}
				return true
			})
		if len(cands) == 0 {
			continue
		}
		slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(a.fid, b.fid) })
		feats, err := r.load(ctx, l, cands, st[l.class].codeFilters(l.schema))
		if err != nil {
			return Snap{}, false, err
		}
		for _, f := range feats {
			if f == nil || st[f.class].resolve(f.attrs).hidden {
				continue
			}
			EachPath(f.world, func(_ int, pts []orb.Point, _ PathKind) {
				for _, w := range pts {
					dist := math.Hypot(w[0]-click[0], w[1]-click[1]) * wpx
					if dist <= tolerance && dist < best.Distance {
						best, ok = Snap{Point: fromWorld(w), Feature: FeatureRef{Layer: l.name, FID: f.fid}, Distance: dist}, true
					}
				}
			})
		}
	}
	if !ok {
		return Snap{}, false, nil
	}
	return best, true, nil
}

// SnapVertex finds the vertex to snap to among the layers the cache draws
// (see Renderer.SnapVertex).
func (tc *TileCache) SnapVertex(ctx context.Context, vp Viewport, pixel orb.Point, tolerance float64, exclude ...FeatureRef) (Snap, bool, error) {
	tc.mu.Lock()
	layers := tc.layers
	tc.mu.Unlock()
	return tc.r.SnapVertex(ctx, vp, pixel, tolerance, layers, exclude...)
}
