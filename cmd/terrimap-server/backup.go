package main

import (
	"context"
	"fmt"

	"terrimap/sync/server"
	"terrimap/sync/server/pgstore"
)

// runBackup copies a platform, live or not: a SQLite platform to --out
// and --out.blobs, a PostgreSQL one with pg_dump to --out.
func runBackup(ctx context.Context, args []string, e env) error {
	fs := flags("backup")
	db := fs.String("db", "", dbUsage+", served or not")
	out := fs.String("out", "", "backup file; a GeoPackage's attachments go to the folder beside it, FILE.blobs (PostgreSQL: one pg_dump file, attachments included)")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	if err := need(*out, "out"); err != nil {
		return err
	}
	if isPostgres(*db) {
		return backupPostgres(ctx, *db, *out, e)
	}
	sum, err := server.Backup(ctx, *db, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "terrimap-server: %s backed up to %s (%d bytes, integrity check %s); attachments in %s: %d copied (%d bytes), %d already there\n",
		*db, sum.Database, sum.Bytes, sum.IntegrityCheck, sum.Blobs, sum.Copied, sum.CopiedBytes, sum.Kept)
	return nil
}

// backupPostgres dumps a PostgreSQL platform with pg_dump (custom format).
func backupPostgres(ctx context.Context, db, out string, e env) error {
	sum, err := pgstore.Dump(ctx, db, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "terrimap-server: %s backed up to %s with pg_dump %d (server %d): %d bytes, %d entries read back by pg_restore --list; attachments included; restore it with pg_restore (README, «On PostgreSQL/PostGIS»).\n",
		shownDB(db), sum.File, sum.PgDump, sum.Server, sum.Bytes, sum.Entries)
	return nil
}
