package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"terrimap/internal/iogen"
	"terrimap/store"
)

// BenchmarkImportDXFPlan10k previews and imports the surveyor's plan of
// make compare-io (internal/iogen: 10,000 entities in Lambert-93, about
// 8,800 of them lines) into the line layer of a small workspace, once per
// iteration: the features pile up. Issue 18: the whole process in ≤ 1 s.
func BenchmarkImportDXFPlan10k(b *testing.B) {
	dir := b.TempDir()
	mains, plan := filepath.Join(dir, "mains.geojson"), filepath.Join(dir, "plan.dxf")
	for _, f := range []struct {
		path  string
		write func(*os.File) error
	}{
		{mains, func(f *os.File) error { return iogen.WriteMains(f, 20, iogen.Rand(3)) }},
		{plan, func(f *os.File) error { return iogen.WriteDXF(f, 10000, iogen.Rand(4)) }},
	} {
		file, err := os.Create(f.path)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.write(file); err != nil {
			b.Fatal(err)
		}
		file.Close()
	}
	ws, err := store.Create(filepath.Join(dir, "ws.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	if _, err := ws.ImportFile(ctx, mains, store.ImportOptions{Layer: "conduites"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := ws.PreviewDXF(ctx, plan, store.DXFOptions{Layer: "conduites"})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := ws.ImportDXF(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Features < 8000 {
			b.Fatalf("%d features imported, want about 8,800", rep.Features)
		}
	}
}
