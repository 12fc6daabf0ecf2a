package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"terrimap/sync/server/pgstore"
)

// errNeedsPostgres is returned for what only a PostgreSQL platform does:
// direct edits of its tables, database roles.
var errNeedsPostgres = errors.New("only a PostgreSQL platform (--db postgres://…) has database roles and tables edited directly")

// startCapture starts, on a PostgreSQL platform, the worker that turns
// direct edits of the layer tables (QGIS, psql, ogr2ogr) into versions;
// Close stops it.
func startCapture(st platform, log *slog.Logger) {
	if pg, ok := st.(*pgstore.Storage); ok {
		pg.StartCapture(log)
	}
}

// tieRole ties database role dbRole to a user of a PostgreSQL platform
// (pgstore.Storage.TieRole) and says what it did.
func tieRole(ctx context.Context, st platform, user, dbRole string, e env) error {
	pg, ok := st.(*pgstore.Storage)
	if !ok {
		return fmt.Errorf("--db-role: %w", errNeedsPostgres)
	}
	created, err := pg.TieRole(ctx, user, dbRole)
	if err != nil {
		return fmt.Errorf("user %s is saved, but database role %s is not tied to it (once the role exists, run this user add again: it asks the password again and signs %s's desks out): %w", user, dbRole, user, err)
	}
	if created {
		fmt.Fprintf(e.stdout, "Database role %s created (NOLOGIN: the database administrator gives it a password, or grants it to login roles).\n", dbRole)
	}
	fmt.Fprintf(e.stdout, "Database role %s tied to %s: PostgreSQL holds it to %s's rights and territory, and its direct edits are %s's.\n", dbRole, user, user, user)
	return nil
}

// runReconcile compares every layer table of a PostgreSQL platform with
// its feed, settles the differences and prints what it did.
func runReconcile(ctx context.Context, args []string, e env) error {
	fs := flags("reconcile")
	db := fs.String("db", "", "platform database: a postgres:// URL")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	if !isPostgres(*db) {
		return fmt.Errorf("reconcile: %w", errNeedsPostgres)
	}
	st, err := pgstore.Open(ctx, *db, pgstore.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	rep, err := st.Reconcile(ctx, log)
	for _, r := range rep.Repairs {
		fmt.Fprintf(e.stdout, "repaired: %s\n", r)
	}
	c := rep.Capture
	fmt.Fprintf(e.stdout, "captured direct edits: %d, versions %d, left for later %d, refused by the schema %d\n", c.Captured, c.Versions, c.Busy, c.Issues)
	fmt.Fprintf(e.stdout, "differences between tables and feed: %d, versions %d, left for later %d, refused by the schema %d\n", rep.Differences, rep.Versions, rep.Busy, rep.Issues)
	return err
}
