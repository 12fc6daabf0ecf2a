package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Round trips checked by GDAL (issue 18): a file imported, then the
// workspace layer, must read in GDAL as the file itself reads in GDAL,
// feature for feature: the same values, of the same kinds, and the same
// geometries within a nanodegree (a tenth of a millimetre); a layer
// exported, the file must read as the layer. What GDAL reads from the
// source is the reference, so that the quirks of a format (a dBase
// without empty text, a CSV without types) are the format's, not ours.

// roundTripSources are the GeoJSON files the sources are made from, by
// ogr2ogr: accents, quotes and separators in text, nulls of every type,
// integers beyond 2^31 and 2^53, negative and tiny reals, dates,
// multi-geometries, polygons with holes.
var roundTripSources = map[string]string{
	"points": `{"type":"FeatureCollection","name":"points","features":[
{"type":"Feature","properties":{"nom":"Église Saint-Philibert — « l'abbatiale »","numero":9007199254740993,"debit":-0.125,"datemaj":"2024-02-29","commune":"Tournus"},"geometry":{"type":"Point","coordinates":[4.9087654,46.5612345]}},
{"type":"Feature","properties":{"nom":"Œuvre; \"guillemets\", virgule","numero":-2147483649,"debit":123456789.25,"datemaj":null,"commune":"Préty"},"geometry":{"type":"Point","coordinates":[-1.6777926,48.117266]}},
{"type":"Feature","properties":{"nom":null,"numero":null,"debit":null,"datemaj":"1900-01-01","commune":"La Truchère"},"geometry":{"type":"Point","coordinates":[4.75,46.4]}},
{"type":"Feature","properties":{"nom":"Ligne 1\nligne 2","numero":0,"debit":1e-7,"datemaj":"2038-01-19","commune":"Martailly-lès-Brancion"},"geometry":{"type":"Point","coordinates":[4.9861999,46.5959999]}}
]}`,
	"parcs": `{"type":"FeatureCollection","name":"parcs","features":[
{"type":"Feature","properties":{"nom":"Parc de l'Abbaye","surface":12.5,"numero":1},"geometry":{"type":"Polygon","coordinates":[[[4.90,46.55],[4.92,46.55],[4.92,46.57],[4.90,46.57],[4.90,46.55]],[[4.905,46.555],[4.905,46.565],[4.915,46.565],[4.915,46.555],[4.905,46.555]]]}},
{"type":"Feature","properties":{"nom":"Îles de la Saône","surface":null,"numero":-3},"geometry":{"type":"MultiPolygon","coordinates":[[[[4.93,46.55],[4.94,46.55],[4.94,46.56],[4.93,46.56],[4.93,46.55]],[[4.932,46.552],[4.932,46.558],[4.938,46.558],[4.938,46.552],[4.932,46.552]]],[[[4.95,46.55],[4.96,46.55],[4.955,46.56],[4.95,46.55]]]]}}
]}`,
	"conduites": `{"type":"FeatureCollection","name":"conduites","features":[
{"type":"Feature","properties":{"materiau":"Fonte ductile","diametre":150,"pose":"1987-06-15"},"geometry":{"type":"LineString","coordinates":[[4.9,46.55],[4.9012345678,46.5512345678],[4.91,46.56]]}},
{"type":"Feature","properties":{"materiau":"PVC","diametre":null,"pose":null},"geometry":{"type":"MultiLineString","coordinates":[[[4.91,46.56],[4.92,46.57]],[[4.93,46.58],[4.94,46.59],[4.95,46.585]]]}}
]}`,
}

// gdalLayer is what GDAL reads of a layer: the kind of each field and the
// features, in order.
type gdalLayer struct {
	Kinds    map[string]string // field name → string, integer, real, date, datetime
	Features []gdalFeature
}

// gdalFeature is one feature as GDAL reads it; numbers are kept as
// written (json.Number), so that 2^53+1 stays itself.
type gdalFeature struct {
	Properties map[string]any
	Geometry   orb.Geometry
}

// ogrFieldLine is a field of `ogrinfo -so`: "numero: Integer64 (0.0)".
var ogrFieldLine = regexp.MustCompile(`(?m)^([^ :\n]+): (String|Integer|Integer64|Real|Date|DateTime|Time|Binary)(\(\w+\))? \(`)

