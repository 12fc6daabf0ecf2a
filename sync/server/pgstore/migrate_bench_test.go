package pgstore

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/internal/pgtest"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/demoseed"
)

// BenchmarkMigrate migrates a demo platform (about 2,700 features, their
// versions, the communes and users) into a new database per iteration:
// read, COPY, read back and compare.
func BenchmarkMigrate(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "platform.gpkg")
	st, err := server.OpenSQLite(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demoseed.Seed(ctx, st, demo.GenerateOptions{Scale: 0.1}, nil); err != nil {
		b.Fatal(err)
	}
	st.Close()
	b.ReportAllocs()
	var versions int64
	for b.Loop() {
		b.StopTimer()
		db := pgtest.NewDatabase(b)
		b.StartTimer()
		rep, err := Migrate(ctx, path, db, MigrateOptions{})
		if err != nil || !rep.OK() {
			b.Fatalf("%v %+v", err, rep.Tables)
		}
		versions = rep.FeedEnd
	}
	b.ReportMetric(float64(versions)*float64(b.N)/b.Elapsed().Seconds(), "versions/s")
}
