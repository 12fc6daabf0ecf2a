package mapview

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// overview is a full HD view of every layer's features, whole: the view
// the app opens a workspace on.
func overview(b *testing.B, ws *store.Workspace, layers []Layer) Viewport {
	b.Helper()
	var all orb.Bound
	found := false
	for _, l := range layers {
		if lb, ok := ws.Index().Bound(l.Name); ok {
			if found {
				all = all.Union(lb)
			} else {
				all, found = lb, true
			}
		}
	}
	if !found {
		b.Fatal("no layer has features")
	}
	return Viewport{Width: 1920, Height: 1080, Scale: 1}.FitBound(all)
}

// BenchmarkFrameColdOverview1080pMillion draws a full HD frame of the
// whole territory with every layer shown, over 1.17 million features,
// nothing cached (issue 16: ≤ 150 ms).
func BenchmarkFrameColdOverview1080pMillion(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	layers := DefaultLayers(ws, DefaultStyles())
	vp := overview(b, ws, layers)
	b.Logf("%d layers, zoom %.2f", len(layers), vp.Zoom)
	benchFrames(b, vp, layers, func() *Renderer { return NewRenderer(ws, RendererOptions{}) })
}

// BenchmarkFrameCachedPanOverview1080pMillion pans the frame of
// BenchmarkFrameColdOverview1080pMillion by a few pixels per frame, every
// tile drawn beforehand (issue 16: ≤ 16 ms with 1M features loaded).
func BenchmarkFrameCachedPanOverview1080pMillion(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	layers := DefaultLayers(ws, DefaultStyles())
	vp := overview(b, ws, layers)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(layers)
	benchPan(b, tc, vp)
}

// BenchmarkFrameCold1080pMillion draws the frame of
// BenchmarkFrameCold1080p (Tournus at 1:25 000) over the demo territory of
// 1.17 million features, nothing cached (issue 16: as on the small one).
func BenchmarkFrameCold1080pMillion(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	benchFrames(b, demoFrame, DefaultLayers(ws, DefaultStyles()), func() *Renderer { return NewRenderer(ws, RendererOptions{}) })
}
