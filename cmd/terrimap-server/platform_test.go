package main

import (
	"testing"

	"terrimap/sync/server"
)

// onPlatform opens the platform file db (made if missing), lets do read or
// change it, and closes it again so that the command under test opens it
// as it would in production.
func onPlatform(t *testing.T, db string, do func(st *server.SQLiteStorage)) {
	t.Helper()
	st, err := server.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	do(st)
}
