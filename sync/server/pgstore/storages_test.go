package pgstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"terrimap/internal/pgtest"
	"terrimap/sync/server"
)

// openTestStorage opens the platform on a fresh PostgreSQL database,
// closed when the test ends.
func openTestStorage(t testing.TB) *Storage {
	t.Helper()
	st, err := Open(context.Background(), pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// accountStore is the part of server.Storage that keeps organisations,
// users, tokens and answered pushes: the contract the account tests check
// on both storages.
type accountStore interface {
	Organisation(ctx context.Context, id string) (server.Organisation, error)
	PutOrganisation(ctx context.Context, o server.Organisation) error
	User(ctx context.Context, name string) (server.User, error)
	PutUser(ctx context.Context, u server.User) error
	PutToken(ctx context.Context, hash, user string, expires time.Time) error
	TokenUser(ctx context.Context, hash string, now time.Time) (string, error)
	server.Accounts
	Write(ctx context.Context, fn func(server.WriteTx) error) error
}

// forBothStorages runs fn as a subtest on a new SQLite platform and on a
// new PostgreSQL one.
func forBothStorages(t *testing.T, fn func(t *testing.T, st accountStore)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	t.Run("postgres", func(t *testing.T) { fn(t, openTestStorage(t)) })
}
