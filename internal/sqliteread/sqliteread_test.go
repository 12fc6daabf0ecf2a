package sqliteread

import (
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"terrimap/internal/sqlitedsn"
)

// testFile is a SQLite file of one table t(i INTEGER, r REAL, s TEXT, b
// BLOB, d DATE) with three rows, written by the database/sql driver.
func testFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t é?#.db")
	db, err := sql.Open("sqlite", sqlitedsn.URI(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, d date)`,
		`INSERT INTO t VALUES (1, 1.5, 'un', x'0001', '2024-03-01'), (-9007199254740993, -0.25, 'é"` + "\n" + `', x'', NULL), (NULL, NULL, '', NULL, 20240301)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// value is column i of the current row of r as Go holds it.
func value(r *Rows, i int) any {
	switch r.Type(i) {
	case Integer:
		return r.Int64(i)
	case Float:
		return r.Float64(i)
	case Text:
		return string(r.Text(i))
	case Blob:
		return append([]byte{}, r.Blob(i)...)
	}
	return nil
}

func TestQueryReadsEveryStorageClass(t *testing.T) {
	c, err := Open(sqlitedsn.URI(testFile(t), "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  [][]any
	}{
		{"all", `SELECT i, r, s, b, d FROM t ORDER BY rowid`, nil, [][]any{
			{int64(1), 1.5, "un", []byte{0, 1}, "2024-03-01"},
			{int64(-9007199254740993), -0.25, "é\"\n", []byte{}, nil},
			{nil, nil, "", nil, int64(20240301)},
		}},
		{"int and float parameters", `SELECT s FROM t WHERE i = ? OR r = ?`, []any{int64(1), -0.25}, [][]any{{"un"}, {"é\"\n"}}},
		{"text and blob parameters", `SELECT i FROM t WHERE s = ? OR b = ?`, []any{"", []byte{0, 1}}, [][]any{{int64(1)}, {nil}}},
		{"int, bool and nil parameters", `SELECT ?, ?, ?, ?`, []any{7, true, false, nil}, [][]any{{int64(7), int64(1), int64(0), nil}}},
		{"no row", `SELECT i FROM t WHERE 0`, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Query(tc.query, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got [][]any
			for {
				more, err := r.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !more {
					break
				}
				row := make([]any, r.Columns())
				for i := range row {
					row[i] = value(r, i)
				}
				got = append(got, row)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestDeclType(t *testing.T) {
	c, err := Open(sqlitedsn.URI(testFile(t), "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Query(`SELECT i, d, +d, s || '' FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for i := range r.Columns() {
		got = append(got, r.DeclType(i))
	}
	if want := []string{"INTEGER", "DATE", "", ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("DeclType: %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	path := testFile(t)
	if _, err := Open(sqlitedsn.URI(filepath.Join(t.TempDir(), "absent.db"), "mode=ro")); err == nil {
		t.Error("a missing file opened")
	}
	c, err := Open(sqlitedsn.URI(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(`INSERT INTO t (i) VALUES (2)`); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write on a read-only connection: %v", err)
	}
	if _, err := c.Query(`SELECT absent FROM t`); err == nil || !strings.Contains(err.Error(), "no such column: absent") {
		t.Errorf("a bad query: %v", err)
	}
	if _, err := c.Query(`SELECT ?`, struct{}{}); err == nil || !strings.Contains(err.Error(), "unsupported type") {
		t.Errorf("a parameter of no SQLite type: %v", err)
	}
	r, err := c.Query(`SELECT i FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(`SELECT i FROM t`); err == nil {
		t.Error("a second query while the first is open")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	if _, err := c.Query(`SELECT 1`); !errors.Is(err, ErrClosed) {
		t.Errorf("Query after Close: %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// TestSnapshot: a transaction reads the file as it was at its first read,
// whatever is written meanwhile.
func TestSnapshot(t *testing.T) {
	path := testFile(t)
	db, err := sql.Open("sqlite", sqlitedsn.URI(path, "_pragma=journal_mode(WAL)"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA journal_mode = WAL`); err != nil {
		t.Fatal(err)
	}
	c, err := Open(sqlitedsn.URI(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	count := func() int64 {
		r, err := c.Query(`SELECT count(*) FROM t`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if more, err := r.Next(); !more || err != nil {
			t.Fatal(more, err)
		}
		return r.Int64(0)
	}
	if err := c.Exec("BEGIN"); err != nil {
		t.Fatal(err)
	}
	before := count()
	if _, err := db.Exec(`INSERT INTO t (i) VALUES (4)`); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before {
		t.Errorf("in the transaction: %d rows, then %d", before, n)
	}
	if err := c.Exec("ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before+1 {
		t.Errorf("after it: %d rows, want %d", n, before+1)
	}
}