// internalColumns are the workspace's own columns, and the id GeoJSON
// exports write (the uuid), which GDAL reads as a field: not the data's.
var internalColumns = []string{"uuid", "tm_version", "id"}

// readGDAL reads layer of path (the only one when layer is "") through
// ogrinfo (the fields' types) and ogr2ogr to GeoJSON (the features); oo
// are open options. The internal columns are left out.
func readGDAL(t *testing.T, path, layer string, oo ...string) gdalLayer {
	t.Helper()
	return readGDALIn(t, path, layer, nil, oo...)
}

// readGDALIn is readGDAL with the geometries reprojected by GDAL (PROJ)
// as the ogr2ogr arguments reproject say (-t_srs, -s_srs).
func readGDALIn(t *testing.T, path, layer string, reproject []string, oo ...string) gdalLayer {
	t.Helper()
	var open []string
	for _, o := range oo {
		open = append(open, "-oo", o)
	}
	args := append(append([]string{"-ro", "-so", "-nomd"}, open...), path)
	if layer != "" {
		args = append(args, layer)
	} else {
		args = append(args, "-al")
	}
	info, err := exec.Command(requireTool(t, "ogrinfo"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s", args, err, info)
	}
	l := gdalLayer{Kinds: map[string]string{}}
	for _, m := range ogrFieldLine.FindAllStringSubmatch(string(info), -1) {
		if slices.Contains(internalColumns, m[1]) {
			continue
		}
		kind := strings.ToLower(m[2])
		if kind == "integer64" {
			kind = "integer"
		}
		l.Kinds[m[1]] = kind
	}
	args = append(append([]string{"-f", "GeoJSON", "-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO"}, open...), "/vsistdout/", path)
	args = append(args, reproject...)
	if layer != "" {
		args = append(args, layer)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(requireTool(t, "ogr2ogr"), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, stderr.String())
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   json.RawMessage
		}
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	if err := dec.Decode(&fc); err != nil {
		t.Fatalf("ogr2ogr %v wrote: %v", args, err)
	}
	for _, f := range fc.Features {
		for _, c := range internalColumns {
			delete(f.Properties, c)
		}
		var g orb.Geometry
		if len(f.Geometry) > 0 && string(f.Geometry) != "null" {
			gg, err := geojson.UnmarshalGeometry(f.Geometry)
			if err != nil {
				t.Fatalf("geometry %s: %v", f.Geometry, err)
			}
			g = gg.Geometry()
		}
		l.Features = append(l.Features, gdalFeature{Properties: f.Properties, Geometry: g})
	}
	return l
}

// ogr2ogr runs ogr2ogr with args.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(requireTool(t, "ogr2ogr"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
	}
}

// sameLayer reports how got differs from want, feature by feature.
func sameLayer(t *testing.T, what string, want, got gdalLayer) {
	t.Helper()
	if !maps.Equal(want.Kinds, got.Kinds) {
		t.Errorf("%s: fields %v, want %v", what, got.Kinds, want.Kinds)
	}
	if len(got.Features) != len(want.Features) {
		t.Fatalf("%s: %d features, want %d", what, len(got.Features), len(want.Features))
	}
	for i, w := range want.Features {
		g := got.Features[i]
		// A field GDAL leaves unset (an empty CSV cell) is null.
		for k := range joinKeys(w.Properties, g.Properties) {
			if wv, gv := w.Properties[k], g.Properties[k]; !sameValue(wv, gv) {
				t.Errorf("%s: feature %d: %s = %#v, want %#v", what, i+1, k, gv, wv)
			}
		}
		if d := geometryDifference(w.Geometry, g.Geometry); d != "" {
			t.Errorf("%s: feature %d: %s", what, i+1, d)
		}
	}
}

// joinKeys returns the keys of a and b.
func joinKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// sameValue compares two property values GDAL wrote: numbers by their
// exact decimal value, the rest as is.
func sameValue(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		if an == bn {
			return true
		}
		// 12.5 and 12.50, 1e-07 and 0.0000001: the same float, both
		// within a float's precision of what was written.
		af, aerr := an.Float64()
		bf, berr := bn.Float64()
		ai, aierr := an.Int64()
		bi, bierr := bn.Int64()
		if aierr == nil && bierr == nil {
			return ai == bi
		}
		return aerr == nil && berr == nil && af == bf
	}
	return fmt.Sprint(a) == fmt.Sprint(b) && (a == nil) == (b == nil)
}

