package store

import (
	"database/sql"
	"testing"
)

// extensionRows counts the rows of gpkg_extensions, and those that repeat
// another (same table, column and extension).
func extensionRows(t *testing.T, path string) (rows, repeated int) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, true, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.QueryRow(`SELECT count(*), count(*) - (SELECT count(*) FROM (SELECT DISTINCT table_name, column_name, extension_name FROM gpkg_extensions)) FROM gpkg_extensions`).Scan(&rows, &repeated)
	if err != nil {
		t.Fatal(err)
	}
	return rows, repeated
}

// Opening a workspace for writing must not add rows to gpkg_extensions:
// each open added its own tables' rows again (INSERT OR IGNORE ignores
// nothing when column_name is NULL, SQLite's NULLs being distinct in a
// UNIQUE constraint), so that a file changed by merely being opened; and a
// workspace that holds such repeated rows loses them at its next open.
func TestOpenKeepsExtensionsOnce(t *testing.T) {
	path := hydrantWorkspaceFile(t)
	first, repeated := extensionRows(t, path)
	if repeated != 0 {
		t.Fatalf("a new workspace holds %d repeated extension rows", repeated)
	}
	for i := 0; i < 3; i++ {
		ws, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ws.Close()
	}
	if rows, repeated := extensionRows(t, path); rows != first || repeated != 0 {
		t.Fatalf("after three opens: %d extension rows (%d repeated), want %d", rows, repeated, first)
	}

	db, err := sql.Open("sqlite", dsn(path, false, true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO gpkg_extensions SELECT * FROM gpkg_extensions WHERE column_name IS NULL`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, repeated := extensionRows(t, path); repeated == 0 {
		t.Fatal("the damaged file holds no repeated rows")
	}
	ws, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	if rows, repeated := extensionRows(t, path); rows != first || repeated != 0 {
		t.Fatalf("a damaged workspace reopened: %d extension rows (%d repeated), want %d", rows, repeated, first)
	}
}
