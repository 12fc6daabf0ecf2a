package sqlitedsn

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func TestURI(t *testing.T) {
	for _, c := range []struct {
		path   string
		params []string
		want   string
	}{
		{"/srv/plateforme.gpkg", nil, "file:/srv/plateforme.gpkg"},
		{"/srv/a b.gpkg", []string{"mode=ro"}, "file:/srv/a b.gpkg?mode=ro"},
		{"/srv/100%?#.gpkg", []string{"_pragma=busy_timeout(10000)", "mode=ro"}, "file:/srv/100%25%3f%23.gpkg?_pragma=busy_timeout(10000)&mode=ro"},
	} {
		if got := URI(c.path, c.params...); got != c.want {
			t.Errorf("URI(%q, %q) = %q, want %q", c.path, c.params, got, c.want)
		}
	}
}

// TestURIOpensTheFile writes through one address and reads through
// another, for a file whose name holds every character the URI escapes:
// both must reach the same file, not one named by a cut address.
func TestURIOpensTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Mairie 100% #2?.gpkg")
	w, err := sql.Open("sqlite", URI(path, "_pragma=journal_mode(WAL)"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`CREATE TABLE pei (numero TEXT); INSERT INTO pei VALUES ('PI-12')`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file was not made at its path: %v", err)
	}
	r, err := sql.Open("sqlite", URI(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var numero string
	if err := r.QueryRow(`SELECT numero FROM pei`).Scan(&numero); err != nil || numero != "PI-12" {
		t.Fatalf("read %q, %v", numero, err)
	}
	if _, err := r.Exec(`INSERT INTO pei VALUES ('PI-13')`); err == nil {
		t.Fatal("mode=ro was not applied: the read-only address wrote")
	}
}
