package formats

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// gdalTool finds a GDAL program; `make deps` installs gdal-bin.
func gdalTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run `make deps`", name)
	}
	return p
}

// gdalRead has GDAL read path (ogr2ogr to GeoJSON, with options oo) and
// returns what it read, read back by ReadGeoJSON.
func gdalRead(t *testing.T, path string, oo ...string) *Dataset {
	t.Helper()
	out := filepath.Join(t.TempDir(), "gdal.geojson")
	args := append([]string{"-f", "GeoJSON", out, path}, oo...)
	if b, err := exec.Command(gdalTool(t, "ogr2ogr"), args...).CombinedOutput(); err != nil || len(b) > 0 {
		t.Fatalf("ogr2ogr %s: %v\n%s", path, err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := ReadGeoJSON(f, "gdal")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// ogrinfo is `ogrinfo -al -so path`: GDAL's summary of the layer.
func ogrinfo(t *testing.T, path string) string {
	t.Helper()
	b, err := exec.Command(gdalTool(t, "ogrinfo"), "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, b)
	}
	return string(b)
}

// exportSample is a layer with every field type, names too long for a
// dBase, a text too long for it, and polygons whose rings come
// counter-clockwise (as Terrimap holds them) with a hole.
func exportSample() (*Dataset, []Feature) {
	ext := orb.Ring{{4.90, 46.55}, {4.92, 46.55}, {4.92, 46.57}, {4.90, 46.57}, {4.90, 46.55}}
	hole := orb.Ring{{4.905, 46.555}, {4.905, 46.565}, {4.915, 46.565}, {4.915, 46.555}, {4.905, 46.555}}
	far := orb.Ring{{5.0, 46.6}, {5.01, 46.6}, {5.01, 46.61}, {5.0, 46.6}}
	long := strings.Repeat("é", 200) // 400 bytes
	ds := &Dataset{Name: "parcs", SRS: 4326, Fields: []Field{
		{"nom", schema.Text}, {"numero", schema.Integer}, {"surface_m2", schema.Real},
		{"ouvert", schema.Boolean}, {"date_ct", schema.Date}, {"modifie", schema.DateTime},
		{"nom_commune_insee", schema.Text}, {"nom_commune_court", schema.Text}, {"remarque", schema.Text},
	}}
	ds.Features = []Feature{
		{ID: "1", Geometry: orb.Polygon{ext, hole}, Properties: map[string]any{
			"nom": "Parc de l'Abbaye", "numero": int64(12), "surface_m2": 1234.5678, "ouvert": true,
			"date_ct": "2024-05-31", "modifie": "2024-05-31T08:15:00Z", "nom_commune_insee": "71543",
			"nom_commune_court": "Tournus", "remarque": long}},
		{ID: "2", Geometry: orb.MultiPolygon{{ext, hole}, {far}}, Properties: map[string]any{
			"nom": "Jardin « Saint-Philibert »", "numero": int64(-7), "surface_m2": 1e-7, "ouvert": false,
			"date_ct": nil, "modifie": nil, "nom_commune_insee": nil, "nom_commune_court": "", "remarque": "court"}},
		{ID: "3", Geometry: nil, Properties: map[string]any{"nom": "Sans géométrie", "numero": nil, "surface_m2": nil, "ouvert": nil}},
	}
	// What a reader gets back: names cut, the text cut, rings as RFC 7946.
	want := make([]Feature, len(ds.Features))
	for i, f := range ds.Features {
		p := map[string]any{}
		for _, fl := range ds.Fields {
			p[fl.Name] = f.Properties[fl.Name]
		}
		p["nom_commun"], p["nom_comm_1"] = p["nom_commune_insee"], p["nom_commune_court"]
		delete(p, "nom_commune_insee")
		delete(p, "nom_commune_court")
		if p["remarque"] == long {
			p["remarque"] = strings.Repeat("é", 127) // 254 bytes
		}
		if p["nom_comm_1"] == "" {
			p["nom_comm_1"] = nil // dBase has no empty text apart from null
		}
		want[i] = Feature{Geometry: RFC7946(f.Geometry), Properties: p}
	}
	return ds, want
}

// TestWriteShapefileGDAL writes a Shapefile and has GDAL read it back: the
// same features, values and geometries (exteriors clockwise in the file);
// the .prj read as WGS 84, the .cpg as UTF-8; warnings for what a dBase
// cannot hold.
func TestWriteShapefileGDAL(t *testing.T) {
	ds, want := exportSample()
	path := filepath.Join(t.TempDir(), "parcs.shp")
	warnings, err := WriteShapefile(path, ds, schema.MultiPolygon)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []Warning{
		{Kind: WarnDateTimeAsText, Field: "modifie"},
		{Kind: WarnFieldRenamed, Field: "nom_commune_insee", Name: "nom_commun"},
		{Kind: WarnFieldRenamed, Field: "nom_commune_court", Name: "nom_comm_1"},
		{Kind: WarnTextCut, Field: "remarque", Count: 1},
	}
	if !reflect.DeepEqual(warnings, wantWarnings) {
		t.Errorf("warnings %+v, want %+v", warnings, wantWarnings)
	}
	info := ogrinfo(t, path)
	for _, s := range []string{"Geometry: Polygon", "Feature Count: 3", `GEOGCRS["WGS 84"`, "nom_commun: String (5.0)", "remarque: String (254.0)", "nom_comm_1: String (7.0)",
		"numero: Integer (2.0)", "surface_m2: Real (24.15)", "ouvert: String (1.0)", "date_ct: Date (10.0)", "modifie: String (20.0)"} {
		if !strings.Contains(info, s) {
			t.Errorf("ogrinfo does not say %q:\n%s", s, info)
		}
	}
	got := gdalRead(t, path)
	if len(got.Features) != len(want) {
		t.Fatalf("GDAL reads %d features", len(got.Features))
	}
	for i, f := range got.Features {
		if !reflect.DeepEqual(RFC7946(f.Geometry), want[i].Geometry) {
			t.Errorf("feature %d: GDAL reads %v, want %v", i, f.Geometry, want[i].Geometry)
		}
		if !sameProperties(f.Properties, gdalLogicals(want[i].Properties)) {
			t.Errorf("feature %d: GDAL reads\n %v, want\n %v", i, f.Properties, want[i].Properties)
		}
	}
	// GDAL writes the file's own rings: the exterior comes clockwise.
	if p, ok := got.Features[0].Geometry.(orb.Polygon); !ok || p[0].Orientation() != orb.CW || p[1].Orientation() != orb.CCW {
		t.Errorf("rings in the file: %v", got.Features[0].Geometry)
	}
	// Terrimap's own reader reads the same.
	back, err := ReadShapefile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range back.Features {
		if !reflect.DeepEqual(f.Geometry, want[i].Geometry) {
			t.Errorf("feature %d: ReadShapefile reads %v", i, f.Geometry)
		}
		if !sameProperties(f.Properties, want[i].Properties) {
			t.Errorf("feature %d: ReadShapefile reads\n %v, want\n %v", i, f.Properties, want[i].Properties)
		}
	}
}

// sameProperties compares properties, an absent one being null.
func sameProperties(a, b map[string]any) bool {
	for k, v := range a {
		if !reflect.DeepEqual(v, b[k]) {
			return false
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok && v != nil {
			return false
		}
	}
	return true
}

// gdalLogicals is props with booleans as GDAL 3.6 reads a dBase logical:
// the text T or F.
func gdalLogicals(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if b, ok := v.(bool); ok {
			v = map[bool]string{true: "T", false: "F"}[b]
		}
		out[k] = v
	}
	return out
}

// TestWriteGeoJSONGDAL writes the sample as GeoJSON: GDAL reads the same
// features back, and the rings are as RFC 7946 wants them, whatever their
// direction in the layer.
func TestWriteGeoJSONGDAL(t *testing.T) {
	ds, want := exportSample()
	for i, f := range ds.Features { // rings as a Shapefile brings them
		ds.Features[i].Geometry = ShapefileRings(f.Geometry)
	}
	path := filepath.Join(t.TempDir(), "parcs.geojson")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := NewGeoJSONWriter(file, ds.Name, ds.Fields)
	for _, f := range ds.Features {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file.Close()
	own, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := gdalRead(t, path)
	for i := range ds.Features {
		if g := own.Features[i].Geometry; !reflect.DeepEqual(g, want[i].Geometry) {
			t.Errorf("feature %d written %v, want %v (RFC 7946)", i, g, want[i].Geometry)
		}
		if g := got.Features[i].Geometry; !reflect.DeepEqual(g, want[i].Geometry) {
			t.Errorf("feature %d: GDAL reads %v", i, g)
		}
		if !sameProperties(got.Features[i].Properties, ds.Features[i].Properties) {
			t.Errorf("feature %d: GDAL reads\n %v, want\n %v", i, got.Features[i].Properties, ds.Features[i].Properties)
		}
		if own.Features[i].ID != ds.Features[i].ID {
			t.Errorf("feature %d: id %q", i, own.Features[i].ID)
		}
	}
}

// TestWriteCSVGDAL writes CSV with a WKT column, and points with
// longitude/latitude columns: GDAL reads the same values (as text, CSV
// having no types) and geometries.
func TestWriteCSVGDAL(t *testing.T) {
	ds, want := exportSample()
	pts := &Dataset{Name: "pei", SRS: 4326, Fields: ds.Fields[:6], Features: []Feature{
		{Geometry: orb.Point{4.9086, 46.5628}, Properties: ds.Features[0].Properties},
		{Geometry: orb.Point{-0.5, 1e-7}, Properties: ds.Features[1].Properties},
		{Geometry: orb.LineString{{1, 2}, {3, 4}}, Properties: ds.Features[2].Properties},
	}}
	for _, c := range []struct {
		ds      *Dataset
		geom    CSVGeometry
		oo      []string
		dropped int
		want    func(i int) orb.Geometry
	}{
		{ds, CSVWKT, []string{"-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"}, 0, func(i int) orb.Geometry { return want[i].Geometry }},
		{pts, CSVXY, []string{"-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude", "-oo", "KEEP_GEOM_COLUMNS=NO"}, 1,
			func(i int) orb.Geometry {
				if i == 2 {
					return nil
				}
				return pts.Features[i].Geometry
			}},
	} {
		path := filepath.Join(t.TempDir(), c.ds.Name+".csv")
		file, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewCSVWriter(file, c.ds.Fields, c.geom, srs.WGS84)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range c.ds.Features {
			if err := w.Write(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		file.Close()
		if w.Dropped() != c.dropped {
			t.Errorf("%s: %d geometries dropped, want %d", path, w.Dropped(), c.dropped)
		}
		got := gdalRead(t, path, append(c.oo, "-oo", "EMPTY_STRING_AS_NULL=YES")...)
		for i, f := range got.Features {
			if g := RFC7946(f.Geometry); !reflect.DeepEqual(g, c.want(i)) {
				t.Errorf("%s feature %d: GDAL reads %v, want %v", path, i, f.Geometry, c.want(i))
			}
			texts := map[string]any{}
			for _, fl := range c.ds.Fields {
				if s := schema.CodeString(c.ds.Features[i].Properties[fl.Name]); s != "" {
					texts[fl.Name] = s
				}
			}
			if !sameProperties(f.Properties, texts) {
				t.Errorf("%s feature %d: GDAL reads\n %v, want\n %v", path, i, f.Properties, texts)
			}
		}
	}
}
