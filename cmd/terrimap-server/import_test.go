package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/iogen"
	"terrimap/store"
	"terrimap/sync/server"
)

// An import is all or nothing on both storages, however late its bad
// feature comes: a file whose last feature is bad, and a stream that fails
// after two batches were written into the platform's transaction, leave
// every row of every table of the platform as it was, and the error names
// the feature.
func TestImportBadFeatureAtTheEndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "bornes.geojson")
	writePoints(t, good, 3000, "")
	badGeometry := filepath.Join(dir, "bad-geometry.geojson")
	writePoints(t, badGeometry, 3000, `{"type":"Feature","id":"PEI-3001","properties":{"nom":"Poteau"},"geometry":{"type":"Point","coordinates":[4.9]}}`)
	badValue := filepath.Join(dir, "bad-value.geojson")
	writePoints(t, badValue, 3000, `{"type":"Feature","id":"PEI-3001","properties":{"numero":"trois"},"geometry":{"type":"Point","coordinates":[4.9,46.5]}}`)
	forEachStorage(t, func(t *testing.T, db string) {
		if code, out, errs := runCmd(t, "", "import", "--db", db, "--layer", "bornes", good); code != 0 {
			t.Fatalf("import: exit %d: %s %s", code, out, errs)
		}
		before := dumpPlatform(t, db)
		if len(before) < 2*3000 { // the layer's rows and their versions at least
			t.Fatalf("the dump holds %d rows: it does not read the platform", len(before))
		}
		for _, c := range []struct{ layer, file, want string }{
			{"bornes", badGeometry, `feature 3001 (id "PEI-3001"): geometry`},
			{"bornes", badValue, `feature 3001`},
			{"neuve", badGeometry, `feature 3001 (id "PEI-3001"): geometry`}, // a layer it would create
		} {
			code, _, errs := runCmd(t, "", "import", "--db", db, "--layer", c.layer, c.file)
			if code != 1 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "nothing was imported") {
				t.Errorf("import %s: exit %d, %q; want 1 and an error naming %q", filepath.Base(c.file), code, errs, c.want)
			}
			if after := dumpPlatform(t, db); !slices.Equal(before, after) {
				t.Errorf("import %s changed the platform:\n%s", filepath.Base(c.file), firstDifference(before, after))
			}
		}
		// A stream that fails after two batches went into the transaction.
		n := 2*server.SeedBatchSize + 1
		stopped := errors.New("the file could not be read further")
		onPlatform(t, db, func(st platform) {
			err := st.SeedFeatureStream(context.Background(), "bornes", "import", func(yield func(store.RemoteFeature, error) bool) {
				for i := range n - 1 {
					f := store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
						Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"nom": "Poteau", "numero": int64(i)}}
					if !yield(f, nil) {
						return
					}
				}
				yield(store.RemoteFeature{}, stopped)
			})
			if !errors.Is(err, stopped) || !strings.Contains(err.Error(), fmt.Sprintf("feature %d", n)) {
				t.Errorf("a stream failing at feature %d: %v", n, err)
			}
		})
		if after := dumpPlatform(t, db); !slices.Equal(before, after) {
			t.Errorf("a failed stream changed the platform:\n%s", firstDifference(before, after))
		}
		if n := layerCount(t, db, "bornes"); n != "3000" {
			t.Errorf("bornes: %s features, want 3000", n)
		}
	})
}

