package dashboard

import (
	"context"
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
