package integration

import (
	"context"
	"errors"
	"testing"

	"terrimap/sync/server"
)

// errNoPostgres stands for the PostgreSQL storage until it is there.
var errNoPostgres = errors.New("the PostgreSQL storage is not there yet")

// newPostgresDatabase returns the URL of a new, empty PostgreSQL database
// for t.
func newPostgresDatabase(t testing.TB) string {
	t.Helper()
	t.Fatal(errNoPostgres)
	return ""
}

// openPostgres opens the PostgreSQL platform at url.
func openPostgres(url string) (testStorage, error) { return nil, errNoPostgres }

// backupPostgres dumps the PostgreSQL platform at url into out.
func backupPostgres(ctx context.Context, url, out string) (server.BackupSummary, error) {
	return server.BackupSummary{}, errNoPostgres
}

// restorePostgres restores a dump into a new database for t and returns its URL.
func restorePostgres(t testing.TB, dump string) string {
	t.Fatal(errNoPostgres)
	return ""
}
