package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"terrimap/store"
	"terrimap/store/srs"
)

// runImport imports a GeoJSON, Shapefile, CSV or GeoPackage file into a
// layer of a workspace (created if missing), all or nothing; a DXF plan
// goes into an existing layer (see runImportDXF).
func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import")
	workspace := fs.String("workspace", "", "workspace GeoPackage (created if missing)")
	layer := fs.String("layer", "", "target layer (created from the file's fields if missing)")
	srsFlag := fs.String("srs", "", "spatial reference of the file's coordinates, e.g. EPSG:2154")
	source := fs.String("source-layer", "", "layer of a GeoPackage with several")
	title := fs.String("title", "", "title of a layer the import creates")
	var dxf dxfFlags
	fs.StringVar(&dxf.crs, "dxf-crs", "", "coordinates of a DXF plan: auto, 2154 (Lambert-93) or 3947 (CC47)")
	fs.StringVar(&dxf.extent, "dxf-extent", "", "where a DXF plan may lie besides the workspace's data: minlon,minlat,maxlon,maxlat")
	fs.StringVar(&dxf.mapping, "dxf-map", "", "calque;champ;valeur CSV giving the DXF layers' values")
	fs.BoolVar(&dxf.dryRun, "dry-run", false, "preview a DXF plan without importing it")
	rest, err := parseFlags(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, importUsage)
		return 0
	case err != nil:
		return usageError(stderr, "import", "%v", err)
	case *workspace == "":
		return usageError(stderr, "import", "--workspace is required")
	case len(rest) != 1:
		return usageError(stderr, "import", "give exactly one file to import")
	case strings.EqualFold(filepath.Ext(rest[0]), ".dxf"):
		if *srsFlag != "" || *source != "" || *title != "" {
			return usageError(stderr, "import", "a DXF plan takes --dxf-crs, not --srs, and goes into an existing layer (no --title or --source-layer)")
		}
		return runImportDXF(*workspace, *layer, rest[0], dxf, stdout, stderr)
	case dxf != (dxfFlags{}):
		return usageError(stderr, "import", "--dxf-crs, --dxf-extent, --dxf-map and --dry-run are for DXF plans")
	}
	// The command has the workspace to itself: the import writes its pages
	// once (rollback journal) unless another program has the file open.
	opts := store.ImportOptions{Layer: *layer, Title: *title, SourceLayer: *source, Alone: true}
	if *srsFlag != "" {
		code, err := srs.Parse(*srsFlag)
		if err != nil {
			return usageError(stderr, "import", "--srs %s: %v (supported: %s)", *srsFlag, err, supportedSRS())
		}
		opts.SRS = code
	}
	_, statErr := os.Stat(*workspace)
	created := errors.Is(statErr, os.ErrNotExist)
	ws, err := store.OpenOrCreate(*workspace)
	if err != nil {
		return failure(stderr, "import", err)
	}
	rep, err := ws.ImportFile(context.Background(), rest[0], opts)
	ws.Close()
	if err != nil {
		if created {
			removeWorkspace(*workspace)
		}
		return failure(stderr, "import", fmt.Errorf("%w (nothing was imported)", err))
	}
	verb := "added to"
	if rep.CreatedLayer {
		verb = "imported into the new layer"
	}
	fmt.Fprintf(stdout, "%d %s %s %s (coordinates read in EPSG:%d, stored in EPSG:4326).\n", rep.Features, plural(rep.Features, "feature", "features"), verb, rep.Layer, rep.SourceSRS)
	if rep.SourceSRSDeduced {
		fmt.Fprintf(stdout, "The file does not declare its coordinate system: EPSG:%d was deduced from its coordinates (--srs chooses another).\n", rep.SourceSRS)
	}
	if len(rep.IgnoredFields) > 0 {
		fmt.Fprintf(stdout, "Fields the layer does not have, left out: %s.\n", strings.Join(rep.IgnoredFields, ", "))
	}
	fmt.Fprintln(stdout, "They are recorded as local changes and will be sent at the next sync.")
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// removeWorkspace deletes a workspace file the command created in vain.
func removeWorkspace(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func supportedSRS() string {
	var out []string
	for _, c := range srs.Codes() {
		out = append(out, fmt.Sprintf("EPSG:%d", c))
	}
	return strings.Join(out, ", ")
}
