package main

import (
	"context"

	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
)

// platform is a platform's storage as the commands use it: the SQLite
// (GeoPackage) file or the PostgreSQL database.
type platform interface {
	server.Seeder
	// LayerCounts returns how many current features each layer holds.
	LayerCounts(ctx context.Context) (map[string]int, error)
}

// dbUsage is the help of every --db flag.
const dbUsage = "platform database: a GeoPackage file, or a postgres:// URL"

// openPlatform opens the platform db names: the PostgreSQL database of a
// postgres:// or postgresql:// URL, else the GeoPackage file (created when
// missing).
func openPlatform(ctx context.Context, db string) (platform, error) {
	if isPostgres(db) {
		st, err := pgstore.Open(ctx, db, pgstore.Options{})
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	st, err := server.OpenSQLite(db)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// isPostgres reports whether db names a PostgreSQL database.
func isPostgres(db string) bool { return pgstore.IsURL(db) }

// shownDB is db as messages show it: a URL's password is masked.
func shownDB(db string) string {
	if !isPostgres(db) {
		return db
	}
	return pgstore.Redact(db)
}
