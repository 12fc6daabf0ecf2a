package formats

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// geoJSONCases double as seeds of FuzzReadGeoJSON.
var geoJSONCases = []struct {
	name     string
	in       string
	err      string // substring of the error; "" for success
	srs      int
	fields   []Field
	features []Feature
}{
	{
		name: "empty collection",
		in:   `{"type":"FeatureCollection","features":[]}`,
		srs:  4326, features: []Feature{},
	},
	{
		name: "bare geometry",
		in:   `{"type":"Point","coordinates":[4.9,46.5,210]}`,
		srs:  4326, features: []Feature{{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{}}},
	},
	{
		name: "bare feature with number id and null geometry",
		in:   `{"type":"Feature","id":12,"geometry":null,"properties":{"nom":"Mâcon"}}`,
		srs:  4326, fields: []Field{{"nom", schema.Text}},
		features: []Feature{{ID: "12", Properties: map[string]any{"nom": "Mâcon"}}},
	},
	{
		name: "mixed types resolved per field, in order of appearance",
		in: `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"a","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},
			 "properties":{"z":1,"n":1,"s":"x","d":"2024-05-31","dt":"2024-05-31T10:00:00+02:00","b":true,"o":{"k":[1, 2]},"big":12345678901234567890}},
			{"type":"Feature","geometry":null,
			 "properties":{"z":2,"n":2.5,"s":3,"d":"2024-06-01","dt":"2024-06-01","b":false,"o":null,"e":null}},
			{"type":"Feature","geometry":null,"properties":{"d":null,"s":true,"late":"2024-01-01","b":"oui"}}]}`,
		srs: 4326,
		fields: []Field{{"z", schema.Integer}, {"n", schema.Real}, {"s", schema.Text}, {"d", schema.Date},
			{"dt", schema.DateTime}, {"b", schema.Text}, {"o", schema.Text}, {"big", schema.Real},
			{"e", schema.Text}, {"late", schema.Date}},
		features: []Feature{
			{ID: "a", Geometry: orb.LineString{{0, 0}, {1, 1}}, Properties: map[string]any{
				"z": int64(1), "n": 1.0, "s": "x", "d": "2024-05-31", "dt": "2024-05-31T08:00:00Z",
				"b": "true", "o": `{"k":[1,2]}`, "big": 12345678901234567890.0}},
			{Properties: map[string]any{"z": int64(2), "n": 2.5, "s": "3", "d": "2024-06-01",
				"dt": "2024-06-01T00:00:00Z", "b": "false", "o": nil, "e": nil}},
			{Properties: map[string]any{"d": nil, "s": "true", "late": "2024-01-01", "b": "oui"}},
		},
	},
	{
		name: "a date among text is text",
		in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"d":"2024-05-31"}},
			{"type":"Feature","geometry":null,"properties":{"d":"bientôt"}}]}`,
		srs: 4326, fields: []Field{{"d", schema.Text}},
		features: []Feature{{Properties: map[string]any{"d": "2024-05-31"}}, {Properties: map[string]any{"d": "bientôt"}}},
	},
	{
		name: "old crs member, Lambert-93",
		in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},
			"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[846181.73,6608811.01]},"properties":null}]}`,
		srs: 2154, features: []Feature{{Geometry: orb.Point{846181.73, 6608811.01}, Properties: map[string]any{}}},
	},
	{
		name: "old crs member, EPSG type, Web Mercator",
		in:   `{"type":"Point","crs":{"type":"EPSG","properties":{"code":3857}},"coordinates":[546000,5870000]}`,
		srs:  3857, features: []Feature{{Geometry: orb.Point{546000, 5870000}, Properties: map[string]any{}}},
	},
	{
		name: "crs CRS84",
		in:   `{"type":"Point","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"coordinates":[4,46]}`,
		srs:  4326, features: []Feature{{Geometry: orb.Point{4, 46}, Properties: map[string]any{}}},
	},
	{
		name: "crs unsupported but known",
		in:   `{"type":"Point","crs":{"type":"name","properties":{"name":"EPSG:27572"}},"coordinates":[790000,2140000]}`,
		srs:  27572, features: []Feature{{Geometry: orb.Point{790000, 2140000}, Properties: map[string]any{}}},
	},
	{
		name: "crs unreadable",
		in:   `{"type":"Point","crs":{"type":"link","properties":{"href":"x.prj"}},"coordinates":[1,2]}`,
		srs:  0, features: []Feature{{Geometry: orb.Point{1, 2}, Properties: map[string]any{}}},
	},
	{
		name: "all geometry types",
		in: `{"type":"GeometryCollection","geometries":[
			{"type":"MultiPoint","coordinates":[[1,2],[3,4]]},
			{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[]]},
			{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},
			{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]},
			{"type":"Point","coordinates":[]},
			{"type":"GeometryCollection","geometries":[]}]}`,
		srs: 4326,
		features: []Feature{{Properties: map[string]any{}, Geometry: orb.Collection{
			orb.MultiPoint{{1, 2}, {3, 4}},
			orb.MultiLineString{{{1, 2}, {3, 4}}, {}},
			orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
			orb.Collection{},
		}}},
	},
	{
		name: "keys differing only by case",
		in:   `{"type":"Feature","geometry":null,"properties":{"Nom":"a","nom":"b","NOM":1}}`,
		srs:  4326, fields: []Field{{"Nom", schema.Text}, {"nom_2", schema.Text}, {"NOM_3", schema.Integer}},
		features: []Feature{{Properties: map[string]any{"Nom": "a", "nom_2": "b", "NOM_3": int64(1)}}},
	},
	{name: "BOM", in: "\ufeff" + `{"type":"Point","coordinates":[1,2]}`, srs: 4326,
		features: []Feature{{Geometry: orb.Point{1, 2}, Properties: map[string]any{}}}},
	{name: "not JSON", in: `<gml:Point/>`, err: "a JSON object is expected, found '<'"},
	{name: "syntax error position", in: "{\"type\":\"Point\",\n \"coordinates\":[1,2,]}", err: "line 2, column 21: invalid character ']'"},
	{name: "empty", in: ``, err: "empty document"},
	{name: "array", in: `[1,2]`, err: "a JSON object is expected, found an array"},
	{name: "type not a string", in: `{"type":5}`, err: `member "type" cannot be number`},
	{name: "no type", in: `{"features":[]}`, err: `no "type" member`},
	{name: "unknown type", in: `{"type":"Topology"}`, err: `type "Topology" is not a GeoJSON type`},
	{name: "collection without features", in: `{"type":"FeatureCollection"}`, err: `no "features"`},
	{name: "features not an array", in: `{"type":"FeatureCollection","features":{}}`, err: `"features" must be an array`},
	{name: "feature not an object", in: `{"type":"FeatureCollection","features":[3]}`, err: "feature 0: a JSON object is expected, found a number"},
	{name: "wrong feature type", in: `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]}`, err: `feature 0: type is "Point"`},
	{name: "position too short", in: `{"type":"Point","coordinates":[1]}`, err: "needs at least 2 numbers"},
	{name: "position with null", in: `{"type":"LineString","coordinates":[[1,null],[2,3]]}`, err: "cannot hold null"},
	{name: "position of strings", in: `{"type":"Point","coordinates":["1","2"]}`, err: "positions must be arrays of numbers, found string"},
	{name: "huge number", in: `{"type":"Point","coordinates":[1e400,2]}`, err: "positions must be arrays of numbers, found number 1e400"},
	{name: "object position", in: `{"type":"LineString","coordinates":[{"x":1}]}`, err: "positions must be arrays of numbers, found object"},
	{name: "missing coordinates", in: `{"type":"Polygon"}`, err: `Polygon has no "coordinates"`},
	{name: "bad geometry in feature", in: `{"type":"Feature","geometry":{"type":"Circle"},"properties":{}}`, err: `geometry: unknown geometry type "Circle"`},
	{name: "properties not an object", in: `{"type":"Feature","geometry":null,"properties":[1]}`, err: "properties: must be an object"},
	{name: "id object", in: `{"type":"Feature","id":{"a":1},"geometry":null,"properties":{}}`, err: "id must be a string or a number"},
	{name: "deep collection", in: strings.Repeat(`{"type":"GeometryCollection","geometries":[`, 40) + strings.Repeat("]}", 40), err: "geometry collections nested deeper than 16"},
	{name: "collection without geometries", in: `{"type":"GeometryCollection"}`, err: `needs a "geometries" array`},
}

