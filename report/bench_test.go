package report

import (
	"context"
	"io"
	"testing"
	"time"

	"terrimap/internal/cputime"
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
			cpu, _ := cputime.Used()
			for b.Loop() {
				var err error
				if sel, err = Select(ctx, ws, c.zone, Options{Buffer: DefaultBuffer}); err != nil {
					b.Fatal(err)
				}
			}
			end, _ := cputime.Used()
			reportPerItem(b, ws, sel, c.zone, end-cpu)
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
	// One report before the clock: the map's layers other than the
	// networks have their R-trees loaded when first drawn (store/index.go
	// loads a layer's tree lazily; the app's map has loaded them long
	// before a report is asked for), and that load scales with the
	// workspace, not the zone.
	if err := WritePDF(ctx, io.Discard, r, sel, meta); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cputime.Start()
	for b.Loop() {
		if err := WritePDF(ctx, io.Discard, r, sel, meta); err != nil {
			b.Fatal(err)
		}
	}
	cpu.Report(b)
	b.ReportMetric(float64(len(sel.Items)), "items")
}

// reportPerItem reports what the zone holds — the features the R-tree
// gives as candidates and the items kept — and the time per candidate:
// issue 16 wants the report as fast per feature of the zone in the
// large workspace as in the small one; what grows with the workspace
// rather than the zone shows as a cost per candidate that grows. cpu is
// the CPU time the b.N selections took.
func reportPerItem(b *testing.B, ws *store.Workspace, sel *Selection, zone Zone, cpu time.Duration) {
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
		// The CPU time, on every thread: on a loaded machine the wall
		// time says more about the other programs.
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(candidates), "cpu-µs/candidate")
	}
}
