package pgstore

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// forBothBenchStorages runs a benchmark on a new SQLite platform and a new
// PostgreSQL one, side by side, each with the hydrants layer.
func forBothBenchStorages(b *testing.B, fn func(b *testing.B, st coreStore)) {
	put := func(b *testing.B, st coreStore) {
		if err := st.PutLayer(context.Background(), server.LayerRecord{Schema: hydrants()}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		st, err := server.OpenSQLite(filepath.Join(b.TempDir(), "platform.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		put(b, st)
		fn(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		st := openTestStorage(b)
		put(b, st)
		fn(b, st)
	})
}

// seedHydrants seeds n hydrants numbered from first.
func seedHydrants(b *testing.B, st coreStore, first, n int) {
	b.Helper()
	fs := make([]store.RemoteFeature, n)
	for i := range fs {
		h := hydrant(first+i, 1)
		fs[i] = store.RemoteFeature{UUID: testID(first + i), Geometry: h.Geometry, Properties: h.Properties}
	}
	if err := st.SeedFeatures(context.Background(), "hydrants", "import", fs); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWritePush10000 is a push of 10,000 updates in one transaction,
// as the push path runs it: the changes read ahead where the storage can,
// then each change reads the feature, its base version, and writes the
// new version.
func BenchmarkWritePush10000(b *testing.B) {
	const n = 10_000
	forBothBenchStorages(b, func(b *testing.B, st coreStore) {
		seedHydrants(b, st, 1, n)
		ctx := context.Background()
		b.ReportAllocs()
		round := int64(0)
		for b.Loop() {
			// The changes as push.go gives them to ReadAhead, where a
			// storage reads ahead (as it does for a real push).
			round++
			changes := make([]protocol.PushChange, n)
			for i := range changes {
				changes[i] = protocol.PushChange{ChangeID: testID(900_000_000 + int(round)*n + i), Layer: "hydrants", ID: testID(i + 1),
					Op: protocol.OpUpdate, BaseVersion: round}
			}
			err := st.Write(ctx, func(tx server.WriteTx) error {
				if ra, ok := tx.(interface {
					ReadAhead(string, []protocol.PushChange) error
				}); ok {
					if err := ra.ReadAhead("tournus", changes); err != nil {
						return err
					}
				}
				for i := 1; i <= n; i++ {
					id := testID(i)
					cur, err := tx.Feature("hydrants", id)
					if err != nil {
						return err
					}
					if _, err := tx.FeatureVersion("hydrants", id, cur.Version); err != nil {
						return err
					}
					next := hydrant(i, cur.Version+1)
					next.Properties["debit"] = float64(cur.Version)
					if _, err := tx.WriteVersion("hydrants", id, next, protocol.OpUpdate, "tournus", []string{"debit"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkChangesFirstSync100000 reads the whole feed of 100,000
// features in pages of protocol.MaxChangesLimit, as a desk's first sync.
func BenchmarkChangesFirstSync100000(b *testing.B) {
	forBothBenchStorages(b, func(b *testing.B, st coreStore) {
		seedHydrants(b, st, 1, 100_000)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for cursor, more := int64(0), true; more; {
				page, next, m, err := st.Changes(ctx, cursor, protocol.MaxChangesLimit, []string{"hydrants"})
				if err != nil {
					b.Fatal(err)
				}
				got += len(page)
				cursor, more = next, m
			}
			if got != 100_000 {
				b.Fatalf("first sync read %d features", got)
			}
		}
	})
}

// BenchmarkSeedFeatures100000 seeds 100,000 new features at once.
func BenchmarkSeedFeatures100000(b *testing.B) {
	forBothBenchStorages(b, func(b *testing.B, st coreStore) {
		b.ReportAllocs()
		round := 0
		for b.Loop() {
			seedHydrants(b, st, 1_000_000*(round+1), 100_000)
			round++
		}
		if round == 0 {
			b.Fatal("no round ran")
		}
	})
}
