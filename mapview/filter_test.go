package mapview

import (
	"context"
	"image"
	"testing"

	"github.com/paulmach/orb"
)

// drawnNear reports whether something is drawn within 3 pixels of the
// logical pixel (x, y) of testViewport.
func drawnNear(img *image.RGBA, x, y int) bool {
	for dy := -3; dy <= 3; dy++ {
		for dx := -3; dx <= 3; dx++ {
			if img.RGBAAt(x+dx, y+dy).A > 0 {
				return true
			}
		}
	}
	return false
}

// Layer.Only keeps the features it holds: the others are not drawn, not
// labelled, not hit and not snapped to; an empty set shows none, nil all.
func TestLayerFilter(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	vp := testViewport()
	ctx := context.Background()
	// The hydrants' layer alone, labelled; hydrant fid n is at (30+36(n-1), 178).
	hydrants := func(only map[int64]bool) []Layer {
		l := testLayerList(t)[2]
		l.Style.Label = &Label{Field: "numero", Size: 11}
		l.Only = only
		return []Layer{l}
	}
	for _, c := range []struct {
		name string
		only map[int64]bool
		want []bool // drawn, for hydrants 1 to 6
	}{
		{"no filter", nil, []bool{true, true, true, true, true, true}},
		{"two kept", map[int64]bool{2: true, 5: true}, []bool{false, true, false, false, true, false}},
		{"unknown fids", map[int64]bool{99: true}, []bool{false, false, false, false, false, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := render(t, r, vp, hydrants(c.only), nil)
			for i, want := range c.want {
				if got := drawnNear(img, 30+36*i, 178); got != want {
					t.Errorf("hydrant %d drawn %v, want %v", i+1, got, want)
				}
			}
		})
	}

	t.Run("empty set draws nothing, labels included", func(t *testing.T) {
		img := render(t, r, vp, hydrants(map[int64]bool{}), nil)
		for _, v := range img.Pix {
			if v != 0 {
				t.Fatal("something drawn for a layer filtered to no feature")
			}
		}
	})

	t.Run("hit test", func(t *testing.T) {
		for _, c := range []struct {
			only map[int64]bool
			hit  bool
		}{{nil, true}, {map[int64]bool{1: true}, true}, {map[int64]bool{2: true}, false}} {
			hits, err := r.HitTest(ctx, vp, orb.Point{30, 178}, 3, hydrants(c.only))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(hits) > 0; got != c.hit {
				t.Errorf("filter %v: hits %+v, want a hit %v", c.only, hits, c.hit)
			}
		}
	})

	t.Run("snap", func(t *testing.T) {
		for _, c := range []struct {
			only map[int64]bool
			snap bool
		}{{nil, true}, {map[int64]bool{2: true}, false}} {
			_, ok, err := r.SnapVertex(ctx, vp, orb.Point{31, 178}, 4, hydrants(c.only))
			if err != nil {
				t.Fatal(err)
			}
			if ok != c.snap {
				t.Errorf("filter %v: snapped %v, want %v", c.only, ok, c.snap)
			}
		}
	})
}