// writePoints writes n generated points as a GeoJSON file, and last after
// them when it is not empty.
func writePoints(t *testing.T, path string, n int, last string) {
	t.Helper()
	var b bytes.Buffer
	if err := iogen.WritePoints(&b, n, iogen.Rand(7)); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if last != "" {
		out = append(bytes.TrimSuffix(out, []byte("\n]\n}\n")), []byte(",\n"+last+"\n]\n}\n")...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// dumpPlatform lists every row of every table of the platform database,
// each as "table: row", sorted.
func dumpPlatform(t *testing.T, db string) []string {
	t.Helper()
	ctx := context.Background()
	// column reads the first column of a query's rows; tables lists the
	// tables, rowsOf gives the query reading a table's rows as texts.
	var column func(q string, args ...any) ([]string, error)
	tables := `SELECT name FROM sqlite_master WHERE type = 'table'`
	rowsOf := func(table string) (string, error) {
		cols, err := column(`SELECT 'quote("' || name || '")' FROM pragma_table_info(?)`, table)
		return `SELECT ` + strings.Join(cols, ` || '|' || `) + ` FROM "` + table + `"`, err
	}
	if strings.HasPrefix(db, "postgres://") {
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		column = func(q string, args ...any) ([]string, error) {
			rs, err := conn.Query(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			return pgx.CollectRows(rs, pgx.RowTo[string])
		}
		tables = `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
			WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`
		rowsOf = func(table string) (string, error) { return `SELECT t::text FROM ` + table + ` t`, nil }
	} else {
		sdb, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		column = func(q string, args ...any) ([]string, error) { return sqliteColumn(sdb, q, args...) }
	}
	names, err := column(tables)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, table := range names {
		q, err := rowsOf(table)
		if err != nil {
			t.Fatal(err)
		}
		got, err := column(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			rows = append(rows, table+": "+r)
		}
	}
	slices.Sort(rows)
	return rows
}

// sqliteColumn reads the first column of a query's rows.
func sqliteColumn(db *sql.DB, q string, args ...any) ([]string, error) {
	rs, err := db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var s sql.NullString
		if err := rs.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rs.Err()
}

// firstDifference shows where two dumps part.
func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q, then %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%d rows, then %d", len(a), len(b))
}

// Once the features are committed, the import has succeeded: the upkeep
// that follows the commit (the planner's statistics on PostgreSQL, the
// GeoPackage R*Tree on SQLite), when it fails, is a warning — an error
// there made the command say nothing was imported when the file was in,
// and its retry imported the file twice.
func TestImportCommittedThenUpkeepFailsIsASuccess(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bornes.geojson")
	n := server.SeedBatchSize + 100 // two batches: the second leaves SQLite's R*Tree behind
	writePoints(t, file, n, "")
	forEachStorage(t, func(t *testing.T, db string) {
		if code, out, errs := runCmd(t, "", "import", "--db", db, "--layer", "bornes", file); code != 0 {
			t.Fatalf("first import: exit %d: %s %s", code, out, errs)
		}
		release := failUpkeep(t, db)
		code, out, errs := runCmd(t, "", "import", "--db", db, "--layer", "bornes", file)
		release()
		if code != 0 || !strings.Contains(out, fmt.Sprintf("%d features of bornes.geojson added to bornes", n)) ||
			!strings.Contains(errs, "warning") || strings.Contains(errs, "nothing was imported") {
			t.Errorf("import whose upkeep fails: exit %d, %q, %q; want 0, the features counted and a warning", code, out, errs)
		}
		if got := layerCount(t, db, "bornes"); got != fmt.Sprint(2*n) {
			t.Errorf("bornes: %s features, want %d", got, 2*n)
		}
	})
}

// failUpkeep makes the upkeep after a seed's commit fail on the platform
// db until release is called: on PostgreSQL another session holds a lock
// ANALYZE of the layer's table waits for (and the database's lock_timeout
// is short), on SQLite
// a trigger refuses to clear the mark of an R*Tree left behind.
func failUpkeep(t *testing.T, db string) (release func()) {
	t.Helper()
	ctx := context.Background()
	if !strings.HasPrefix(db, "postgres://") {
		sdb, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		if _, err := sdb.Exec(`CREATE TRIGGER upkeep_fails BEFORE DELETE ON tm_meta WHEN old.key LIKE 'rtree_behind:%'
			BEGIN SELECT RAISE(ABORT, 'the R*Tree upkeep fails'); END`); err != nil {
			t.Fatal(err)
		}
		return func() {
			sdb, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			defer sdb.Close()
			if _, err := sdb.Exec(`DROP TRIGGER upkeep_fails`); err != nil {
				t.Fatal(err)
			}
		}
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{conn.Config().Database}.Sanitize()+` SET lock_timeout = '200ms'`); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The layer's table: opening the platform reads terrimap's own.
	var table string
	if err := tx.QueryRow(ctx, `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE tablename = 'bornes'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE `+table+` IN SHARE UPDATE EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	return func() {
		tx.Rollback(ctx)
		conn.Close(ctx)
	}
}
