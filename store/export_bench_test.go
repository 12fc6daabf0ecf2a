package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// exportBenchWorkspace returns a workspace file holding benchGeoJSON's
// 100,000 points as layer pei, imported once and kept in the temp dir.
func exportBenchWorkspace(b *testing.B) string {
	b.Helper()
	return cachedBenchWorkspace(b, fmt.Sprintf("terrimap-export-bench-v%d.gpkg", benchFormat), func(ws *Workspace) {
		if _, err := ws.ImportFile(context.Background(), benchGeoJSON(b, 100_000), ImportOptions{Layer: "pei"}); err != nil {
			b.Fatal(err)
		}
	})
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
