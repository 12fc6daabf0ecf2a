package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// pipeFields are the fields the default style of canalaep reads.
var pipeFields = []string{"branchemnt", "diametre", "materiau"}

// BenchmarkOverviewBatchMillion applies pages of 1,000 pipes spread over
// the territory to a copy of the 1M workspace, as a first download does,
// without and then with an overview of canalaep: what the derived step
// adds to a page (it marks the blocks dirty), and then what rebuilding
// those blocks costs (RefreshOverview, per page).
func BenchmarkOverviewBatchMillion(b *testing.B) {
	ctx := context.Background()
	ws, err := store.Open(demows.CopyScale(b, demows.MillionScale), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	bound, _ := ws.Index().Bound("canalaep")
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	page := func() []store.RemoteFeature {
		out := make([]store.RemoteFeature, 1000)
		for i := range out {
			n++
			p := orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])}
			out[i] = store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-9000-%012d", n), Version: 1,
				Geometry:   orb.LineString{p, {p[0] + 0.0005, p[1] + 0.0003}},
				Properties: map[string]any{"materiau": "05", "diametre": int64(110), "idcana": fmt.Sprint("B", n), "datemaj": "2026-12-06"}}
		}
		return out
	}
	apply := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			p := page()
			b.StartTimer()
			if err := ws.Edit(ctx, func(tx *store.Tx) error {
				_, err := tx.ApplyRemoteBatch("canalaep", p)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("without", apply)
	if err := ws.SetOverviewFields(ctx, "canalaep", pipeFields); err != nil {
		b.Fatal(err)
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("with", apply)
	b.Run("refresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			p := page()
			if err := ws.Edit(ctx, func(tx *store.Tx) error {
				_, err := tx.ApplyRemoteBatch("canalaep", p)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := ws.RefreshOverview(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOverviewEditMillion changes the material of one pipe in
// Tournus, the densest part of the 1M workspace, without and then with an
// overview of canalaep: what the derived step adds to a single edit (it
// rebuilds the blocks under the pipe in the transaction).
func BenchmarkOverviewEditMillion(b *testing.B) {
	ctx := context.Background()
	ws, err := store.Open(demows.CopyScale(b, demows.MillionScale), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	fs, err := ws.Query(ctx, store.Query{Layer: "canalaep", Bound: &orb.Bound{Min: orb.Point{4.905, 46.560}, Max: orb.Point{4.912, 46.566}}, Limit: 100})
	if err != nil || len(fs) == 0 {
		b.Fatalf("no pipe in Tournus: %v", err)
	}
	i := 0 // across both runs: each edit changes the material
	edit := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			i++
			f := fs[i%len(fs)]
			mat := []string{"05", "19"}[(i/len(fs))%2]
			if f.Properties["materiau"] == mat {
				mat = "02"
			}
			if err := ws.Edit(ctx, func(tx *store.Tx) error {
				_, err := tx.Update("canalaep", f.UUID, store.Change{Properties: map[string]any{"materiau": mat}})
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("without", edit)
	if err := ws.SetOverviewFields(ctx, "canalaep", pipeFields); err != nil {
		b.Fatal(err)
	}
	if err := ws.RefreshOverview(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("with", edit)
}
