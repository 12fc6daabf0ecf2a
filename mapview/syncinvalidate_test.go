package mapview

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// everywhere is the bound the app invalidates after a sync: what changed
// is not known feature by feature.
var everywhere = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// After a sync, the app invalidates every layer everywhere
// (Invalidate("", everywhere)): the features the renderer kept decoded
// must be read again, or the map shows what the platform changed as it
// was before.
func TestInvalidateEverythingForgetsFeatures(t *testing.T) {
	ws := newTestWorkspace(t)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	vp := testViewport()
	settle(t, tc, vp)

	// The platform moves the first hydrant (a sync applies it as a
	// remote change).
	old, moved := at(30, 178), at(60, 150)
	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("poteaux", []store.RemoteFeature{{UUID: uuidOf(6), Version: 2, Geometry: moved,
			Properties: map[string]any{"type": "circle", "disponible": true, "numero": "1"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tc.Invalidate("", everywhere)
	img := settle(t, tc, vp)

	isRed := func(p orb.Point) bool {
		px := vp.LonLatToPixel(p)
		c := img.RGBAAt(int(px[0]), int(px[1]))
		return c.R > 0xc0 && c.G < 0x40
	}
	if !isRed(moved) {
		t.Error("the hydrant the sync moved is not drawn at its new place")
	}
	if isRed(old) {
		t.Error("the hydrant the sync moved is still drawn at its old place")
	}
}
