package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
)

// runSource subscribes a workspace to OGC API – Features collections or WFS
// feature types, read only, refreshes the subscriptions, lists them, or
// lists the types a WFS offers.
func runSource(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "refresh" && args[0] != "list" && args[0] != "types") {
		return usageError(stderr, "source", "say add, refresh, list or types")
	}
	sub := args[0]
	fs := newFlags("source " + sub)
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	ogc := fs.String("ogc", "", "landing page of an OGC API – Features server (add)")
	collection := fs.String("collection", "", "collection to subscribe to; all when omitted (add)")
	wfsURL := fs.String("wfs", "", "address of a WFS (2.0, 1.1 or 1.0), e.g. https://data.geopf.fr/wfs (add)")
	typeName := fs.String("typename", "", "the WFS feature type to subscribe to (add --wfs)")
	bboxFlag := fs.String("bbox", "", "minlon,minlat,maxlon,maxlat to download (add)")
	rest, err := parseFlags(fs, args[1:])
	switch {
	case err != nil:
		return usageError(stderr, "source", "%v", err)
	case *workspace == "" && sub != "types":
		return usageError(stderr, "source", "--workspace is required")
	case len(rest) > 0:
		return usageError(stderr, "source", "unexpected argument %q", rest[0])
	case sub == "add" && (*ogc == "") == (*wfsURL == ""):
		return usageError(stderr, "source", "give --ogc URL or --wfs URL (one of them)")
	case sub == "add" && *wfsURL != "" && *typeName == "":
		return usageError(stderr, "source", "--wfs needs --typename (terrimap source types --wfs URL lists them)")
	case sub == "types" && *wfsURL == "":
		return usageError(stderr, "source", "types needs --wfs URL")
	}
	var bbox *orb.Bound
	if *bboxFlag != "" {
		b, err := parseBBox(*bboxFlag)
		if err != nil {
			return usageError(stderr, "source", "--bbox: %v", err)
		}
		bbox = &b
	}
	ctx := context.Background()
	if sub == "types" {
		return printWFSTypes(ctx, client.NewSourceClient(nil, nil), *wfsURL, stdout, stderr)
	}
	ws, err := store.OpenOrCreate(*workspace)
	if err != nil {
		return failure(stderr, "source", err)
	}
	defer ws.Close()
	sc := client.NewSourceClient(ws, nil)
	switch {
	case sub == "add" && *wfsURL != "":
		layer, err := sc.AddWFS(ctx, *wfsURL, *typeName, bbox)
		if err != nil {
			return failure(stderr, "source", err)
		}
		counts, _ := ws.LayerCounts(ctx)
		fmt.Fprintf(stdout, "Read-only layer %s: %d features from %s (refreshed at every sync).\n", layer, counts[layer], *wfsURL)
	case sub == "add":
		layers, err := sc.Add(ctx, *ogc, *collection, bbox)
		if err != nil {
			return failure(stderr, "source", err)
		}
		counts, _ := ws.LayerCounts(ctx)
		for _, l := range layers {
			fmt.Fprintf(stdout, "Read-only layer %s: %d features from %s (refreshed at every sync).\n", l, counts[l], *ogc)
		}
	case sub == "refresh":
		failed := 0
		for layer, err := range sc.Refresh(ctx) {
			if err != nil {
				failed++
				fmt.Fprintf(stderr, "terrimap source: %s: %v\n", layer, err)
			} else {
				fmt.Fprintf(stdout, "%s refreshed.\n", layer)
			}
		}
		if failed > 0 {
			return 1
		}
	case sub == "list":
		for _, s := range sc.Sources(ctx) {
			kind := "collection"
			if s.Kind == client.SourceWFS {
				kind = "WFS type"
			}
			fmt.Fprintf(stdout, "%s\t%s %s %s\n", s.Layer, s.URL, kind, s.Collection)
		}
	}
	return 0
}

func parseBBox(s string) (orb.Bound, error) {
	if len(strings.Split(s, ",")) != 4 {
		return orb.Bound{}, fmt.Errorf("want four numbers minlon,minlat,maxlon,maxlat")
	}
	v, err := parseNumbers(s, 4)
	if err != nil {
		return orb.Bound{}, err
	}
	if v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return orb.Bound{}, fmt.Errorf("not a longitude/latitude box with min before max")
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// printWFSTypes lists the feature types a WFS offers: name, title, abstract.
func printWFSTypes(ctx context.Context, sc *client.SourceClient, endpoint string, stdout, stderr io.Writer) int {
	caps, err := sc.WFSCapabilities(ctx, endpoint)
	if err != nil {
		return failure(stderr, "source", err)
	}
	fmt.Fprintf(stdout, "%s (WFS %s)\n", caps.Title, caps.Version)
	for _, ft := range caps.FeatureTypes {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", ft.Name, ft.Title, strings.Join(strings.Fields(ft.Abstract), " "))
	}
	return 0
}
