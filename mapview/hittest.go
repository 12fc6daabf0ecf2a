package mapview

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Hit is a feature found under a pixel.
type Hit struct {
	Layer string
	FID   int64
	// Distance is how far, in logical pixels, the pixel is from what is
	// drawn of the feature: 0 on a symbol, on a line's stroke or inside a
	// polygon.
	Distance float64
}

// HitTest returns the features of the layers, as drawn in vp, within
// tolerance logical pixels of pixel: nearest first, then from the top
// layer down. Layers and features the styles hide at this zoom are not
// found. It looks the features up in the R-tree, then measures their exact
// geometry (read from the workspace unless drawn recently).
func (r *Renderer) HitTest(ctx context.Context, vp Viewport, pixel orb.Point, tolerance float64, layers []Layer) ([]Hit, error) {
	sc := r.newScene(layers, nil, 1)
	wpx := vp.worldPixels()
	click := toWorld(vp.PixelToLonLat(pixel))
	type ranked struct {
		Hit
		rank int
	}
	var hits []ranked
	for i := range sc.layers {
		l := &sc.layers[i]
		var st [nClasses]*styler
		visible := false
		reach := tolerance
		for c := range st {
			st[c] = newStyler(l.style, geomClass(c), vp.Zoom, 1)
			visible = visible || st[c].visibleAtAll()
			reach = max(reach, tolerance+st[c].bleed())
		}
		if !visible {
			continue
		}
		tree := r.ws.Index().Snapshot(l.name)
		if tree == nil {
			continue
		}
		d := reach / wpx
		b := lonLatBound(orb.Bound{Min: orb.Point{click[0] - d, click[1] - d}, Max: orb.Point{click[0] + d, click[1] + d}})
		var cands []candidate
		tree.Search([2]float32{float32(b.Min[0]), float32(b.Min[1])}, [2]float32{float32(b.Max[0]), float32(b.Max[1])},
			func(min, max [2]float32, fid int64) bool {
				if l.keeps(fid) {
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
			return nil, err
		}
		for _, f := range feats {
			if f == nil {
				continue
			}
			p := st[f.class].resolve(f.attrs)
			if p.hidden {
				continue
			}
			dist := featureDistance(f, click) * wpx
			switch f.class {
			case pointClass:
				dist -= float64(p.size) / 2
			case lineClass:
				dist -= float64(p.width) / 2
			case polygonClass:
				if contains(f.world, click) {
					dist = 0
				} else {
					dist -= float64(p.width) / 2
				}
			}
			dist = math.Max(0, dist)
			if dist <= tolerance {
				hits = append(hits, ranked{Hit{Layer: l.name, FID: f.fid, Distance: dist}, len(sc.layers) - i})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.rank, b.rank), cmp.Compare(a.FID, b.FID))
	})
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = h.Hit
	}
	return out, nil
}

// featureDistance is the world distance from p to the feature's points,
// lines or polygon boundaries.
func featureDistance(f *feature, p orb.Point) float64 {
	switch g := f.world.(type) {
	case orb.LineString:
		if len(g) == 1 {
			return planar.Distance(g[0], p)
		}
	}
	return planar.DistanceFrom(f.world, p)
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	case orb.Ring:
		return planar.RingContains(g, p)
	}
	return false
}

// HitTest finds the features under a pixel among the layers the cache
// draws (see Renderer.HitTest).
func (tc *TileCache) HitTest(ctx context.Context, vp Viewport, pixel orb.Point, tolerance float64) ([]Hit, error) {
	tc.mu.Lock()
	layers := tc.layers
	tc.mu.Unlock()
	return tc.r.HitTest(ctx, vp, pixel, tolerance, layers)
}
