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

// runSource subscribes a workspace to OGC API – Features collections, read
// only, or refreshes the subscriptions.
func runSource(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "refresh" && args[0] != "list") {
		return usageError(stderr, "source", "say add, refresh or list")
	}
	sub := args[0]
	fs := newFlags("source " + sub)
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	ogc := fs.String("ogc", "", "landing page of an OGC API – Features server (add)")
	collection := fs.String("collection", "", "collection to subscribe to; all when omitted (add)")
	bboxFlag := fs.String("bbox", "", "minlon,minlat,maxlon,maxlat to download (add)")
	rest, err := parseFlags(fs, args[1:])
	switch {
	case err != nil:
		return usageError(stderr, "source", "%v", err)
	case *workspace == "":
		return usageError(stderr, "source", "--workspace is required")
	case len(rest) > 0:
		return usageError(stderr, "source", "unexpected argument %q", rest[0])
	case sub == "add" && *ogc == "":
		return usageError(stderr, "source", "--ogc URL is required")
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
	ws, err := store.OpenOrCreate(*workspace)
	if err != nil {
		return failure(stderr, "source", err)
	}
	defer ws.Close()
	sc := client.NewSourceClient(ws, nil)
	switch sub {
	case "add":
		layers, err := sc.Add(ctx, *ogc, *collection, bbox)
		if err != nil {
			return failure(stderr, "source", err)
		}
		counts, _ := ws.LayerCounts(ctx)
		for _, l := range layers {
			fmt.Fprintf(stdout, "Read-only layer %s: %d features from %s (refreshed at every sync).\n", l, counts[l], *ogc)
		}
	case "refresh":
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
	case "list":
		for _, s := range sc.Sources(ctx) {
			fmt.Fprintf(stdout, "%s\t%s collection %s\n", s.Layer, s.URL, s.Collection)
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
