package search

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// What the secretary typed finds the mairie, first.
func TestSearchDemoFindsTheMairie(t *testing.T) {
	ix := New(indexedDemo(t, "tournus", demows.Tournus()))
	for _, text := range []string{"mairie tournus", "mairie de tournus", "MAIRIE Tournus", "tournus mairie", "Mairie de Tournus"} {
		f, err := ix.Search(context.Background(), Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Results) == 0 {
			t.Errorf("%q finds nothing", text)
			continue
		}
		r := f.Results[0]
		if r.Name != "Mairie de Tournus" || r.LayerTitle != "Bâtiments communaux" || r.Commune != "Tournus" || len(r.Matched) == 0 || r.Matched[0].Value != "Mairie de Tournus" {
			t.Errorf("%q: first result %+v (%d in all)", text, r, f.Total)
		}
	}
}

// A hydrant's identifier, typed whole or in part, finds it first.
func TestSearchDemoFindsAHydrantByItsID(t *testing.T) {
	ctx := context.Background()
	ws := indexedDemo(t, "tournus", demows.Tournus())
	hydrants, err := ws.Query(ctx, store.Query{Layer: "pei", Limit: 5})
	if err != nil || len(hydrants) == 0 {
		t.Fatalf("%d hydrants, %v", len(hydrants), err)
	}
	ix := New(ws)
	for _, h := range hydrants {
		id, _ := h.Properties["id_sdis"].(string)
		if id == "" {
			t.Fatalf("hydrant %s has no SDIS id", h.UUID)
		}
		f, err := ix.Search(ctx, Query{Text: id})
		if err != nil || len(f.Results) == 0 || f.Results[0].UUID != h.UUID || f.Results[0].Commune == "" {
			t.Errorf("%q: %+v %v", id, f.Results, err)
		}
	}
}

// Nearby gives what measuring every feature gives.
func TestNearbyAgreesWithBruteForce(t *testing.T) {
	ctx := context.Background()
	ws := indexedDemo(t, "tournus", demows.Tournus())
	ix := New(ws)
	type found struct {
		layer string
		fid   int64
		d     float64
	}
	var all []found
	rows := map[string][]store.Feature{}
	for _, layer := range NearbyLayers(ws) {
		fs, err := ws.Query(ctx, store.Query{Layer: layer})
		if err != nil {
			t.Fatal(err)
		}
		rows[layer] = fs
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	b := demows.Tournus()
	for range 20 {
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		origin, _ := toLambert93(p)
		all = all[:0]
		for layer, fs := range rows {
			for _, f := range fs {
				all = append(all, found{layer, f.FID, metres(f.Geometry, origin)})
			}
		}
		slices.SortFunc(all, func(a, b found) int { return cmp.Compare(a.d, b.d) })
		got, err := ix.Nearby(ctx, Near{Point: p, Limit: 12})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 12 {
			t.Fatalf("%v: %d results", p, len(got))
		}
		for i, g := range got {
			if math.Abs(g.Distance-all[i].d) > 1e-6 {
				t.Fatalf("%v: result %d at %.3f m (%s %d), brute force %.3f m (%s %d)", p, i, g.Distance, g.Layer, g.FID, all[i].d, all[i].layer, all[i].fid)
			}
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	ix := New(indexedDemo(b, "ccmt", orb.Bound{}))
	for _, text := range []string{"mairie tournus", "poteau incendie", "PI-71543", "fonte", "e", "rue de l'église"} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Search(ctx, Query{Text: text}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndexBuild builds the index of a workspace that has none (an
// older one: the demo files cached before the index was kept in the
// workspace), as the upgrade does once.
func BenchmarkIndexBuild(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ws := demows.OpenCopy(b, "ccmt", orb.Bound{})
		if _, err := ws.DB().ExecContext(ctx, dropIndexSQL); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := New(ws).Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNearby(b *testing.B) {
	ctx := context.Background()
	ix := New(indexedDemo(b, "ccmt", orb.Bound{}))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Nearby(ctx, Near{Point: orb.Point{4.911, 46.563}, Limit: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// indexedDemo opens a copy of a cached demo workspace with its text index
// built: the cached files may predate it (an older workspace, upgraded).
func indexedDemo(tb testing.TB, name string, extent orb.Bound) *store.Workspace {
	tb.Helper()
	ws := demows.OpenCopy(tb, name, extent)
	if err := New(ws).Refresh(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ws
}

// dropIndexSQL takes the text index out of a workspace: it is then as an
// older Terrimap wrote it.
const dropIndexSQL = `DROP TABLE IF EXISTS tm_search_layer; DROP TABLE IF EXISTS tm_search_doc; DROP TABLE IF EXISTS tm_search_value;
	DROP TABLE IF EXISTS tm_search_trigram; DROP TABLE IF EXISTS tm_search_term; DROP TABLE IF EXISTS tm_search_hold;
	DELETE FROM gpkg_extensions WHERE extension_name = 'terrimap_search'`
