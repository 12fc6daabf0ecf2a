package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/search"
)

// runSearch finds features by words, as the app's search does, or the
// features nearest a point, and prints one line each.
func runSearch(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("search")
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	layers := fs.String("layer", "", "layer(s) to search, comma-separated; all when omitted")
	near := fs.String("near", "", "LON,LAT: the features nearest this point (WGS84), nearest first, with their distance")
	limit := fs.Int("limit", 20, "how many results to print")
	rest, err := parseFlags(fs, args)
	var at *orb.Point
	if err == nil && *near != "" {
		var p orb.Point
		if p, err = parseLonLat(*near); err == nil {
			at = &p
		}
	}
	text := strings.Join(rest, " ")
	switch {
	case err != nil:
		return usageError(stderr, "search", "%v", err)
	case *workspace == "":
		return usageError(stderr, "search", "--workspace is required")
	case strings.TrimSpace(text) == "" && at == nil:
		return usageError(stderr, "search", "give words to look for, or --near LON,LAT")
	case *limit <= 0:
		return usageError(stderr, "search", "--limit must be a positive number, got %d", *limit)
	}
	ws, err := openSearchable(*workspace, stderr)
	if err != nil {
		return failure(stderr, "search", err)
	}
	defer ws.Close()
	var names []string
	if *layers != "" {
		for _, name := range strings.Split(*layers, ",") {
			if _, err := ws.Layer(name); errors.Is(err, store.ErrLayerNotFound) {
				return usageError(stderr, "search", "the workspace has no layer %q (terrimap layers lists them)", name)
			}
			names = append(names, name)
		}
	}
	ix := search.New(ws)
	ctx := context.Background()
	var results []search.Result
	total := 0
	if strings.TrimSpace(text) == "" {
		results, err = ix.Nearby(ctx, search.Near{Point: *at, Layers: names, Limit: *limit})
		total = len(results)
	} else {
		var found search.Found
		found, err = ix.Search(ctx, search.Query{Text: text, Layers: names, Near: at, Limit: *limit})
		results, total = found.Results, found.Total
	}
	if err != nil {
		return failure(stderr, "search", err)
	}
	printResults(stdout, results, at != nil)
	switch {
	case total == 0 && at == nil:
		fmt.Fprintf(stdout, "nothing matches %q\n", text)
	case total == 0:
		fmt.Fprintln(stdout, "nothing found near the point")
	case total > len(results):
		fmt.Fprintf(stdout, "%d of %d results (--limit shows more)\n", len(results), total)
	default:
		fmt.Fprintf(stdout, "%d result(s)\n", total)
	}
	return 0
}

// printResults writes a table of results: layer, name, commune, what
// matched and, when measured, the distance.
func printResults(w io.Writer, results []search.Result, measured bool) {
	if len(results) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if measured {
		fmt.Fprint(tw, "DISTANCE\t")
	}
	fmt.Fprintln(tw, "LAYER\tNAME\tCOMMUNE\tMATCHED")
	for _, r := range results {
		if measured {
			fmt.Fprintf(tw, "%s\t", metresText(r.Distance))
		}
		commune := r.Commune
		if commune == "" {
			commune = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Layer, r.Name, commune, matchedText(r.Matched))
	}
	_ = tw.Flush()
}

// matchedText says what matched: field: value, …; "-" for nothing.
func matchedText(ms []search.Match) string {
	if len(ms) == 0 {
		return "-"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		if m.Commune {
			parts[i] = "commune: " + m.Value
		} else {
			parts[i] = m.Field + ": " + m.Value
		}
	}
	return strings.Join(parts, "; ")
}

// metresText is a distance rounded as a person reads it: 32 m, 1.2 km.
func metresText(d float64) string {
	switch {
	case math.IsInf(d, 1):
		return "-"
	case d < 1000:
		return fmt.Sprintf("%.0f m", d)
	}
	return fmt.Sprintf("%.1f km", d/1000)
}

// parseLonLat reads "LON,LAT" in decimal degrees.
func parseLonLat(s string) (orb.Point, error) {
	v, err := parseNumbers(s, 2)
	if err != nil {
		return orb.Point{}, fmt.Errorf("--near takes LON,LAT in decimal degrees (such as 4.9109,46.5637), got %q", s)
	}
	p := orb.Point{v[0], v[1]}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return orb.Point{}, fmt.Errorf("--near %q is not a longitude (-180…180) and latitude (-90…90)", s)
	}
	return p, nil
}
