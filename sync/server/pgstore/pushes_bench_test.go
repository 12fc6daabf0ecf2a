package pgstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"terrimap/sync/server"
)

// BenchmarkPushAnswers10000 looks up and stores the answers of a push of
// 10,000 new changes, as push.go does (reading ahead where the storage
// can), on SQLite and PostgreSQL side by side.
func BenchmarkPushAnswers10000(b *testing.B) {
	const n = 10_000
	stores := []struct {
		name string
		open func(b *testing.B) accountStore
	}{
		{"sqlite", func(b *testing.B) accountStore {
			st, err := server.OpenSQLite(filepath.Join(b.TempDir(), "platform.gpkg"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", func(b *testing.B) accountStore { return openTestStorage(b) }},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			st := s.open(b)
			ctx := context.Background()
			// The layer the changes name (read ahead: looked up once).
			if err := st.(server.Storage).PutLayer(ctx, server.LayerRecord{Schema: hydrants()}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for round := 0; b.Loop(); round++ {
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprintf("r%d-c%d", round, i)
				}
				err := st.Write(ctx, func(tx server.WriteTx) error {
					if err := readAhead(tx, "tournus", ids...); err != nil {
						return err
					}
					for _, id := range ids {
						if _, found, err := tx.PushResult("tournus", id); err != nil || found {
							return fmt.Errorf("answer to %s: found %v, %v", id, found, err)
						}
						if err := tx.SavePushResult("tournus", id, answer(id)); err != nil {
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
}
