package mapview

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// passes tells whether a feature with these attributes passes the filters,
// as the workspace applies them to text values.
func passes(filters []store.CodeFilter, a attrs) bool {
	for _, f := range filters {
		v := a.get(f.Field)
		if _, text := v.(string); !text && v != nil {
			continue
		}
		if slices.Contains(f.Codes, ValueKey(v)) == f.Drop {
			return false
		}
	}
	return true
}

func TestCodeFiltersOfDefaultStyles(t *testing.T) {
	styles := DefaultStyles()
	text := func(names ...string) schema.Layer {
		var l schema.Layer
		for _, n := range names {
			l.Fields = append(l.Fields, schema.Field{Name: n, Type: schema.Text})
		}
		return l
	}
	for _, c := range []struct {
		layer string
		sch   schema.Layer
		zoom  float64
		want  []store.CodeFilter
	}{
		{"canalaep", text("materiau", "branchemnt"), 14, []store.CodeFilter{{Field: "branchemnt", Codes: []string{"O"}, Drop: true}}},
		{"canalaep", text("materiau", "branchemnt"), 16, nil},
		{"ouvrass", text("typreseau", "fnouvass"), 14, []store.CodeFilter{{Field: "fnouvass", Codes: []string{"01", "02", "03", "04", "05"}}}},
		{"ouvrass", text("typreseau", "fnouvass"), 12, []store.CodeFilter{{Field: "fnouvass", Codes: []string{"01", "02"}}}},
		{"ouvrass", text("typreseau", "fnouvass"), 17, nil},
		{"pei", text("type_pei"), 14, nil},
		// A rule on a field that is not text gives no filter.
		{"canalaep", schema.Layer{Fields: []schema.Field{{Name: "branchemnt", Type: schema.Integer}}}, 14, nil},
	} {
		t.Run(fmt.Sprintf("%s at %g", c.layer, c.zoom), func(t *testing.T) {
			st := newStyler(styles[c.layer], lineClass, c.zoom, 1)
			if got := st.codeFilters(c.sch); !reflect.DeepEqual(got, c.want) {
				t.Errorf("filters %+v, want %+v", got, c.want)
			}
		})
	}
}

// Whatever the style, a feature it shows passes its filters.
func TestCodeFiltersKeepWhatIsShown(t *testing.T) {
	seed := rand.Uint64()
	if s := os.Getenv("TERRIMAP_TEST_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with TERRIMAP_TEST_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	fields := []string{"a", "b", "c"}
	sch := schema.Layer{Fields: []schema.Field{{Name: "a", Type: schema.Text}, {Name: "b", Type: schema.Text}, {Name: "c", Type: schema.Integer}}}
	codes := []string{"", "x", "y", "1"}
	zoom := func() *float64 {
		if rng.IntN(3) > 0 {
			return nil
		}
		z := float64(10 + rng.IntN(9))
		return &z
	}
	paint := func() Paint { return Paint{MinZoom: zoom(), MaxZoom: zoom()} }
	// Attribute values: each code, no value, and a number.
	values := []any{nil, "x", "y", "1", "z", int64(1), 2.5}
	random := make([]*Style, 0, 200)
	for range 200 {
		s := &Style{Paint: paint()}
		for range rng.IntN(4) {
			r := Rule{Field: fields[rng.IntN(len(fields))]}
			if rng.IntN(4) > 0 {
				r.Values = map[string]Paint{}
				for range 1 + rng.IntN(3) {
					r.Values[codes[rng.IntN(len(codes))]] = paint()
				}
			} else {
				lo := float64(rng.IntN(3))
				r.Ranges = []Range{{Max: &lo, Paint: paint()}, {Min: &lo, Paint: paint()}}
			}
			s.Rules = append(s.Rules, r)
		}
		random = append(random, s)
	}
	filtered := 0
	for i, s := range random {
		for z := 9.0; z <= 19; z += 0.5 {
			st := newStyler(s, lineClass, z, 1)
			filters := st.codeFilters(sch)
			if filters != nil {
				filtered++
			}
			for _, a := range values {
				for _, b := range values {
					for _, c := range values {
						at := attrs{names: fields, vals: []any{a, b, c}}
						if !st.resolve(at).hidden && !passes(filters, at) {
							t.Fatalf("style %d at zoom %g shows %v, which %+v skip", i, z, at.vals, filters)
						}
					}
				}
			}
		}
	}
	if filtered == 0 {
		t.Errorf("no style gave a filter")
	}
}

// A feature its style hides at the zoom is not read, nor asked for again
// with the same filters; an edit that shows it brings it back.
func TestSkippedFeaturesComeBackAfterAnEdit(t *testing.T) {
	ws := newTestWorkspace(t)
	r := NewRenderer(ws, RendererOptions{})
	tc := NewTileCache(r, nil, TileCacheOptions{Background: color.White})
	defer tc.Close()
	layers := testLayerList(t)
	// Pipes of material 99 (the third, from (180, 60) to (245, 115)) show
	// from zoom 18 only.
	layers[1].Style.Rules = append(layers[1].Style.Rules, Rule{Field: "materiau", Values: map[string]Paint{"99": {MinZoom: ptr(18.0)}}})
	tc.SetLayers(layers)
	vp := testViewport()
	onPipe := func(img *image.RGBA) bool {
		return img.RGBAAt(200, 110) != color.RGBA{0xff, 0xff, 0xff, 0xff} // a vertex of the third pipe
	}
	if onPipe(settle(t, tc, vp)) {
		t.Fatal("a pipe hidden at this zoom is drawn")
	}
	skipped := 0
	r.feats.mu.Lock()
	r.feats.lru.each(func(k featKey, f *feature) bool {
		if f.skippedBy != "" {
			skipped++
		}
		return true
	})
	r.feats.mu.Unlock()
	if skipped != 1 {
		t.Errorf("%d features noted as skipped, want the hidden pipe", skipped)
	}

	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Update("reseau", uuidOf(5), store.Change{Properties: map[string]any{"materiau": "18"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tc.Invalidate("reseau", orb.Bound{Min: at(180, 60), Max: at(180, 60)}.Extend(at(245, 115)))
	if !onPipe(settle(t, tc, vp)) {
		t.Error("the pipe an edit shows is not drawn")
	}
}

func ptr[T any](v T) *T { return &v }
