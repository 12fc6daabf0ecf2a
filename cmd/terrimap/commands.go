package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"terrimap/app"
)

// A command is a headless subcommand of terrimap: terrimap NAME ARGS….
type command struct {
	name    string
	summary string // one line, for terrimap help
	// run does the work with the arguments after the name and returns the
	// exit status: 0 on success, 1 on failure, 2 on a usage error. It
	// writes errors to stderr, one sentence each.
	run func(args []string, stdout, stderr io.Writer) int
}

// commands lists the commands, in the order help shows them. Adding a
// command is adding one line here; its run function lives in its own file.
func commands() []command {
	return []command{
		{"help", "list the commands and the desktop app's flags", runHelp},
		{"layers", "--workspace WS: list the layers, geometry types and feature counts", runLayers},
		{"import", "--workspace WS [--layer NAME] [--srs EPSG:2154] FILE: import GeoJSON, Shapefile, CSV or GeoPackage; a DXF plan with [--dxf-crs auto|2154|3947] [--dxf-map MAP.csv] [--dry-run] (terrimap import --help)", runImport},
		{"export", "--workspace WS [--layer NAME] [--commune INSEE] [--csv wkt|xy] [--srs EPSG:2154] OUT: write .gpkg, or one layer as .geojson, .shp (with .shx .dbf .prj .cpg) or .csv", runExport},
		{"render", "--workspace WS [--bbox …] [--size WxH | --paper A4|A3 [--landscape]] [--layers a,b] [--basemap none|NAME] --out map.png|map.pdf: print the map", runRender},
		{"report", "--workspace WS --zone zone.geojson [--buffer 5] [--width W] --out report.pdf [--geojson found.geojson]: the networks under a work zone, before works (in French)", runReport},
		{"indicators", "--workspace WS [--commune INSEE] [--year 2026] --out annexe.pdf [--csv indicateurs.csv]: the RPQS annex — ICGP of water and sewers, renewal rates, inventory, charts (in French)", runIndicators},
		{"dtdict", "import|answer|list --workspace WS …: the DT-DICT declarations received (register, due date, récépissé and plans; terrimap dtdict help)", runDtdict},
		{"search", "--workspace WS [--layer L] [--near LON,LAT] [--limit N] [TEXT]: find features by every word of TEXT (any order, case and accents ignored, commune names too), or the nearest a point, with distances", runSearch},
		{"source", "add|refresh|list|types --workspace WS [--ogc URL [--collection NAME] | --wfs URL --typename NAME] [--bbox …]: read-only layers from an OGC API – Features server or a WFS", runSource},
		{"sync", "--workspace WS [--server URL --user NAME] [--dry-run]: sync with the platform", runSync},
		{"version", "print the version of Terrimap", runVersion},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// isCommand reports whether name is a command rather than a flag of the
// desktop app.
func isCommand(name string) bool {
	_, ok := lookup(name)
	return ok
}

// runCommand runs the command args[0] with args[1:] and returns its exit
// status.
func runCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, `terrimap: no command given; run "terrimap help" for the list`)
		return 2
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "terrimap: %q is not a command; run \"terrimap help\" for the list\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// printUsage writes how to start terrimap and the list of commands.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Terrimap: maps and network data of the Communauté de Communes du Mâconnais-Tournugeois.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  terrimap [--workspace PATH]\topen the desktop app, with the workspace PATH (a GeoPackage file) if given")
	fmt.Fprintln(tw, "  terrimap --workspace PATH --startup-trace[=exit] [--cpuprofile FILE] [--memprofile FILE]\tsay on stderr when the workspace is open and its map first drawn (ms after start); exit then if asked")
	fmt.Fprintln(tw, "  terrimap COMMAND [ARGUMENTS]\tdo COMMAND without a window")
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "terrimap help: takes no arguments, got %q\n", args[0])
		return 2
	}
	printUsage(stdout)
	return 0
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "terrimap version: takes no arguments, got %q\n", args[0])
		return 2
	}
	fmt.Fprintf(stdout, "terrimap %s (%s %s/%s)\n", app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