func TestReadGeoJSON(t *testing.T) {
	for _, c := range geoJSONCases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := ReadGeoJSON(strings.NewReader(c.in), "test.geojson")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.HasPrefix(err.Error(), "formats: geojson: ") {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkDataset(t, ds)
			if ds.Name != "test" || ds.SRS != c.srs {
				t.Errorf("name %q SRS %d, want test, %d", ds.Name, ds.SRS, c.srs)
			}
			if !reflect.DeepEqual(ds.Fields, c.fields) {
				t.Errorf("fields\n got %v\nwant %v", ds.Fields, c.fields)
			}
			if !reflect.DeepEqual(ds.Features, c.features) {
				t.Errorf("features\n got %#v\nwant %#v", ds.Features, c.features)
			}
		})
	}
}

func TestReadGeoJSONRealData(t *testing.T) {
	f, err := os.Open("testdata/ccmt/ccmt-communes.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := ReadGeoJSON(f, "")
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, ds)
	wantFields := []Field{{"code", schema.Text}, {"nom", schema.Text}, {"nom_officiel", schema.Text},
		{"siren", schema.Text}, {"population_municipale", schema.Integer}, {"epci_siren", schema.Text},
		{"epci_nom", schema.Text}}
	if ds.Name != "ccmt_communes" || ds.SRS != 4326 || len(ds.Features) != 24 || !reflect.DeepEqual(ds.Fields, wantFields) {
		t.Fatalf("got %q SRS %d, %d features, fields %v", ds.Name, ds.SRS, len(ds.Features), ds.Fields)
	}
	byCode := map[string]Feature{}
	for _, f := range ds.Features {
		byCode[f.Properties["code"].(string)] = f
		if _, ok := f.Geometry.(orb.Polygon); !ok {
			t.Errorf("%v: geometry %T", f.Properties["code"], f.Geometry)
		}
	}
	truchere := byCode["71549"]
	if truchere.Properties["nom"] != "Truchère" || truchere.Properties["nom_officiel"] != "La Truchère" ||
		truchere.Properties["epci_nom"] != "CC Mâconnais - Tournugeois" {
		t.Errorf("La Truchère: %v", truchere.Properties)
	}
	if pop := byCode["71543"].Properties["population_municipale"]; pop != int64(5702) {
		t.Errorf("Tournus population %#v", pop)
	}

	f71, err := os.Open("testdata/communes-71/departement-71-saone-et-loire.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f71.Close()
	dep, err := ReadGeoJSON(f71, "departement-71-saone-et-loire.geojson")
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, dep)
	if len(dep.Features) != 1 || dep.Features[0].Properties["code"] != "71" || dep.Features[0].Properties["nom"] != "Saône-et-Loire" {
		t.Fatalf("département: %d features, %v", len(dep.Features), dep.Features[0].Properties)
	}
	b := dep.Features[0].Geometry.Bound()
	if b.Min[0] < 3.6 || b.Max[0] > 5.5 || b.Min[1] < 46.1 || b.Max[1] > 47.2 {
		t.Errorf("département bound %v", b)
	}
}

func FuzzReadGeoJSON(f *testing.F) {
	for _, c := range geoJSONCases {
		f.Add([]byte(c.in))
	}
	dep, err := os.ReadFile("testdata/communes-71/departement-71-saone-et-loire.geojson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(dep[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadGeoJSON(strings.NewReader(string(data)), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "formats: geojson: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		checkDataset(t, ds)
		// Whatever was read must survive a round trip through JSON text.
		for _, f := range ds.Features {
			if _, err := json.Marshal(f.Properties); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// The reader leaves the values of a date field as read: a string that
// parseDate accepts is already in the form convertString would give.
func TestDateConversionIsIdentity(t *testing.T) {
	for _, y := range []string{"0000", "0001", "0099", "0999", "1000", "1969", "1970", "2000", "2024", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := y + "-" + twoDigits(m) + "-" + twoDigits(d)
				if _, ok := parseDate(s, false); ok && convertString(s, schema.Date, false) != s {
					t.Errorf("%s converts to %v", s, convertString(s, schema.Date, false))
				}
			}
		}
	}
}