// coordTolerance is how far two coordinates may be, in degrees: GeoJSON
// writers print 15 to 17 significant digits.
const coordTolerance = 1e-9

// geometryDifference says how b differs from a ("" when it does not):
// single geometries compared as one-part multis, rings whatever their
// direction and first point.
func geometryDifference(a, b orb.Geometry) string {
	if (a == nil) != (b == nil) {
		return fmt.Sprintf("geometry %v, want %v", b, a)
	}
	if a == nil {
		return ""
	}
	ra, rb := canonicalRings(a), canonicalRings(b)
	if ra.kind != rb.kind || len(ra.parts) != len(rb.parts) {
		return fmt.Sprintf("geometry %s of %d parts, want %s of %d parts", rb.kind, len(rb.parts), ra.kind, len(ra.parts))
	}
	for i := range ra.parts {
		pa, pb := ra.parts[i], rb.parts[i]
		if len(pa) != len(pb) {
			return fmt.Sprintf("part %d has %d points, want %d", i, len(pb), len(pa))
		}
		for j := range pa {
			if math.Abs(pa[j][0]-pb[j][0]) > coordTolerance || math.Abs(pa[j][1]-pb[j][1]) > coordTolerance {
				return fmt.Sprintf("part %d point %d is %v, want %v", i, j, pb[j], pa[j])
			}
		}
	}
	return ""
}

// rings is a geometry as a kind (point, line, polygon) and its point
// sequences: the points, the lines, or the rings of each polygon in turn.
type rings struct {
	kind  string
	parts [][]orb.Point
}

// canonicalRings flattens a geometry; each ring starts at its smallest
// point and turns counter-clockwise, so that two writers' rings compare.
func canonicalRings(g orb.Geometry) rings {
	var r rings
	ring := func(rg orb.Ring) []orb.Point {
		pts := slices.Clone([]orb.Point(rg))
		if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
			pts = pts[:len(pts)-1]
		}
		if orb.Ring(append(slices.Clone(pts), pts[0])).Orientation() == orb.CW {
			slices.Reverse(pts)
		}
		start := 0
		for i, p := range pts {
			if p[0] < pts[start][0] || p[0] == pts[start][0] && p[1] < pts[start][1] {
				start = i
			}
		}
		return append(pts[start:], pts[:start]...)
	}
	switch g := g.(type) {
	case orb.Point:
		r = rings{"point", [][]orb.Point{{g}}}
	case orb.MultiPoint:
		r = rings{"point", [][]orb.Point{g}}
	case orb.LineString:
		r = rings{"line", [][]orb.Point{g}}
	case orb.MultiLineString:
		r.kind = "line"
		for _, l := range g {
			r.parts = append(r.parts, l)
		}
	case orb.Polygon:
		r.kind = "polygon"
		for _, rg := range g {
			r.parts = append(r.parts, ring(rg))
		}
	case orb.MultiPolygon:
		r.kind = "polygon"
		for _, p := range g {
			for _, rg := range p {
				r.parts = append(r.parts, ring(rg))
			}
		}
	default:
		r.kind = g.GeoJSONType()
	}
	return r
}

