package mapview

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
)

func TestHitTest(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	vp := testViewport()
	type want struct {
		layer string
		fid   int64
	}
	for _, c := range []struct {
		name  string
		pixel orb.Point
		tol   float64
		want  []want
	}{
		// Inside the first hydrant's symbol, over nothing else.
		{"on a symbol", orb.Point{30, 178}, 3, []want{{"poteaux", 1}}},
		// 12 pixels from the second hydrant's centre: out of its 7-pixel
		// symbol by 5, found with a tolerance of 6, not of 3.
		{"near a symbol", orb.Point{66 + 12, 178}, 6, []want{{"poteaux", 2}}},
		{"too far from a symbol", orb.Point{66 + 12, 178}, 3, nil},
		// On the thick main between its vertices.
		{"on a line", orb.Point{50, 135}, 2, []want{{"reseau", 1}}},
		// Inside zone A's outer ring, in no other zone.
		{"inside a polygon", orb.Point{30, 30}, 2, []want{{"zones", 1}}},
		// In zone A's hole: only its boundary, out of reach.
		{"in a hole", orb.Point{60, 50}, 2, nil},
		// Where zones A and B overlap: both at distance 0, in one layer,
		// so in fid order.
		{"overlap", orb.Point{105, 80}, 2, []want{{"zones", 1}, {"zones", 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			hits, err := r.HitTest(context.Background(), vp, c.pixel, c.tol, layers)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != len(c.want) {
				t.Fatalf("hits %+v, want %v", hits, c.want)
			}
			for i, w := range c.want {
				if hits[i].Layer != w.layer || hits[i].FID != w.fid {
					t.Errorf("hit %d: %+v, want %v", i, hits[i], w)
				}
			}
		})
	}
}

// Nearest first, then the top layer first.
func TestHitTestOrder(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	vp := testViewport()
	// Between the main (y ≈ 150 at x = 20) and the first hydrant (30, 178).
	hits, err := r.HitTest(context.Background(), vp, orb.Point{26, 163}, 20, testLayerList(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 2 {
		t.Fatalf("hits %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Distance < hits[i-1].Distance {
			t.Errorf("not nearest first: %+v", hits)
		}
	}
	// A point on both a line and a zone: distance 0 for both, the line's
	// layer (drawn above) first.
	p := vp.LonLatToPixel(at(100, 170))
	hits, err = r.HitTest(context.Background(), vp, orb.Point{p[0] + 0.5, p[1] - 2}, 1, testLayerList(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Layer != "reseau" {
		t.Errorf("hits %+v, want the pipe first", hits)
	}
}

// Layers the style hides at this zoom are not found.
func TestHitTestSkipsHiddenLayers(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := testLayerList(t)
	min := 18.0
	layers[2].Style.MinZoom = &min
	hits, err := r.HitTest(context.Background(), testViewport(), orb.Point{30, 178}, 3, layers)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Layer == "poteaux" {
			t.Errorf("hidden hydrant found: %+v", h)
		}
	}
}
