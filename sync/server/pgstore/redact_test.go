package pgstore

import (
	"strings"
	"testing"
)

// Redact never lets a password through, whatever form the connection
// string takes, and keeps what tells the database apart.
func TestRedact(t *testing.T) {
	for _, c := range []struct{ db, want string }{
		{"postgres://terrimap:s3cret@db.local/plateforme", "postgres://terrimap:xxxxx@db.local/plateforme"},
		{"postgresql://db.local/plateforme?user=terrimap&password=s3cret", "postgresql://db.local/plateforme?password=xxxxx&user=terrimap"},
		{"postgres://db.local/plateforme", "postgres://db.local/plateforme"},
		// pgx also takes keyword/value strings and malformed URLs: nothing
		// of them is shown.
		{"host=db.local dbname=plateforme password=s3cret", "(a connection string, not shown)"},
		{"postgres://terrimap:s3 cret@db.local/plateforme", "postgres://…"},
	} {
		got := Redact(c.db)
		if got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.db, got, c.want)
		}
		if strings.Contains(got, "s3") {
			t.Errorf("Redact(%q) = %q shows the password", c.db, got)
		}
	}
}