// roundTripFormats are the formats a source is made in, with the open
// options GDAL reads it with.
var roundTripFormats = []struct {
	ext, driver string
	lco         []string // creation options of the source, by ogr2ogr
	oo          []string // open options to read it
	pointsOnly  bool
}{
	{ext: "geojson", driver: "GeoJSON"},
	{ext: "shp", driver: "ESRI Shapefile", lco: []string{"ENCODING=UTF-8"}},
	{ext: "csv", driver: "CSV", lco: []string{"GEOMETRY=AS_XY"},
		oo: []string{"X_POSSIBLE_NAMES=X", "Y_POSSIBLE_NAMES=Y", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES", "EMPTY_STRING_AS_NULL=YES"}, pointsOnly: true},
	{ext: "gpkg", driver: "GPKG"},
}

// writeSource writes the GeoJSON source name into dir and returns its path.
func writeSource(t *testing.T, dir, name string) string {
	t.Helper()
	src := filepath.Join(dir, name+".geojson")
	if err := os.WriteFile(src, []byte(roundTripSources[name]), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// Each source, made by ogr2ogr in each format and imported, reads in GDAL
// from the workspace as it reads from the file.
func TestImportRoundTripGDAL(t *testing.T) {
	for _, format := range roundTripFormats {
		for _, name := range []string{"points", "parcs", "conduites"} {
			if format.pointsOnly && name != "points" {
				continue
			}
			t.Run(format.ext+"/"+name, func(t *testing.T) {
				dir := t.TempDir()
				src := writeSource(t, dir, name)
				if format.ext != "geojson" {
					file := filepath.Join(dir, "source", name+"."+format.ext)
					os.Mkdir(filepath.Dir(file), 0o755)
					args := []string{"-f", format.driver}
					for _, o := range format.lco {
						args = append(args, "-lco", o)
					}
					ogr2ogr(t, append(args, file, src)...)
					src = file
				}
				want := readGDAL(t, src, "", format.oo...)
				if len(want.Features) == 0 {
					t.Fatalf("GDAL reads nothing from %s", src)
				}
				ws := importedWorkspace(t, src, name)
				sameLayer(t, "workspace layer", want, readGDAL(t, ws.Path(), name))
			})
		}
	}
}

// importedWorkspace returns a new workspace, closed at the test's end,
// holding the file src imported as layer name.
func importedWorkspace(t *testing.T, src, name string) *Workspace {
	t.Helper()
	ws, err := Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if _, err := ws.ImportFile(context.Background(), src, ImportOptions{Layer: name}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// Each source, imported, then exported in each format, reads in GDAL
// from the file as it reads from the workspace.
func TestExportRoundTripGDAL(t *testing.T) {
	for _, name := range []string{"points", "parcs", "conduites"} {
		dir := t.TempDir()
		ws := importedWorkspace(t, writeSource(t, dir, name), name)
		want := readGDAL(t, ws.Path(), name)
		for _, format := range roundTripFormats {
			t.Run(name+"/"+format.ext, func(t *testing.T) {
				out := filepath.Join(dir, "export-"+format.ext, name+"."+format.ext)
				os.Mkdir(filepath.Dir(out), 0o755)
				if _, err := ws.Export(context.Background(), out, ExportOptions{Layers: []string{name}}); err != nil {
					t.Fatal(err)
				}
				oo := format.oo
				if format.ext == "csv" {
					// Terrimap writes a CSV's geometries as WKT.
					oo = []string{"GEOM_POSSIBLE_NAMES=WKT", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES", "EMPTY_STRING_AS_NULL=YES"}
				}
				sameLayer(t, format.ext+" file", want, readGDAL(t, out, "", oo...))
			})
		}
	}
}

// A Shapefile in Lambert-93 (its .prj says so) imports as PROJ reprojects
// it; a layer exported in Lambert-93 (Shapefile, CSV) reads back, through
// PROJ, as the layer: Terrimap's Lambert-93 is PROJ's within the
// nanodegree of the other round trips.
func TestLambert93RoundTripGDAL(t *testing.T) {
	for _, name := range []string{"parcs", "conduites"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := writeSource(t, dir, name)
			shp := filepath.Join(dir, "l93", name+".shp")
			os.Mkdir(filepath.Dir(shp), 0o755)
			ogr2ogr(t, "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-t_srs", "EPSG:2154", shp, src)
			ws := importedWorkspace(t, shp, name)
			layer := readGDAL(t, ws.Path(), name)
			toWGS84 := []string{"-t_srs", "EPSG:4326"}
			sameLayer(t, "workspace layer from Lambert-93", readGDALIn(t, shp, "", toWGS84), layer)
			for _, ext := range []string{"shp", "csv"} {
				out := filepath.Join(dir, "out-"+ext, name+"."+ext)
				os.Mkdir(filepath.Dir(out), 0o755)
				if _, err := ws.Export(context.Background(), out, ExportOptions{Layers: []string{name}, SRS: 2154}); err != nil {
					t.Fatal(err)
				}
				reproject, oo := toWGS84, []string(nil)
				if ext == "csv" {
					// A CSV says nothing of its system: GDAL is told.
					reproject = []string{"-s_srs", "EPSG:2154", "-t_srs", "EPSG:4326"}
					oo = []string{"GEOM_POSSIBLE_NAMES=WKT", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES", "EMPTY_STRING_AS_NULL=YES"}
				}
				sameLayer(t, ext+" file in Lambert-93", layer, readGDALIn(t, out, "", reproject, oo...))
			}
		})
	}
}
