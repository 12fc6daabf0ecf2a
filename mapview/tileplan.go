package mapview

import (
	"context"
	"image"
	"math"
	"time"
)

// Planning a frame of the TileCache: the tiles and labels it needs, asked
// of the pools, and what stands in for those not ready (another zoom).

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
