package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"terrimap/internal/memlimit"
	"terrimap/store"
	"terrimap/store/srs"
	"terrimap/sync/server"
)

func runImport(ctx context.Context, args []string, e env) error {
	fs := flags("import")
	db := fs.String("db", "", dbUsage)
	layer := fs.String("layer", "", "target layer (created from the file's fields when missing)")
	srsFlag := fs.String("srs", "", "spatial reference of the file, e.g. EPSG:2154")
	attributesOnly := fs.Bool("attributes-only", false, "rows without geometry are meant (a CSV of settings such as dtdict_ouvrages)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := need(*db, "db"); err != nil {
		return err
	}
	if err := need(*layer, "layer"); err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: give one file to import", errUsage)
	}
	opts := store.ImportOptions{Layer: *layer, AttributesOnly: *attributesOnly}
	if *srsFlag != "" {
		if opts.SRS, err = srs.Parse(*srsFlag); err != nil {
			return fmt.Errorf("%w: --srs: %v", errUsage, err)
		}
	}
	memlimit.Set(memlimit.FileCommand, os.Getenv("GOMEMLIMIT"))
	st, err := openPlatform(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := server.ImportFile(ctx, st, rest[0], opts, "import")
	if errors.Is(err, store.ErrNoGeometry) {
		return fmt.Errorf("%w (nothing was imported; if the rows are meant without geometry, as a table of settings, add --attributes-only)", err)
	}
	if err != nil {
		return fmt.Errorf("%w (nothing was imported)", err)
	}
	what := "added to"
	if rep.Created {
		what = "imported into the new layer"
	}
	fmt.Fprintf(e.stdout, "%d features of %s %s %s; clients receive them at their next sync.\n", rep.Features, filepath.Base(rest[0]), what, *layer)
	if rep.Upkeep != nil {
		fmt.Fprintf(e.stderr, "terrimap-server import: warning: %v (do not import the file again)\n", rep.Upkeep)
	}
	return nil
}
