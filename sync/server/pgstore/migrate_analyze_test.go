package pgstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
)

// A migration leaves the planner statistics of what it copied: without
// them the feed's pages are planned blind (a first sync twice as slow)
// until autovacuum passes. COPY alone leaves pg_class.reltuples at -1.
func TestMigrateGathersStatistics(t *testing.T) {
	ctx := context.Background()
	src := newSQLitePlatform(t)
	src.http.Close()
	fs := make([]store.RemoteFeature, 200)
	for i := range fs {
		fs[i] = store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"type_pei": "PI"}}
	}
	if err := src.st.SeedFeatures(ctx, "pei", "import", fs); err != nil {
		t.Fatal(err)
	}
	dbURL := pgtest.NewDatabase(t)
	if _, err := Migrate(ctx, src.path, dbURL, MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, table := range []string{"terrimap.versions", "terrimap.heads", DefaultDataSchema + ".pei"} {
		var tuples float64
		if err := conn.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)`, table).Scan(&tuples); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if tuples < float64(len(fs)) {
			t.Errorf("%s: reltuples %v after the migration, want %d (ANALYZE)", table, tuples, len(fs))
		}
	}
}
