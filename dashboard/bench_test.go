package dashboard

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// BenchmarkComputeDemo computes the whole demo territory's dashboard (the
// 24 communes: some 32,000 features) and one commune's.
func BenchmarkComputeDemo(b *testing.B) {
	path, err := demows.Cached("whole", orb.Bound{})
	if err != nil {
		b.Fatal(err)
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, insee := range []string{"", "71543"} {
		b.Run("insee="+insee, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compute(context.Background(), ws, insee, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchScale is the demo scale of the million-feature workspace, shared
// with icgp's BenchmarkComputeMillion (demows.CachedScale makes it once).
const benchScale = 35

// BenchmarkComputeMillion computes the dashboard of the whole
// intercommunality and of Tournus in a workspace of about a million
// features. The machine may be shared: cpu-s/op is the process's CPU time
// per operation, what the wall time would be alone on one core.
func BenchmarkComputeMillion(b *testing.B) {
	path, err := demows.CachedScale(benchScale)
	if err != nil {
		b.Fatal(err)
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, insee := range []string{"", "71543"} {
		b.Run("insee="+insee, func(b *testing.B) {
			b.ReportAllocs()
			before := cpuTime()
			for b.Loop() {
				if _, err := Compute(context.Background(), ws, insee, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-before).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
