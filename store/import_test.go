package store

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
)

// Every vector dataset of the shared data imports, or is refused with a
// clear error and nothing imported.
func TestImportSharedData(t *testing.T) {
	cases := []struct {
		file     string
		source   string // GeoPackage layer
		features int
		refused  error  // sentinel the refusal wraps
		message  string // words the refusal says
	}{
		{file: "ccmt-communes.geojson", features: 24},
		{file: "ccmt-communes.gpkg", features: 24},
		{file: "ccmt-communes-l93.gpkg", features: 24},
		{file: "shp_l93/ccmt_communes_l93.shp", features: 24},
		{file: "ccmt-perimetre.geojson", features: 1},
		{file: "communes-71-saone-et-loire.geojson", features: 567},
		{file: "communes-71-saone-et-loire.gpkg", features: 567},
		{file: "cantons-71-saone-et-loire.geojson", features: 29},
		{file: "arrondissements-71-saone-et-loire.geojson", features: 5},
		{file: "departement-71-saone-et-loire.geojson", features: 1},
		{file: "ne_10m_saone_centerline.geojson", features: -1},
		{file: "ne_10m_saone_ccmt_clip.geojson", features: -1},
		{file: "rivers.gpkg", features: 357},
		{file: "multipleholes.gpkg", features: 1},
		{file: "geometrycollection.gpkg", features: 1},
		{file: "test_shapes_two_points.gpkg", features: 5},
		{file: "gdal_sample.gpkg", source: "linestring2d", features: -1},
		{file: "gdal_sample.gpkg", source: "point3d", features: -1},
		{file: "gdal_sample.gpkg", refused: ErrImport, message: "say which one"},
		{file: "gdal_sample.gpkg", source: "polygon2d", refused: ErrImport, message: "EPSG:32631"},
		{file: "attributes.gpkg", refused: ErrNoLayers},
		{file: "world_cities.mbtiles", refused: formats.ErrUnsupportedFormat},
		{file: "invalid_v4.pmtiles", refused: formats.ErrUnsupportedFormat},
		{file: "ccmt-communes.csv", refused: ErrImport, message: "coordinate"},
		{file: "epci-200069698-etalab-2026.json", message: "GeoJSON"},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.file+"/"+c.source, func(t *testing.T) {
			ws, err := Create(filepath.Join(t.TempDir(), "ws.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			rep, err := ws.ImportFile(ctx, filepath.Join("testdata", c.file), ImportOptions{Layer: "imported", SourceLayer: c.source})
			if c.refused != nil || c.message != "" {
				if err == nil {
					t.Fatalf("imported %d features, want a refusal", rep.Features)
				}
				if c.refused != nil && !errors.Is(err, c.refused) {
					t.Errorf("err = %v, want %v", err, c.refused)
				}
				if !strings.Contains(err.Error(), c.message) {
					t.Errorf("err = %v, want it to mention %q", err, c.message)
				}
				if len(ws.Layers()) != 0 {
					t.Errorf("a refused import left layers behind")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.features >= 0 && rep.Features != c.features {
				t.Errorf("imported %d features, want %d", rep.Features, c.features)
			}
			counts, _ := ws.LayerCounts(ctx)
			pending, _ := ws.Pending(ctx, 0)
			withGeometry, _ := ws.Query(ctx, Query{Layer: "imported"})
			located := 0
			for _, f := range withGeometry {
				if f.Geometry != nil {
					located++
				}
			}
			if counts["imported"] != rep.Features || len(pending) != rep.Features || ws.Index().Len("imported") != located || located == 0 {
				t.Errorf("rows %d, journal %d, index %d (%d located), report %d", counts["imported"], len(pending), ws.Index().Len("imported"), located, rep.Features)
			}
			if b, ok := ws.Index().Bound("imported"); ok && (b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90) {
				t.Errorf("extent %v is not longitude/latitude", b)
			}
		})
	}
}

// The Lambert-93 Shapefile and GeoPackage land on the WGS84 GeoJSON's
// coordinates, vertex for vertex, within a centimetre.
func TestImportLambert93MatchesWGS84(t *testing.T) {
	ctx := context.Background()
	ws, err := Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for layer, file := range map[string]string{"wgs84": "ccmt-communes.geojson", "shp": "shp_l93/ccmt_communes_l93.shp", "l93": "ccmt-communes-l93.gpkg"} {
		if _, err := ws.ImportFile(ctx, filepath.Join("testdata", file), ImportOptions{Layer: layer}); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	ref := communesByCode(t, ws, "wgs84")
	for _, layer := range []string{"shp", "l93"} {
		got := communesByCode(t, ws, layer)
		if len(got) != 24 {
			t.Fatalf("%s: %d communes", layer, len(got))
		}
		worst := 0.0
		for code, g := range got {
			want, ok := ref[code]
			if !ok {
				t.Fatalf("%s: commune %s missing from the GeoJSON", layer, code)
			}
			// Shapefiles turn rings the other way: match each vertex with
			// the nearest vertex of the source, both ways.
			a, b := vertices(g), vertices(want)
			if len(a) != len(b) {
				t.Fatalf("%s: commune %s has %d vertices, want %d", layer, code, len(a), len(b))
			}
			worst = math.Max(worst, math.Max(farthest(a, b), farthest(b, a)))
		}
		if worst > 0.01 {
			t.Errorf("%s: worst vertex is %.4f m away from the WGS84 source", layer, worst)
		}
		t.Logf("%s: worst vertex offset %.5f m", layer, worst)
	}
}

func communesByCode(t *testing.T, ws *Workspace, layer string) map[string]orb.Geometry {
	t.Helper()
	fs, err := ws.Query(context.Background(), Query{Layer: layer})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]orb.Geometry{}
	for _, f := range fs {
		out[f.Properties["code"].(string)] = f.Geometry
	}
	return out
}

func vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch x := g.(type) {
	case orb.Polygon:
		for _, r := range x {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			out = append(out, vertices(p)...)
		}
	}
	return out
}

// farthest returns how far the vertex of a farthest from any vertex of b is, in metres.
func farthest(a, b []orb.Point) float64 {
	worst := 0.0
	for _, p := range a {
		best := math.Inf(1)
		for _, q := range b {
			best = math.Min(best, metres(p, q))
		}
		worst = math.Max(worst, best)
	}
	return worst
}

// metres is the ground distance between two nearby lon/lat points.
func metres(a, b orb.Point) float64 {
	const r = 6371008.8
	lat := (a[1] + b[1]) / 2 * math.Pi / 180
	dx := (a[0] - b[0]) * math.Pi / 180 * r * math.Cos(lat)
	dy := (a[1] - b[1]) * math.Pi / 180 * r
	return math.Hypot(dx, dy)
}

func TestImportIntoExistingLayerMapsFields(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	path := filepath.Join(t.TempDir(), "asbuilt.geojson")
	os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.90,46.55],[4.91,46.56]]},"properties":{"MATERIAU":"05","diametre":"110","entreprise":"TP Tournus"}},
		{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.91,46.56],[4.92,46.56]]},"properties":{"MATERIAU":"01","diametre":150}}]}`), 0o644)
	rep, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "canalaep"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CreatedLayer || rep.Features != 2 || len(rep.IgnoredFields) != 1 || rep.IgnoredFields[0] != "entreprise" {
		t.Errorf("report = %+v", rep)
	}
	fs, _ := ws.Query(ctx, Query{Layer: "canalaep", Equals: map[string]any{"materiau": "05"}})
	if len(fs) != 1 || fs[0].Properties["diametre"] != int64(110) {
		t.Errorf("mapped features = %+v", fs)
	}
	// A value outside the code list refuses the whole import.
	os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.90,46.55],[4.91,46.56]]},"properties":{"materiau":"05"}},
		{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.91,46.56],[4.92,46.56]]},"properties":{"materiau":"99"}}]}`), 0o644)
	if _, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "canalaep"}); !errors.Is(err, ErrInvalidProperties) || !strings.Contains(err.Error(), "feature 2") {
		t.Errorf("err = %v", err)
	}
	if counts, _ := ws.LayerCounts(ctx); counts["canalaep"] != 2 {
		t.Errorf("half-imported: %d features", counts["canalaep"])
	}
	// Lambert-93 coordinates declared as WGS84: refused, with a hint.
	os.WriteFile(path, []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[849000,6614000]},"properties":{}}`), 0o644)
	if _, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "pei"}); !errors.Is(err, ErrInvalidGeometry) || !strings.Contains(err.Error(), "projection") {
		t.Errorf("err = %v", err)
	}
	// The same point, with --srs EPSG:2154, lands in Tournus.
	rep, err = ws.ImportFile(ctx, path, ImportOptions{Layer: "pei", SRS: 2154})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ = ws.Query(ctx, Query{Layer: "pei"})
	if p := fs[0].Geometry.(orb.Point); math.Abs(p[0]-4.92) > 0.05 || math.Abs(p[1]-46.56) > 0.05 {
		t.Errorf("L93 point landed at %v", p)
	}
}
