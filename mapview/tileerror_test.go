package mapview

import (
	"context"
	"strings"
	"testing"
)

// A workspace that cannot be read leaves the tiles blank and tells
// OnDrawError what failed, once for the many tiles that fail alike, and
// again once the layers change.
func TestDrawErrorIsTold(t *testing.T) {
	ws := newTestWorkspace(t)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	told := make(chan error, 64)
	tc.SetOnDrawError(func(err error) { told <- err })
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	vp := testViewport()
	tc.Frame(vp)
	err := waitFor(t, told, "the drawing error")
	if err == nil || tc.Err() == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("told %v, Err %v; want the closed workspace's error", err, tc.Err())
	}
	for range 3 {
		tc.Frame(vp.Pan(300, 0))
		tc.Frame(vp.Pan(-300, 200))
	}
	if err := tc.render.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(told); n > 0 {
		t.Errorf("the same error told %d more times", n)
	}
	tc.SetLayers(testLayerList(t))
	tc.Frame(vp)
	waitFor(t, told, "the error told again after SetLayers")
}
