package icgp

import (
	"context"
	"testing"

	"terrimap/internal/cputime"
	"terrimap/internal/demows"
)

// BenchmarkComputeMillion scores the whole intercommunality and one
// commune of the million-feature workspace of issue 16's benchmarks
// (demows.MillionScale: 1,168,254 features; made once in the temp dir,
// a minute or two the first time).
func BenchmarkComputeMillion(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	counts, err := ws.LayerCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	b.Logf("%d features, %d canalaep, %d canalass", total, counts["canalaep"], counts["canalass"])
	for _, insee := range []string{"", "71543"} {
		name := insee
		if name == "" {
			name = "intercommunalite"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cputime.Start()
			for b.Loop() {
				if _, err := Compute(context.Background(), ws, Options{INSEE: insee, Year: 2026}); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b)
		})
	}
}
