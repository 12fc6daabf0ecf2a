package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/app"
	"terrimap/internal/fileout"
	"terrimap/mapview"
	"terrimap/mapview/export"
	"terrimap/mapview/tiles"
	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// tokenEnv names the environment variable that holds the platform token
// for --basemap platform:URL.
const tokenEnv = "TERRIMAP_TOKEN"

// runRender draws a workspace's map, with its title, legend, scale bar,
// north arrow and sources, to a PNG image or a PDF page.
func runRender(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("render")
	workspace := fs.String("workspace", "", "workspace GeoPackage")
	bbox := fs.String("bbox", "", "extent minlon,minlat,maxlon,maxlat (default: all the layers drawn)")
	size := fs.String("size", "", "picture size in pixels, WIDTHxHEIGHT (default 1920x1080 without --paper)")
	paper := fs.String("paper", "", "paper size: A4 or A3")
	landscape := fs.Bool("landscape", false, "turn the paper to landscape")
	dpi := fs.Float64("dpi", 0, "resolution (default 300 on paper, 96 for --size)")
	layers := fs.String("layers", "", "layers to draw, comma-separated (default all)")
	basemap := fs.String("basemap", "none", "none, a preset (osm, ign-plan…), an .mbtiles/.pmtiles/.gpkg file or platform:URL[#style]")
	title := fs.String("title", "", "title of the map")
	subtitle := fs.String("subtitle", "", "line under the title")
	mapOnly := fs.Bool("map-only", false, "only the map, without title block nor legend")
	out := fs.String("out", "", "output file, .png or .pdf")
	var credits []string
	fs.Func("attribution", "credit to print with the sources (repeatable)", func(s string) error {
		credits = append(credits, s)
		return nil
	})
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return usageError(stderr, "render", "%v", err)
	case *workspace == "":
		return usageError(stderr, "render", "--workspace is required")
	case *out == "":
		return usageError(stderr, "render", "--out is required (a .png or .pdf file)")
	case len(rest) > 0:
		return usageError(stderr, "render", "unexpected argument %q", rest[0])
	}
	opts := export.Options{Title: *title, Subtitle: *subtitle, DPI: *dpi, MapOnly: *mapOnly, Attributions: credits}
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".png":
		opts.Format = export.PNG
	case ".pdf":
		opts.Format = export.PDF
	default:
		return usageError(stderr, "render", "--out %s: the file must end in .png or .pdf", *out)
	}
	if *paper != "" {
		if *size != "" {
			return usageError(stderr, "render", "give --paper or --size, not both")
		}
		switch p := export.Paper(strings.ToUpper(*paper)); p {
		case export.A4, export.A3:
			opts.Paper = p
		default:
			return usageError(stderr, "render", "--paper %q: use A4 or A3", *paper)
		}
		if *landscape {
			opts.Orientation = export.Landscape
		}
	} else {
		if *landscape {
			return usageError(stderr, "render", "--landscape goes with --paper")
		}
		s := *size
		if s == "" {
			s = "1920x1080"
		}
		if opts.Size, err = parseSize(s); err != nil {
			return usageError(stderr, "render", "%v", err)
		}
	}
	if *dpi != 0 && (*dpi < 36 || *dpi > 1200) {
		return usageError(stderr, "render", "--dpi %g: use 36 to 1200", *dpi)
	}
	if !tiles.Named(*basemap) {
		return usageError(stderr, "render", "--basemap %q: give none, a preset (%s), an .mbtiles, .pmtiles or .gpkg file, or platform:URL", *basemap, tiles.PresetNames())
	}
	var bound *orb.Bound
	if *bbox != "" {
		b, err := parseExtent(*bbox)
		if err != nil {
			return usageError(stderr, "render", "%v", err)
		}
		bound = &b
	}

	ctx := context.Background()
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if err != nil {
		return failure(stderr, "render", err)
	}
	defer ws.Close()
	styles := workspaceStyles(ctx, ws)
	drawn, err := pickLayers(ws, styles, *layers)
	if err != nil {
		return failure(stderr, "render", err)
	}
	if bound == nil {
		b, ok := layersBound(ws, drawn)
		if !ok {
			return failure(stderr, "render", errors.New("the layers drawn are empty: give --bbox"))
		}
		bound = &b
	}
	opts.Bound = *bound
	opts.Layers = drawn
	opts.Attributions = append(export.DataAttributions(ws, drawn), credits...)

	src, closeSrc, err := openBasemap(*basemap, *workspace)
	if err != nil {
		return failure(stderr, "render", err)
	}
	defer closeSrc()
	opts.Basemap = src
	opts.Warn = func(msg string) {
		switch {
		case src == nil || !strings.Contains(msg, "basemap"):
		case isPreset(*basemap):
			msg += "; the " + *basemap + " basemap comes from the Internet: offline, use --basemap none, an .mbtiles or .pmtiles file, or platform:URL"
		case strings.HasPrefix(*basemap, tiles.PlatformPrefix) && strings.Contains(msg, "401"):
			msg += "; the platform's basemap needs a token in " + tokenEnv + " (the \"token\" of POST /api/v1/token)"
		}
		fmt.Fprintf(stderr, "terrimap render: warning: %s\n", msg)
	}

	r := mapview.NewRenderer(ws, mapview.RendererOptions{Styles: styles})
	err = fileout.Write(*out, func(w io.Writer) error {
		opts.Out = w
		return export.Export(ctx, r, opts)
	})
	if err != nil {
		return failure(stderr, "render", err)
	}
	fmt.Fprintf(stdout, "Map of %d layer(s) written to %s.\n", len(drawn), *out)
	return 0
}

