package report

import (
	"context"
	"io"
	"testing"

	"terrimap/internal/demows"
	"terrimap/mapview"
	"terrimap/store"
)

// BenchmarkSelect measures a selection in the demo territory of Tournus:
// the R-tree's candidates, each read and measured exactly, the outlines
// traced for drawing.
func BenchmarkSelect(b *testing.B) {
	benchSelect(b, demoWorkspace(b))
}

// BenchmarkSelectMillion measures the selections of BenchmarkSelect in
// the demo territory of 1.17 million features (issue 16: as fast as in the
// small one).
func BenchmarkSelectMillion(b *testing.B) {
	benchSelect(b, demows.OpenScale(b, demows.MillionScale))
}

// benchSelect measures a selection across a street and along it, in ws.
func benchSelect(b *testing.B, ws *store.Workspace) {
	for _, c := range []struct {
		name string
		zone Zone
	}{{"polygon", acrossStreet()}, {"line", alongStreet()}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			var sel *Selection
			for b.Loop() {
				var err error
				if sel, err = Select(ctx, ws, c.zone, Options{Buffer: DefaultBuffer}); err != nil {
					b.Fatal(err)
				}
			}
			reportPerItem(b, ws, sel, c.zone)
		})
	}
}

// BenchmarkWritePDF measures the whole report of a trench: outlines, the
// map drawn at 200 dpi, the pages.
func BenchmarkWritePDF(b *testing.B) {
	benchWritePDF(b, demoWorkspace(b))
}

// BenchmarkWritePDFMillion measures the report of BenchmarkWritePDF in the
// demo territory of 1.17 million features (issue 16: as fast as in the
// small one).
func BenchmarkWritePDFMillion(b *testing.B) {
	benchWritePDF(b, demows.OpenScale(b, demows.MillionScale))
}

// benchWritePDF measures the whole report of the trench along the street,
// in ws.
func benchWritePDF(b *testing.B, ws *store.Workspace) {
	ctx := context.Background()
	sel, err := Select(ctx, ws, alongStreet(), Options{Buffer: DefaultBuffer})
	if err != nil {
		b.Fatal(err)
	}
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	meta := testMeta(ws.Path())
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePDF(ctx, io.Discard, r, sel, meta); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(sel.Items)), "items")
}

// reportPerItem reports what the zone holds — the features the R-tree
// gives as candidates and the items kept — and the time per candidate:
// issue 16 wants the report as fast per feature of the zone in the
// large workspace as in the small one; what grows with the workspace
// rather than the zone shows as a cost per candidate that grows.
func reportPerItem(b *testing.B, ws *store.Workspace, sel *Selection, zone Zone) {
	b.Helper()
	reach := DefaultBuffer
	if zone.IsLine() {
		reach += zone.Width / 2
	}
	search := padDegrees(zone.Geometry.Bound(), reach)
	candidates := 0
	layers, err := searchedLayers(ws, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range layers {
		ws.Index().Search(l.Name(), search, func(int64) bool { candidates++; return true })
	}
	b.ReportMetric(float64(len(sel.Items)), "items")
	b.ReportMetric(float64(candidates), "candidates")
	if candidates > 0 && b.N > 0 {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(candidates), "µs/candidate")
	}
}
