package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/srs"
)

// runExport writes one layer, or all, of a workspace to GeoPackage, or
// one to GeoJSON, Shapefile or CSV, optionally only what lies in one
// commune; it says what the file could not hold.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export")
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	layers := fs.String("layer", "", "layer(s) to export, comma-separated; all when omitted (GeoPackage only)")
	commune := fs.String("commune", "", "INSEE code of the commune to keep")
	srsFlag := fs.String("srs", "", "coordinates of a .shp or .csv: EPSG:4326 (the default) or EPSG:2154 (Lambert-93)")
	csvGeom := fs.String("csv", "wkt", "how a CSV holds the geometries: wkt (a WKT column) or xy (longitude and latitude columns, points only)")
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return usageError(stderr, "export", "%v", err)
	case *workspace == "":
		return usageError(stderr, "export", "--workspace is required")
	case len(rest) != 1:
		return usageError(stderr, "export", "give exactly one output file (.gpkg, .geojson, .shp or .csv)")
	case *csvGeom != "wkt" && *csvGeom != "xy":
		return usageError(stderr, "export", "--csv is wkt or xy, not %q", *csvGeom)
	}
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if err != nil {
		return failure(stderr, "export", err)
	}
	defer ws.Close()
	opts := store.ExportOptions{Commune: *commune}
	if *csvGeom == "xy" {
		opts.CSV = formats.CSVXY
	}
	if *srsFlag != "" {
		code, err := srs.Parse(*srsFlag)
		if err != nil {
			return usageError(stderr, "export", "--srs %s: %v", *srsFlag, err)
		}
		opts.SRS = code
	}
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
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "Warning: %s\n", warningText(w))
	}
	return 0
}

// warningText says in English what a file could not hold.
func warningText(w formats.Warning) string {
	switch w.Kind {
	case formats.WarnFieldRenamed:
		return fmt.Sprintf("field %s is named %s in the file (10 characters at most)", w.Field, w.Name)
	case formats.WarnTextCut:
		return fmt.Sprintf("%d texts of field %s were cut to 254 bytes", w.Count, w.Field)
	case formats.WarnDateTimeAsText:
		return fmt.Sprintf("the dates and times of field %s are written as text", w.Field)
	case formats.WarnGeometryDropped:
		return fmt.Sprintf("%d features are written without their geometry, which the file cannot hold beside the others", w.Count)
	case formats.WarnNumberTooWide:
		return fmt.Sprintf("%d numbers of field %s were too wide for the file and are left empty", w.Count, w.Field)
	}
	return fmt.Sprintf("%+v", w)
}
