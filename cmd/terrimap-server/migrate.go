package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"terrimap/sync/server/pgstore"
)

// runMigrate moves a SQLite platform into PostgreSQL (pgstore.Migrate),
// then prints what it compared, table by table.
func runMigrate(ctx context.Context, args []string, e env) error {
	fs := flags("migrate")
	from := fs.String("from", "", "the SQLite platform (GeoPackage), served or not")
	to := fs.String("to", "", "the PostgreSQL database (postgres:// URL): empty, or migrated from --from before")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*from, "from"); err != nil {
		return err
	}
	if err := need(*to, "to"); err != nil {
		return err
	}
	if !isPostgres(*to) {
		return fmt.Errorf("%w: --to must be a postgres:// URL", errUsage)
	}
	if isPostgres(*from) {
		return fmt.Errorf("%w: --from is the platform's GeoPackage file", errUsage)
	}
	progress := newProgressLine(e.stderr)
	rep, err := pgstore.Migrate(ctx, *from, *to, pgstore.MigrateOptions{
		Progress: func(step string, rows int64) {
			progress.step(migrateStep(step, rows))
		},
	})
	progress.end()
	rep.Target = shownDB(*to)
	if len(rep.Tables) > 0 {
		printMigration(e.stdout, rep)
	}
	if err != nil {
		return err
	}
	if rep.Already {
		fmt.Fprintf(e.stdout, "OK — %s: déjà migrée, vérifiée, rien d'écrit / already migrated, verified, nothing written.\n", rep.Target)
		return nil
	}
	fmt.Fprintf(e.stdout, "OK — %s → %s: migrée et vérifiée / migrated and verified (%s).\n", rep.Source, rep.Target, rep.Took.Round(100*time.Millisecond))
	fmt.Fprintf(e.stdout, "Serve it with: terrimap-server serve --db %s — desks sync on from their cursor (feed at %d), with the tokens they hold.\n", rep.Target, rep.FeedEnd)
	return nil
}

// migrateStep is the progress line of a migration's step: its name alone
// when it starts (a count of 0 there would read as an empty table), then the
// rows it has gone through so far.
func migrateStep(step string, rows int64) string {
	if rows == 0 {
		return fmt.Sprintf("%-40s", step+"…") // as wide as a count, to clear a line rewritten in place
	}
	return fmt.Sprintf("%-24s %9d rows…", step, rows)
}

// printMigration prints the table of a migration's checks: names, counts
// and checksums are the same in French and in English.
func printMigration(w io.Writer, rep pgstore.MigrateReport) {
	fmt.Fprintf(w, "%s → %s\n", rep.Source, rep.Target)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tSQLite\t\tPostgreSQL\t\t\t")
	for _, t := range rep.Tables {
		mark := "✓"
		if !t.Match {
			mark = "✗"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\t\n", t.Name, t.SourceRows, t.SourceSum, t.TargetRows, t.TargetSum, mark)
	}
	tw.Flush()
	fmt.Fprintf(w, "feed_clock = %d · schema_version = %d\n", rep.FeedEnd, rep.SchemaVersion)
}
