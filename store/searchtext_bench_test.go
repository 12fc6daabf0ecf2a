package store

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// searchBenchWorkspace is a workspace of 24 communes (outlines of 400
// points) over benchBound and 20,000 hydrants with names and codes.
func searchBenchWorkspace(b *testing.B) *Workspace {
	b.Helper()
	ctx := context.Background()
	ws, err := Create(filepath.Join(b.TempDir(), "ws.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	communes := schema.Layer{Name: "communes", GeometryType: schema.MultiPolygon, Fields: []schema.Field{
		{Name: "insee", Type: schema.Text}, {Name: "nom", Type: schema.Text}}}
	for _, s := range []schema.Layer{communes, hydrantSchema()} {
		if _, err := ws.CreateLayer(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		w, h := (benchBound.Max[0]-benchBound.Min[0])/6, (benchBound.Max[1]-benchBound.Min[1])/4
		for i := range 24 {
			c := orb.Point{benchBound.Min[0] + (float64(i%6)+0.5)*w, benchBound.Min[1] + (float64(i/6)+0.5)*h}
			ring := make(orb.Ring, 0, 401)
			for k := range 400 {
				a := 2 * math.Pi * float64(k) / 400
				ring = append(ring, orb.Point{c[0] + w/2*math.Cos(a), c[1] + h/2*math.Sin(a)})
			}
			ring = append(ring, ring[0])
			if _, err := tx.Create("communes", Feature{Geometry: orb.MultiPolygon{{ring}},
				Properties: map[string]any{"insee": fmt.Sprintf("71%03d", i), "nom": fmt.Sprintf("Commune %d", i)}}); err != nil {
				return err
			}
		}
		_, err := tx.ApplyRemoteBatch("pei", searchBenchHydrants(rand.New(rand.NewPCG(1, 2)), 20_000))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

func searchBenchHydrants(rng *rand.Rand, n int) []RemoteFeature {
	out := make([]RemoteFeature, n)
	for i := range out {
		p := orb.Point{benchBound.Min[0] + rng.Float64()*(benchBound.Max[0]-benchBound.Min[0]),
			benchBound.Min[1] + rng.Float64()*(benchBound.Max[1]-benchBound.Min[1])}
		out[i] = RemoteFeature{UUID: NewID(), Version: 1, Geometry: p,
			Properties: map[string]any{"nom": fmt.Sprintf("PI-71%03d-%06d", rng.IntN(24), rng.IntN(1_000_000)), "type_pei": "PI", "debit": 60.0}}
	}
	return out
}

// BenchmarkSearchTextStep is what the text index's step adds to a write
// transaction: to a page of 1000 new features from the platform
// (ApplyRemoteBatch, a first download is made of such pages), and to one
// edit of a feature's name. Only the step is timed; the transaction around
// it is BenchmarkApplyRemoteBatch1000.
func BenchmarkSearchTextStep(b *testing.B) {
	ctx := context.Background()
	ws := searchBenchWorkspace(b)
	rng := rand.New(rand.NewPCG(3, 4))
	b.Run("batch1000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			batch := searchBenchHydrants(rng, 1000)
			err := ws.Edit(ctx, func(tx *Tx) error {
				if _, err := tx.ApplyRemoteBatch("pei", batch); err != nil {
					return err
				}
				b.StartTimer()
				err := tx.deriveSearchText()
				b.StopTimer()
				return err
			})
			b.StartTimer()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	some, err := ws.Query(ctx, Query{Layer: "pei", Limit: 1})
	if err != nil || len(some) == 0 {
		b.Fatal("no hydrant", err)
	}
	b.Run("edit", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			err := ws.Edit(ctx, func(tx *Tx) error {
				if _, err := tx.Update("pei", some[0].UUID, Change{Properties: map[string]any{"nom": fmt.Sprintf("PI-71000-%06d", i)}}); err != nil {
					return err
				}
				b.StartTimer()
				err := tx.deriveSearchText()
				b.StopTimer()
				return err
			})
			b.StartTimer()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkApplyRemoteBatch1000 is a whole transaction writing a page of
// 1000 new features from the platform, the text index's step included.
func BenchmarkApplyRemoteBatch1000(b *testing.B) {
	ctx := context.Background()
	ws := searchBenchWorkspace(b)
	rng := rand.New(rand.NewPCG(5, 6))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		batch := searchBenchHydrants(rng, 1000)
		b.StartTimer()
		err := ws.Edit(ctx, func(tx *Tx) error {
			_, err := tx.ApplyRemoteBatch("pei", batch)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
