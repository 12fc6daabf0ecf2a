package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"terrimap/store"
)

// runExport writes one layer, or all, of a workspace to GeoJSON or
// GeoPackage, optionally only what lies in one commune.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export")
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	layers := fs.String("layer", "", "layer(s) to export, comma-separated; all when omitted (GeoPackage only)")
	commune := fs.String("commune", "", "INSEE code of the commune to keep")
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return usageError(stderr, "export", "%v", err)
	case *workspace == "":
		return usageError(stderr, "export", "--workspace is required")
	case len(rest) != 1:
		return usageError(stderr, "export", "give exactly one output file (.geojson or .gpkg)")
	}
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if err != nil {
		return failure(stderr, "export", err)
	}
	defer ws.Close()
	opts := store.ExportOptions{Commune: *commune}
	if *layers != "" {
		opts.Layers = strings.Split(*layers, ",")
	}
	rep, err := ws.Export(context.Background(), rest[0], opts)
	if err != nil {
		return failure(stderr, "export", err)
	}
	total := 0
	for _, n := range rep.Features {
		total += n
	}
	where := ""
	if *commune != "" {
		where = " in commune " + *commune
	}
	fmt.Fprintf(stdout, "%d features of %d layer(s)%s written to %s.\n", total, len(rep.Features), where, rest[0])
	return 0
}
