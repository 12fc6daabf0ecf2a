package mapview

import (
	"context"
	"runtime"
	"testing"

	"terrimap/store"
)

// The feature cache is bounded by what its features cost: that must be the
// heap they hold, or the bound is not one (issue 16: a 64 MiB cache was
// seen holding 135 MB). Each layer of the demo with enough features to
// measure is read whole into a cache of its own, and the heap it holds
// after a collection is compared with the cost the cache counted.
func TestFeatureCostIsTheHeapItHolds(t *testing.T) {
	ws := demoWorkspace(t)
	sc := NewRenderer(ws, RendererOptions{}).newScene(DefaultLayers(ws, DefaultStyles()), nil, 1)
	// Within 15 %; under -race the instrumentation puts more of a
	// feature's values on the heap (seen: ×1.15–1.19), which the cost
	// cannot know of: 25 % there.
	low, high := 0.85, 1.15
	if raceDetector {
		high = 1.25
	}
	measured := 0
	for _, l := range sc.layers {
		var cands []candidate
		if tree := ws.Index().Snapshot(l.name); tree != nil {
			tree.Scan(func(min, max [2]float32, fid int64) bool {
				cands = append(cands, candidate{fid: fid, min: min, max: max})
				return true
			})
		}
		if len(cands) < 500 {
			continue
		}
		measured++
		// Goroutines other tests left behind may free or take memory
		// meanwhile: a layer is measured up to three times.
		var held, cost int64
		var n int
		for range 3 {
			held, cost, n = heldByCache(t, ws, &l, cands)
			if ratio := float64(held) / float64(cost); ratio >= low && ratio <= high {
				break
			}
		}
		if ratio := float64(held) / float64(cost); ratio < low || ratio > high {
			t.Errorf("%s: %d features hold %d bytes of heap, the cache counted %d (×%.2f)", l.name, n, held, cost, ratio)
		}
	}
	if measured < 5 {
		t.Fatalf("only %d layers of the demo have 500 features or more", measured)
	}
}

// heldByCache reads the candidates into a new renderer's feature cache and
// returns the heap they hold, the cost the cache counted and how many it
// keeps.
func heldByCache(t *testing.T, ws *store.Workspace, l *sceneLayer, cands []candidate) (held, cost int64, n int) {
	t.Helper()
	var before, after runtime.MemStats
	r := NewRenderer(ws, RendererOptions{FeatureCacheBytes: 1 << 40})
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := r.load(context.Background(), l, cands, nil); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(r)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc), r.feats.lru.cost(), r.feats.lru.len()
}
