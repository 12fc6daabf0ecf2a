package dashboard

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/cputime"
	"terrimap/internal/demows"
	"terrimap/store"
)

// BenchmarkComputeDemo computes the dashboard of the demo territory (some
// 32,000 features), whole and of Tournus.
func BenchmarkComputeDemo(b *testing.B) {
	benchmarkCompute(b, demows.Open(b, "whole", orb.Bound{}))
}

// BenchmarkComputeMillion does the same in the million-feature workspace
// of issue 16's benchmarks (demows.MillionScale: 1,168,254 features),
// shared with icgp's BenchmarkComputeMillion.
func BenchmarkComputeMillion(b *testing.B) {
	benchmarkCompute(b, demows.OpenScale(b, demows.MillionScale))
}

// benchmarkCompute computes the dashboard of the whole intercommunality
// and of Tournus in ws. The machine may be shared: cpu-s/op is the
// process's CPU time per operation, what the wall time would be alone on
// one core.
func benchmarkCompute(b *testing.B, ws *store.Workspace) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, insee := range []string{"", "71543"} {
		b.Run("insee="+insee, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cputime.Start()
			for b.Loop() {
				if _, err := Compute(context.Background(), ws, insee, now); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b)
		})
	}
}
