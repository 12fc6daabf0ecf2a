package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/srs"
)

// importUsage is what terrimap import --help prints.
const importUsage = `Usage:
  terrimap import --workspace WS [--layer NAME] [--srs EPSG:2154] [--title T] [--source-layer L] FILE
  terrimap import --workspace WS --layer NAME [--dxf-crs auto|2154|3947] [--dxf-extent W,S,E,N] [--dxf-map MAP.csv] [--dry-run] PLAN.dxf

FILE is GeoJSON, a Shapefile, a CSV file with coordinate columns or a GeoPackage; the
layer is created from its fields when it does not exist. WS is created when missing.
When nothing else has WS open, the import writes it with SQLite's rollback journal (each
page written once) and sets the WAL back after: a program that opens WS meanwhile (the
app, QGIS) waits for the import to end and may be told the database is locked.

A DXF plan (plan de récolement) in Lambert-93 or CC47 goes into the existing layer NAME:
its polylines, lines and arcs into a line layer, its points and block references (INSERT)
into a point layer, its closed polylines into a polygon layer. What does not fit the layer,
text and other entities are counted and reported, not imported. --dxf-crs auto (the
default) finds the system from the coordinates; a plan whose coordinates do not fall on
the territory is refused, saying what they likely are. The territory is the extent of the
workspace's data, and the extent --dxf-extent gives in longitude/latitude
(minlon,minlat,maxlon,maxlat: the intercommunality's, 4.7428,46.3991,4.9862,46.5960 for
the CCMT).
--dry-run prints what the import would do (counts per DXF layer, coordinate system,
extent, problems) and writes nothing.

--dxf-map gives the values of the DXF layers' features: a CSV file, separator ";",
one value a row (header row optional, lines starting with # are comments):
  calque;champ;valeur
  *;datemaj;2024-06-01                   * : every DXF layer
  *;idcana;REC-{fichier}-{n}             {n} number in the import, {calque} DXF layer,
                                         {id} DXF handle, {fichier} DXF file name
  AEP_FONTE_150;materiau;Fonte ductile   a code of the field's list, or its label
  AEP_FONTE_150;diametre;150
  TEXTES;;ignorer                        leave this DXF layer out
  *;;ignorer                             leave out every DXF layer not named
A value that does not fit its field, an unknown field or a required field left empty
stops the import before anything is written.

An import is one transaction: on any error nothing is imported. Imported features are
recorded as local changes and sent at the next sync.
`

// dxfFlags are the import flags for DXF plans.
type dxfFlags struct {
	crs     string // --dxf-crs
	extent  string // --dxf-extent
	mapping string // --dxf-map
	dryRun  bool   // --dry-run
}

// runImportDXF previews a DXF plan and, unless it is a dry run, imports it
// into an existing layer of an existing workspace.
func runImportDXF(workspace, layer, path string, f dxfFlags, stdout, stderr io.Writer) int {
	if layer == "" {
		return usageError(stderr, "import", "--layer is required: a DXF plan goes into an existing layer")
	}
	crs, err := parseDXFCRS(f.crs)
	if err != nil {
		return usageError(stderr, "import", "--dxf-crs %s: give auto, 2154 (Lambert-93) or 3947 (CC47)", f.crs)
	}
	var territory orb.Bound
	if f.extent != "" {
		if territory, err = parseExtent(f.extent); err != nil {
			return usageError(stderr, "import", "--dxf-extent %s: %v", f.extent, err)
		}
	}
	var mapping formats.DXFMapping
	if f.mapping != "" {
		if mapping, err = formats.ReadDXFMappingFile(f.mapping); err != nil {
			return failure(stderr, "import", fmt.Errorf("%w (nothing was imported)", err))
		}
	}
	ws, err := store.Open(workspace, store.Options{ReadOnly: f.dryRun})
	if err != nil {
		return failure(stderr, "import", err)
	}
	defer ws.Close()
	ctx := context.Background()
	p, err := ws.PreviewDXF(ctx, path, store.DXFOptions{Layer: layer, CRS: crs, Mapping: mapping, Territory: territory})
	if err != nil {
		return failure(stderr, "import", fmt.Errorf("%w (nothing was imported)", err))
	}
	if f.dryRun {
		if err := printDXFPreview(stdout, p, mapping.Common); err != nil {
			return failure(stderr, "import", err)
		}
		fmt.Fprintln(stdout, "Dry run: nothing was imported.")
		return 0
	}
	rep, err := ws.ImportDXF(ctx, p)
	if err != nil {
		return failure(stderr, "import", fmt.Errorf("%w (nothing was imported)", err))
	}
	fmt.Fprintf(stdout, "%d %s added to %s from %s (coordinates read in %s, stored in EPSG:4326).\n",
		rep.Features, plural(rep.Features, "feature", "features"), rep.Layer, p.File, crsDescription(p))
	if len(p.Problems) > 0 {
		fmt.Fprintln(stdout, "Not imported, or to check:")
		for _, pb := range p.Problems {
			fmt.Fprintf(stdout, "  - %s.\n", pb.Message)
		}
	}
	fmt.Fprintln(stdout, "They are recorded as local changes and will be sent at the next sync.")
	return 0
}

