package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// exportBenchWorkspace returns a workspace file holding benchGeoJSON's
// 100,000 points as layer pei, imported once and kept in the temp dir.
func exportBenchWorkspace(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-export-bench-v%d.gpkg", benchFormat))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	src := benchGeoJSON(b, 100_000)
	tmp := path + ".part"
	os.Remove(tmp)
	ws, err := Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ws.ImportFile(context.Background(), src, ImportOptions{Layer: "pei"}); err != nil {
		b.Fatal(err)
	}
	ws.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkExport100k exports a layer of 100,000 points to each format
// Export writes.
func BenchmarkExport100k(b *testing.B) {
	ws, err := Open(exportBenchWorkspace(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	for _, ext := range []string{".geojson", ".gpkg", ".shp", ".csv"} {
		b.Run(ext[1:], func(b *testing.B) {
			dir := b.TempDir()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				out := filepath.Join(dir, fmt.Sprintf("out%d%s", i, ext))
				rep, err := ws.Export(context.Background(), out, ExportOptions{Layers: []string{"pei"}})
				if err != nil || rep.Features["pei"] != 100_000 {
					b.Fatal(rep, err)
				}
			}
		})
	}
}
