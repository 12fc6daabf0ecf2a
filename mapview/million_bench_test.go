package mapview

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// overview is a full HD view of every layer's features, whole: the view
// the app opens a workspace on.
func overview(b testing.TB, ws *store.Workspace, layers []Layer) Viewport {
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
// nothing cached, from the workspace's overview (issue 16: ≤ 150 ms).
func BenchmarkFrameColdOverview1080pMillion(b *testing.B) {
	ws := millionWithOverview(b)
	layers := DefaultLayers(ws, DefaultStyles())
	vp := overview(b, ws, layers)
	b.Logf("%d layers, zoom %.2f", len(layers), vp.Zoom)
	benchFrames(b, vp, layers, func() *Renderer { return NewRenderer(ws, RendererOptions{}) })
}

// BenchmarkFrameColdOverview1080pMillionFeatures is
// BenchmarkFrameColdOverview1080pMillion drawn from the features, as a
// workspace without its overview is (before the first build).
func BenchmarkFrameColdOverview1080pMillionFeatures(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	layers := DefaultLayers(ws, DefaultStyles())
	vp := overview(b, ws, layers)
	benchFrames(b, vp, layers, func() *Renderer { return NewRenderer(ws, RendererOptions{}) })
}

// millionWithOverview opens, read-only, a copy of the workspace of
// demows.MillionScale with the overview of the default layers built,
// kept in the temp dir (the build takes minutes).
func millionWithOverview(b testing.TB) *store.Workspace {
	b.Helper()
	src, err := demows.CachedScale(demows.MillionScale)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.TrimSuffix(src, ".gpkg") + "-overview-v2.gpkg"
	if _, err := os.Stat(path); err != nil {
		tmp := demows.CopyScale(b, demows.MillionScale) // in b's temp dir, on the same disk
		ws, err := store.Open(tmp, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		err = NewRenderer(ws, RendererOptions{}).BuildOverview(context.Background(), DefaultLayers(ws, DefaultStyles()))
		ws.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("overview built in %v", time.Since(start))
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return ws
}
