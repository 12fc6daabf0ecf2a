package store

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkReadGeoPackageLayer100k opens a GeoPackage's layer of 100,000
// points with 5 fields for an import (its first pass) and reads every
// feature (the second): the reading side of an import, without the
// writing.
func BenchmarkReadGeoPackageLayer100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "points.gpkg")
	ws, err := Create(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := ws.Import(ctx, importDataset(n), ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		src, err := OpenGeoPackageLayer(ctx, path, "")
		if err != nil {
			b.Fatal(err)
		}
		r, err := src.Features()
		if err != nil {
			b.Fatal(err)
		}
		read := 0
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			read++
		}
		if err := src.Close(); err != nil || read != n || src.Count != n {
			b.Fatal(read, src.Count, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
}
