package mapview

import (
	"image/color"
	"testing"
)

// Magnified, the same view paints more of the map with symbols and labels:
// line widths, points and text grow, the map does not move.
func TestMagnificationEnlargesSymbols(t *testing.T) {
	ws := newTestWorkspace(t)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{Background: color.White})
	defer tc.Close()
	tc.SetLayers(testLayerList(t))
	vp := testViewport()
	inked := func() int {
		frame := settle(t, tc, vp)
		n := 0
		for i := 0; i < len(frame.Pix); i += 4 {
			if frame.Pix[i] < 250 || frame.Pix[i+1] < 250 || frame.Pix[i+2] < 250 {
				n++
			}
		}
		return n
	}
	plain := inked()
	tc.SetMagnification(2)
	big := inked()
	if big < plain+plain/8 { // polygons fill as much either way; lines, points and text grow
		t.Fatalf("magnified ×2, %d pixels painted, as styled %d: symbols did not grow", big, plain)
	}
	tc.SetMagnification(1)
	if again := inked(); again != plain {
		t.Fatalf("back to ×1, %d pixels painted, first %d", again, plain)
	}
}
