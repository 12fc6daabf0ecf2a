package integration

import (
	"context"
	"errors"
	"testing"

	"terrimap/sync/server"
)

// newPostgresDatabase returns the URL of a new, empty PostgreSQL database
// for t.
func newPostgresDatabase(t testing.TB) string {
	t.Helper()
	t.Fatal("the PostgreSQL storage is not there yet")
	return ""
}

// openPostgres opens the PostgreSQL platform at url.
func openPostgres(url string) (testStorage, error) {
	return nil, errors.New("the PostgreSQL storage is not there yet")
}

// backupPostgres dumps the PostgreSQL platform at url into out.
func backupPostgres(ctx context.Context, url, out string) (server.BackupSummary, error) {
	return server.BackupSummary{}, errors.New("the PostgreSQL storage is not there yet")
}

// restorePostgres restores a dump into a new database for t and returns its URL.
func restorePostgres(t testing.TB, dump string) string {
	t.Fatal("the PostgreSQL storage is not there yet")
	return ""
}

// newLastingPostgresDatabase returns the URL of a new, empty PostgreSQL
// database that lasts the whole run.
func newLastingPostgresDatabase() (string, error) {
	return "", errors.New("the PostgreSQL storage is not there yet")
}

// copyPostgres copies the PostgreSQL platform at url into a new database for b.
func copyPostgres(b *testing.B, url string) string {
	b.Fatal("the PostgreSQL storage is not there yet")
	return ""
}
