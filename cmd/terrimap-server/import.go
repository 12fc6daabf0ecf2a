package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

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
	if limit, ok := importMemoryLimitFor(os.Getenv("GOMEMLIMIT")); ok {
		debug.SetMemoryLimit(limit)
	}
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

// importMemoryLimit is the soft limit of the Go runtime's memory while a
// file is imported. The import streams (the file into a scratch
// workspace, then the scratch into the platform), so what it holds live
// is bounded by design; but with the default GOGC of 100 the heap grows
// to twice the live one between collections — the desk's import keeps the
// same limit for the same reason (cmd/terrimap/memlimit.go).
const importMemoryLimit = 160 << 20

// importMemoryLimitFor returns the limit to set for a GOMEMLIMIT value; ok
// is false when the environment sets one (a person tuning it knows better).
func importMemoryLimitFor(gomemlimit string) (limit int64, ok bool) {
	if gomemlimit != "" {
		return 0, false
	}
	return importMemoryLimit, true
}
