package main

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/internal/pgtest"
)

// onPlatform opens the platform db (a file, made if missing, or a
// PostgreSQL URL), lets do read or change it, and closes it again so that
// the command under test opens it as it would in production.
func onPlatform(t *testing.T, db string, do func(st platform)) {
	t.Helper()
	st, err := openPlatform(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	do(st)
}

// forEachStorage runs fn as a subtest on a new platform file and on a new
// PostgreSQL database: db is what --db takes.
func forEachStorage(t *testing.T, fn func(t *testing.T, db string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "platform.gpkg")) })
	t.Run("postgres", func(t *testing.T) { fn(t, pgtest.NewDatabase(t)) })
}