// parseSize reads WIDTHxHEIGHT.
func parseSize(s string) (image.Point, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	x, errW := strconv.Atoi(strings.TrimSpace(w))
	y, errH := strconv.Atoi(strings.TrimSpace(h))
	if !ok || errW != nil || errH != nil || x < 64 || y < 64 || x > 20000 || y > 20000 {
		return image.Point{}, fmt.Errorf("--size %q: give WIDTHxHEIGHT in pixels, 64 to 20000 each, e.g. 1920x1080", s)
	}
	return image.Pt(x, y), nil
}

// parseExtent reads --bbox: parseBBox's box, with some area in the
// Web Mercator square.
func parseExtent(s string) (orb.Bound, error) {
	b, err := parseBBox(s)
	if err == nil && (b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] || b.Min[1] < -85 || b.Max[1] > 85) {
		err = errors.New("the box is empty or beyond latitude ±85")
	}
	if err != nil {
		return orb.Bound{}, fmt.Errorf("--bbox %q: %v; e.g. 4.86,46.52,4.96,46.60", s, err)
	}
	return b, nil
}

// workspaceStyles returns the styles the desktop draws the workspace
// with (mapview.MergeStyles, as the app does).
func workspaceStyles(ctx context.Context, ws *store.Workspace) map[string]*mapview.Style {
	return mapview.MergeStyles(client.Styles(ctx, ws))
}

// pickLayers returns the layers to draw, in drawing order: all, or those
// named in list.
func pickLayers(ws *store.Workspace, styles map[string]*mapview.Style, list string) ([]mapview.Layer, error) {
	all := mapview.DefaultLayers(ws, styles)
	if strings.TrimSpace(list) == "" {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			want[n] = true
		}
	}
	var out []mapview.Layer
	for _, l := range all {
		if want[strings.ToLower(l.Name)] {
			out = append(out, l)
			delete(want, strings.ToLower(l.Name))
		}
	}
	for n := range want {
		names := make([]string, len(all))
		for i, l := range all {
			names[i] = l.Name
		}
		return nil, fmt.Errorf("the workspace has no layer %q (it has %s)", n, strings.Join(names, ", "))
	}
	return out, nil
}

// layersBound returns the extent of the layers' features.
func layersBound(ws *store.Workspace, layers []mapview.Layer) (orb.Bound, bool) {
	var b orb.Bound
	found := false
	for _, l := range layers {
		lb, ok := ws.Index().Bound(l.Name)
		if !ok {
			continue
		}
		if found {
			b = b.Union(lb)
		} else {
			b, found = lb, true
		}
	}
	if found && (b.Max[0]-b.Min[0] < 1e-4 || b.Max[1]-b.Min[1] < 1e-4) {
		// A single point: show a few hundred metres around it.
		b = b.Pad(0.003)
	}
	return b, found
}

func isPreset(name string) bool {
	_, ok := tiles.Preset(name)
	return ok
}

// openBasemap opens the basemap a --basemap value names; nil for none.
func openBasemap(name, workspace string) (tiles.Source, func(), error) {
	o := tiles.OpenOptions{CacheDir: tiles.CacheDir(workspace), UserAgent: tiles.UserAgent(app.Version, ""),
		PlatformAttribution: "Fond de plan de la plateforme Terrimap"}
	if tok := os.Getenv(tokenEnv); tok != "" {
		o.Header = http.Header{protocol.HeaderAuthorization: {protocol.Authorization(tok)}}
	}
	src, closer, err := tiles.Open(name, o)
	if err != nil {
		return nil, func() {}, fmt.Errorf("--basemap: %w", err)
	}
	return src, func() { closer.Close() }, nil
}
