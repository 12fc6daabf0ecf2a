package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkJournalUnfold100k times what an import of 100,000 points no
// longer pays and the first read of the journal to be sent does: writing
// the entries of its ranges (journal_ranges.go). The import, into a fresh
// workspace per iteration, is not timed.
func BenchmarkJournalUnfold100k(b *testing.B) {
	const n = 100_000
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
		if rep, err := ws.Import(ctx, ds, ImportOptions{}); err != nil || rep.Features != n {
			b.Fatal(rep, err)
		}
		b.StartTimer()
		if err := ws.unfoldJournal(ctx, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if c, err := ws.JournalCount(ctx); err != nil || c[StatePending] != n {
			b.Fatal(c, err)
		}
		ws.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
