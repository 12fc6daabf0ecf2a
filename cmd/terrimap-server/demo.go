package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"terrimap/sync/server/demo"
	"terrimap/sync/server/demoseed"
)

func runDemo(ctx context.Context, args []string, e env) error {
	fs := flags("demo")
	db := fs.String("db", "", "platform to create: a new GeoPackage file, or an empty PostgreSQL database (postgres:// URL)")
	scale := fs.Float64("scale", 1, "size of the generated networks (1: ~27,000 features, 50: ~1,000,000)")
	creds := fs.String("credentials", "", "also write the demo users and passwords to this file (mode 0600)")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	if _, err := os.Stat(*db); err == nil {
		return fmt.Errorf("%s exists already: the demo seeds a new platform (remove the file to start again)", *db)
	}
	st, err := openPlatform(ctx, *db)
	if err != nil {
		return err
	}
	if err := refuseSeeded(ctx, st, *db); err != nil {
		st.Close()
		return err
	}
	start := time.Now()
	progress := newProgressLine(e.stderr)
	users, err := demoseed.Seed(ctx, st, demo.GenerateOptions{Scale: *scale}, func(layer string, n int) {
		progress.step(fmt.Sprintf("%-16s %9d features", layer, n))
	})
	progress.end()
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if isPostgres(*db) {
			return fmt.Errorf("%w (the database is left as it is: drop and re-create it to start again)", err)
		}
		os.Remove(*db)
		os.RemoveAll(*db + ".blobs")
		return err
	}
	fmt.Fprintf(e.stdout, "Demo platform %s seeded in %s.\n", shownDB(*db), time.Since(start).Round(100*time.Millisecond))
	fmt.Fprintln(e.stdout, "Data: IGN Admin Express (Licence Ouverte), Natural Earth; networks generated for the demonstration.")
	fmt.Fprintln(e.stdout, "\nUsers (the passwords are shown only now):")
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, u := range users {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Name, u.Password, u.Description)
	}
	tw.Flush()
	fmt.Fprint(e.stdout, b.String())
	if *creds != "" {
		var f strings.Builder
		for _, u := range users {
			fmt.Fprintf(&f, "%s %s %s %s\n", u.Name, u.Password, u.Org, u.Role)
		}
		if err := os.WriteFile(*creds, []byte(f.String()), 0o600); err != nil {
			return fmt.Errorf("write credentials: %w", err)
		}
	}
	return nil
}

// refuseSeeded refuses a platform that has layers already: the demo seeds
// a new platform only (a new file is checked before it is opened; a
// PostgreSQL database must be empty).
func refuseSeeded(ctx context.Context, st platform, db string) error {
	layers, err := st.Layers(ctx)
	if err != nil {
		return err
	}
	if len(layers) > 0 {
		return fmt.Errorf("%s holds a platform already (%d layers): the demo seeds a new platform only", shownDB(db), len(layers))
	}
	return nil
}
