package mapview

import (
	"context"
	"image"
	"testing"
)

func render(t *testing.T, r *Renderer, vp Viewport, layers []Layer, sel []FeatureRef) *image.RGBA {
	t.Helper()
	img, err := r.Render(context.Background(), vp, layers, sel)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Size() != vp.DeviceSize() {
		t.Fatalf("image of %v, want %v", img.Bounds().Size(), vp.DeviceSize())
	}
	return img
}

func TestRenderGolden(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	hidpi := testViewport()
	hidpi.Scale = 2
	faded := testLayerList(t)
	faded[0].Opacity = 0.4
	faded[1].Opacity = 0.5
	fractional := testViewport()
	fractional.Zoom = 16.6
	for _, c := range []struct {
		name   string
		vp     Viewport
		layers []Layer
		sel    []FeatureRef
	}{
		// Fills with a hole, translucent overlaps, outlines with miter
		// joins, lines by material and diameter with round joins and a
		// dash, every symbol, an unavailable hydrant in grey.
		{"shapes.png", testViewport(), layers, nil},
		// The same at twice the pixel density: widths and sizes double.
		{"shapes-hidpi.png", hidpi, layers, nil},
		// Between two zooms, on another tile grid.
		{"shapes-z16.6.png", fractional, layers, nil},
		// Whole layers faded.
		{"opacity.png", testViewport(), faded, nil},
		// A zone, a pipe and a hydrant selected.
		{"selection.png", testViewport(), layers, []FeatureRef{{"zones", 2}, {"reseau", 1}, {"poteaux", 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assertGolden(t, c.name, render(t, r, c.vp, c.layers, c.sel), shapesTolerance)
		})
	}
}

func TestRenderLabelsGolden(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	layers[0].Style.Label = &Label{Field: "nom", Bold: true, Size: 13}
	layers[2].Style.Label = &Label{Field: "numero", Size: 11}
	assertGolden(t, "labels.png", render(t, r, testViewport(), layers, nil), textTolerance)
}

// Labels never overlap, whatever their density.
func TestLabelsDoNotCollide(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	layers[2].Style.Label = &Label{Field: "type", Size: 20}
	layers[0].Style.Label = &Label{Field: "nom", Size: 30}
	vp := testViewport()
	vp.Zoom = 15.5 // everything crammed together
	g := geometryOf(vp)
	sc := r.newScene(layers, nil, 1)
	lay, err := r.layoutLabels(context.Background(), sc, g.lv, g.rect(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lay.labels) == 0 {
		t.Fatal("no label placed")
	}
	for i, a := range lay.labels {
		ra := a.img.Bounds().Add(a.at)
		for _, b := range lay.labels[i+1:] {
			if rb := b.img.Bounds().Add(b.at); ra.Overlaps(rb) {
				t.Errorf("labels %q at %v and %q at %v overlap", a.text, ra, b.text, rb)
			}
		}
	}
	if len(lay.labels) >= 8 {
		t.Errorf("%d labels placed at a zoom where they cannot all fit", len(lay.labels))
	}
}

// Drawing a view in one piece or tile by tile gives the same pixels: tiles
// join without seams.
func TestTilesJoinWithoutSeams(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	vp := testViewport()
	sc := r.newScene(layers, nil, 1)
	g := geometryOf(vp)
	whole := pixRect{g.origin.X, g.origin.Y, g.origin.X + g.size.X, g.origin.Y + g.size.Y}
	one, err := r.drawRect(context.Background(), sc, g.lv, whole)
	if err != nil {
		t.Fatal(err)
	}
	tiled := render(t, r, vp, layers, nil)
	bad := 0
	for i := range one.Pix {
		if far(one.Pix[i], tiled.Pix[i], 8) {
			bad++
		}
	}
	if bad > 20 {
		t.Errorf("%d channel values differ between the view drawn whole and by tiles", bad)
	}
}

// Features smaller than a pixel are drawn as dots rather than dropped, and
// points far apart stay apart.
func TestTinyFeaturesBecomeDots(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)[:1]
	layers[0].Style.Rules = nil // a uniform style: dots without reading
	vp := testViewport()
	vp.Zoom = 9
	img := render(t, r, vp, layers, nil)
	c := vp.LonLatToPixel(at(90, 65))
	n := 0
	for y := int(c[1]) - 2; y <= int(c[1])+2; y++ {
		for x := int(c[0]) - 2; x <= int(c[0])+2; x++ {
			if img.RGBAAt(x, y).A > 0 {
				n++
			}
		}
	}
	if n == 0 || n > 4 {
		t.Errorf("%d pixels drawn where two zones smaller than a pixel lie, want 1 or 2", n)
	}
}

func TestRenderUnknownLayerIsSkipped(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	img := render(t, r, testViewport(), []Layer{{Name: "nope"}}, nil)
	for _, v := range img.Pix {
		if v != 0 {
			t.Fatal("something drawn for a layer that does not exist")
		}
	}
}

func TestRenderCancelled(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Render(ctx, testViewport(), testLayerList(t), nil); err == nil {
		t.Error("no error from a cancelled render")
	}
}

// The default style of a layer without one depends on its geometry.
func TestPlainStyleByGeometry(t *testing.T) {
	for _, l := range testLayers() {
		s := PlainStyle(l)
		if err := s.Check(); err != nil {
			t.Errorf("%s: %v", l.Name, err)
		}
		switch schemaClass(l.GeometryType) {
		case pointClass:
			if s.Symbol == "" {
				t.Errorf("%s: points without a symbol", l.Name)
			}
		case polygonClass:
			if s.Fill == nil || s.Fill.A == 0 || s.Fill.A == 0xff {
				t.Errorf("%s: polygons should have a translucent fill", l.Name)
			}
		}
	}
}
