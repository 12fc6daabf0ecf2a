package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// importDataset is a dataset of n points with 5 fields (an identifier,
// a type, an integer, a real, a commune's name), as the files of issue
// 18's figures hold, in memory: the benchmarks below time the write path
// alone, not a reader.
func importDataset(n int) *formats.Dataset {
	rng := rand.New(rand.NewPCG(18, 1))
	ds := &formats.Dataset{Name: "pts", SRS: SRSWGS84, Fields: []formats.Field{
		{Name: "numero", Type: schema.Text}, {Name: "type_pei", Type: schema.Text},
		{Name: "debit", Type: schema.Integer}, {Name: "pression", Type: schema.Real},
		{Name: "commune", Type: schema.Text},
	}}
	types := []string{"PI", "BI", "PN", "RE"}
	ds.Features = make([]formats.Feature, n)
	for i := range ds.Features {
		ds.Features[i] = formats.Feature{ID: fmt.Sprint(i + 1),
			Geometry: orb.Point{benchBound.Min[0] + rng.Float64()*0.24, benchBound.Min[1] + rng.Float64()*0.19},
			Properties: map[string]any{"numero": fmt.Sprintf("PEI-%07d", i), "type_pei": types[i%4],
				"debit": int64(30 + rng.IntN(90)), "pression": 1 + rng.Float64()*4,
				"commune": fmt.Sprintf("Tournus %d", i%24)}}
	}
	return ds
}

// benchImport imports ds into a fresh workspace per iteration (a new
// layer, with its journal, both R-trees and the text index).
func benchImport(b *testing.B, n int) {
	ds := importDataset(n)
	dir := b.TempDir()
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		b.StopTimer()
		ws, err := Create(filepath.Join(dir, fmt.Sprintf("ws%d.gpkg", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := ws.Import(ctx, ds, ImportOptions{})
		if err != nil || rep.Features != n {
			b.Fatal(rep, err)
		}
		b.StopTimer()
		ws.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkImport100kPoints imports 100,000 points with 5 fields from
// memory into a new layer of a fresh workspace.
func BenchmarkImport100kPoints(b *testing.B) { benchImport(b, 100_000) }

// BenchmarkImportPointsMillion is the same with 1,000,000 points.
func BenchmarkImportPointsMillion(b *testing.B) { benchImport(b, 1_000_000) }