// parseDXFCRS reads --dxf-crs: "" or auto gives 0; otherwise Lambert-93
// or CC47 under any name srs.Parse reads.
func parseDXFCRS(s string) (int, error) {
	if s == "" || strings.EqualFold(s, "auto") {
		return 0, nil
	}
	code, err := srs.Parse(s)
	if err != nil {
		return 0, err
	}
	if code != srs.Lambert93 && code != srs.CC47 {
		return 0, fmt.Errorf("EPSG:%d: %w", code, srs.ErrUnsupportedSRS)
	}
	return code, nil
}

func crsDescription(p *store.DXFPreview) string {
	name := map[int]string{srs.Lambert93: "Lambert-93", srs.CC47: "CC47"}[p.CRS]
	how := "as given"
	if p.Detected {
		how = "found from the coordinates"
	}
	return fmt.Sprintf("EPSG:%d %s, %s", p.CRS, name, how)
}

// printDXFPreview writes what importing a plan would do; the values common
// to every DXF layer are written once, above the table.
func printDXFPreview(w io.Writer, p *store.DXFPreview, common map[string]string) error {
	fmt.Fprintf(w, "Plan %s into layer %s (%s)\n", p.File, p.Layer, p.GeometryType)
	fmt.Fprintf(w, "Coordinates: %s\n", crsDescription(p))
	if len(p.Features) > 0 {
		fmt.Fprintf(w, "Extent: x %.2f to %.2f, y %.2f to %.2f (EPSG:%d); lon %.6f to %.6f, lat %.6f to %.6f\n",
			p.SourceBound.Min[0], p.SourceBound.Max[0], p.SourceBound.Min[1], p.SourceBound.Max[1], p.CRS,
			p.Bound.Min[0], p.Bound.Max[0], p.Bound.Min[1], p.Bound.Max[1])
	}
	fmt.Fprintf(w, "To import: %d %s (%d %s, %d %s)\n\n", len(p.Features), plural(len(p.Features), "feature", "features"),
		p.Points, plural(p.Points, "point", "points"), p.Lines, plural(p.Lines, "line", "lines"))
	if len(common) > 0 {
		fmt.Fprintf(w, "Values for every DXF layer: %s\n\n", valuesText(common, nil))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DXF LAYER\tENTITIES\tPOINTS\tLINES\tLEFT OUT\tWRONG GEOMETRY\tOUTSIDE\tOTHER TYPES\tVALUES")
	for _, s := range p.Layers {
		if s.Entities == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Name, s.Entities, s.Points, s.Lines,
			s.Skipped, s.Mismatched, s.Outside, s.Unsupported, valuesText(s.Values, common))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Problems) > 0 {
		fmt.Fprintln(w, "\nProblems:")
		for _, pb := range p.Problems {
			mark := ""
			if pb.Blocking {
				mark = "[blocks the import] "
			}
			fmt.Fprintf(w, "  - %s%s.\n", mark, pb.Message)
		}
	}
	return nil
}

// valuesText writes mapped values as field=value pairs, but for those
// equal to the common ones.
func valuesText(values, common map[string]string) string {
	pairs := make([]string, 0, len(values))
	for k, v := range values {
		if c, ok := common[k]; !ok || c != v {
			pairs = append(pairs, k+"="+v)
		}
	}
	if len(pairs) == 0 {
		return "-"
	}
	slices.Sort(pairs)
	return strings.Join(pairs, " ")
}
