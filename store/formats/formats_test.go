package formats

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// checkDataset fails when ds breaks the Dataset contract: unique field names
// with valid types, properties only of declared fields and of the Go type of
// their field, finite coordinates.
func checkDataset(t testing.TB, ds *Dataset) {
	t.Helper()
	if ds == nil {
		t.Fatal("nil dataset without error")
	}
	types := map[string]schema.FieldType{}
	lower := map[string]bool{}
	for _, f := range ds.Fields {
		if !f.Type.Valid() {
			t.Fatalf("field %q: type %q", f.Name, f.Type)
		}
		if lower[strings.ToLower(f.Name)] {
			t.Fatalf("field %q declared twice", f.Name)
		}
		lower[strings.ToLower(f.Name)] = true
		types[f.Name] = f.Type
	}
	if ds.Name != LayerName(ds.Name) || ds.Name == "" {
		t.Fatalf("dataset name %q is not a plain identifier", ds.Name)
	}
	for i, f := range ds.Features {
		for k, v := range f.Properties {
			typ, ok := types[k]
			if !ok {
				t.Fatalf("feature %d: property %q is not a field", i, k)
			}
			if !valueFits(v, typ) {
				t.Fatalf("feature %d: %s = %#v (%T) does not fit type %s", i, k, v, v, typ)
			}
		}
		if !geometryFinite(f.Geometry) {
			t.Fatalf("feature %d: non-finite coordinates in %v", i, f.Geometry)
		}
	}
}

func valueFits(v any, t schema.FieldType) bool {
	if v == nil {
		return true
	}
	switch t {
	case schema.Text:
		_, ok := v.(string)
		return ok
	case schema.Integer:
		_, ok := v.(int64)
		return ok
	case schema.Real:
		f, ok := v.(float64)
		return ok && !math.IsNaN(f) && !math.IsInf(f, 0)
	case schema.Boolean:
		_, ok := v.(bool)
		return ok
	case schema.Date:
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(schema.DateLayout, s)
		return err == nil
	case schema.DateTime:
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(time.RFC3339, s)
		return err == nil && strings.HasSuffix(s, "Z")
	}
	return false
}

func geometryFinite(g orb.Geometry) bool {
	if g == nil {
		return true
	}
	b := g.Bound()
	for _, p := range []orb.Point{b.Min, b.Max} {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return false
		}
	}
	return true
}

func TestLayerName(t *testing.T) {
	cases := map[string]string{
		"ccmt-communes.geojson":           "ccmt_communes",
		"Réseau AEP (2024).shp":           "reseau_aep_2024",
		"/tmp/x/Poteaux Incendie.CSV":     "poteaux_incendie",
		`C:\Users\mairie\Bouches_EU.shp`:  "bouches_eu",
		"71-communes.json":                "layer_71_communes",
		"ŒUVRES d'ART.geojson":            "ouvres_d_art",
		"":                                "layer",
		"___.csv":                         "layer",
		"données.v2.txt":                  "donnees_v2",
		"gpkg_contents.csv":               "layer_gpkg_contents",
		"TM_journal.geojson":              "layer_tm_journal",
		strings.Repeat("a", 80) + ".shp":  strings.Repeat("a", 63),
		strings.Repeat("a_", 40) + ".shp": strings.TrimSuffix(strings.Repeat("a_", 32), "_"),
	}
	for in, want := range cases {
		if got := LayerName(in); got != want {
			t.Errorf("LayerName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldName(t *testing.T) {
	cases := map[string]string{
		"N° PEI": "n_pei", "Date de contrôle": "date_de_controle", "nom": "nom", "FID": "f_fid",
		"geom": "f_geom", "2024": "f_2024", "---": "field", "débit (m³/h)": "debit_m3_h",
	}
	for in, want := range cases {
		got := FieldName(in)
		if got != want {
			t.Errorf("FieldName(%q) = %q, want %q", in, got, want)
		}
		l := schema.Layer{Name: "t", GeometryType: schema.Point, Fields: []schema.Field{{Name: got, Type: schema.Text}}}
		if err := l.Validate(); err != nil {
			t.Errorf("FieldName(%q) = %q: %v", in, got, err)
		}
	}
}

func TestUniqueNames(t *testing.T) {
	got := uniqueNames([]string{"nom", " ", "Nom", "nom", "nom_2", "x "})
	want := []string{"nom", "field_2", "Nom_2", "nom_3", "nom_2_2", "x"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("uniqueNames = %q, want %q", got, want)
	}
}

func TestReadFile(t *testing.T) {
	cases := []struct {
		path     string
		name     string
		features int
		srs      int
	}{
		{"testdata/ccmt/ccmt-communes.geojson", "ccmt_communes", 24, 4326},
		{"testdata/ccmt/shp_l93/ccmt_communes_l93.shp", "ccmt_communes_l93", 24, 2154},
		{"testdata/communes-71/departement-71-saone-et-loire.geojson", "departement_71_saone_et_loire", 1, 4326},
	}
	for _, c := range cases {
		ds, err := ReadFile(c.path)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", c.path, err)
		}
		checkDataset(t, ds)
		if ds.Name != c.name || len(ds.Features) != c.features || ds.SRS != c.srs {
			t.Errorf("ReadFile(%s): name %q, %d features, SRS %d; want %q, %d, %d",
				c.path, ds.Name, len(ds.Features), ds.SRS, c.name, c.features, c.srs)
		}
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "Bornes.CSV")
	if err := os.WriteFile(csvPath, []byte("lon;lat;nom\n4,9;46,5;Borne 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := ReadFile(csvPath)
	if err != nil || ds.Name != "bornes" || len(ds.Features) != 1 || ds.SRS != 4326 {
		t.Errorf("ReadFile(csv) = %+v, %v", ds, err)
	}
	for _, p := range []string{"x.gpkg", "x.kml", "x", "x.dbf"} {
		if _, err := ReadFile(filepath.Join(dir, p)); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("ReadFile(%s): %v, want ErrUnsupportedFormat", p, err)
		}
		if _, err := OpenFile(filepath.Join(dir, p)); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("OpenFile(%s): %v, want ErrUnsupportedFormat", p, err)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.geojson")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing): %v, want a not-exist error", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.shp")); !errors.Is(err, os.ErrNotExist) ||
		!strings.HasPrefix(err.Error(), "formats: shapefile missing.shp: ") {
		t.Errorf("ReadFile(missing.shp): %v, want a wrapped not-exist error", err)
	}
}
