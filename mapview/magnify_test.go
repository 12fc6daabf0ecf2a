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

// Labels are drawn at the magnified size, and come back to their styled
// size once the magnification is back to 1, at the same zoom (the
// presentation mode entered and left on one view): the layout must not
// reuse the sprites it drew at another size.
func TestMagnificationResizesLabels(t *testing.T) {
	ws := newTestWorkspace(t)
	tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{Background: color.White})
	defer tc.Close()
	labelled, err := ParseStyle([]byte(`{"symbol":"circle","fill":"#e31a1c","size":4,"label":{"field":"numero","size":12,"color":"#000000"}}`))
	if err != nil {
		t.Fatal(err)
	}
	tc.SetLayers([]Layer{{Name: "poteaux", Style: labelled}})
	vp := testViewport()
	// labelHeights returns the height of every label drawn, by text.
	labelHeights := func() map[string]int {
		settle(t, tc, vp)
		tc.mu.Lock()
		defer tc.mu.Unlock()
		out := map[string]int{}
		for _, l := range tc.labels.labels {
			out[l.text] = l.img.Bounds().Dy()
		}
		return out
	}
	plain := labelHeights()
	if len(plain) == 0 {
		t.Fatal("no label drawn")
	}
	tc.SetMagnification(1.6)
	for text, h := range labelHeights() {
		if h <= plain[text] {
			t.Errorf("magnified ×1.6, the label %q is %d px high, as styled %d", text, h, plain[text])
		}
	}
	tc.SetMagnification(1)
	for text, h := range labelHeights() {
		if h != plain[text] {
			t.Errorf("back to ×1, the label %q is %d px high, first %d", text, h, plain[text])
		}
	}
}
