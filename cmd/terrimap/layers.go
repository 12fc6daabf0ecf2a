package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"terrimap/store"
)

// runLayers lists the layers of a workspace: name, geometry type, count,
// and whether local edits may change it.
func runLayers(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("layers")
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return usageError(stderr, "layers", "%v", err)
	case *workspace == "":
		return usageError(stderr, "layers", "--workspace is required")
	case len(rest) > 0:
		return usageError(stderr, "layers", "unexpected argument %q", rest[0])
	}
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if err != nil {
		return failure(stderr, "layers", err)
	}
	defer ws.Close()
	counts, err := ws.LayerCounts(context.Background())
	if err != nil {
		return failure(stderr, "layers", err)
	}
	for _, w := range ws.Warnings() {
		fmt.Fprintf(stderr, "terrimap layers: warning: %s\n", w)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tTITLE\tGEOMETRY\tFEATURES\tFIELDS\tACCESS")
	for _, l := range ws.Layers() {
		access := "editable"
		if l.ReadOnly() {
			access = "read-only"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", l.Name(), l.Schema.DisplayTitle(), l.Schema.GeometryType, counts[l.Name()], len(l.Schema.Fields), access)
	}
	if err := tw.Flush(); err != nil {
		return failure(stderr, "layers", err)
	}
	if len(ws.Layers()) == 0 {
		fmt.Fprintln(stdout, "(no layers yet: terrimap import adds one)")
	}
	return 0
}
