package formats

import (
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// csvCases double as seeds of FuzzReadCSV.
var csvCases = []struct {
	name     string
	in       string
	opts     CSVOptions
	err      string
	srs      int
	fields   []Field
	geoms    []orb.Geometry
	props    []map[string]any
	wantName string
}{
	{
		name:   "French Excel: semicolons, decimal commas, Latin-1, lon/lat",
		in:     "nom;longitude;latitude;d\xe9bit;date_ct;disponible\r\n\xc9glise;4,9077;46,5633;60;31/05/2024;oui\r\nM\xe2con;4,8347;46,3069;;2024-06-01;non\r\n",
		srs:    4326,
		fields: []Field{{"nom", schema.Text}, {"débit", schema.Integer}, {"date_ct", schema.Date}, {"disponible", schema.Boolean}},
		geoms:  []orb.Geometry{orb.Point{4.9077, 46.5633}, orb.Point{4.8347, 46.3069}},
		props: []map[string]any{
			{"nom": "Église", "débit": int64(60), "date_ct": "2024-05-31", "disponible": true},
			{"nom": "Mâcon", "débit": nil, "date_ct": "2024-06-01", "disponible": false},
		},
	},
	{
		name:   "UTF-8 BOM, commas, quoted fields, Lambert-93 x/y by value",
		in:     "\ufeffid,x,y,nom,code\n1,846181.73,6608811.01,\"Tournus, mairie\",01200\n2,833758.10,6596482.05,\"dit \"\"le moulin\"\"\",71000\n",
		srs:    2154,
		fields: []Field{{"id", schema.Integer}, {"nom", schema.Text}, {"code", schema.Text}},
		geoms:  []orb.Geometry{orb.Point{846181.73, 6608811.01}, orb.Point{833758.10, 6596482.05}},
		props: []map[string]any{
			{"id": int64(1), "nom": "Tournus, mairie", "code": "01200"},
			{"id": int64(2), "nom": `dit "le moulin"`, "code": "71000"},
		},
	},
	{
		name:   "tabs, x/y in degrees, empty coordinates, mixed int and real",
		in:     "X\tY\tv\tw\n4.9\t46.5\t1\t2024-05-31T10:00:00Z\n\t\t2.5\t2024-05-31\n",
		srs:    4326,
		fields: []Field{{"v", schema.Real}, {"w", schema.DateTime}},
		geoms:  []orb.Geometry{orb.Point{4.9, 46.5}, nil},
		props: []map[string]any{
			{"v": 1.0, "w": "2024-05-31T10:00:00Z"},
			{"v": 2.5, "w": "2024-05-31T00:00:00Z"},
		},
	},
	{
		name:   "French dates and times with a leading zero; codes keep theirs",
		in:     "lon;lat;d;dt;code;tel\n4,9;46,5;01/05/2024;09/03/2024 08:05;01200;0612345678\n4,9;46,5;31/12/2024;;71000;0385000000\n",
		srs:    4326,
		fields: []Field{{"d", schema.Date}, {"dt", schema.DateTime}, {"code", schema.Text}, {"tel", schema.Text}},
		geoms:  []orb.Geometry{orb.Point{4.9, 46.5}, orb.Point{4.9, 46.5}},
		props: []map[string]any{
			{"d": "2024-05-01", "dt": "2024-03-09T08:05:00Z", "code": "01200", "tel": "0612345678"},
			{"d": "2024-12-31", "dt": nil, "code": "71000", "tel": "0385000000"},
		},
	},
	{
		name:   "dates and date-times as ogr2ogr writes them",
		in:     "lon,lat,d,dt\n4.9,46.5,2024/02/29,2024/02/29 10:30:00+01\n4.9,46.5,1900/01/01,2024/03/01 08:00:00.5\n",
		srs:    4326,
		fields: []Field{{"d", schema.Date}, {"dt", schema.DateTime}},
		geoms:  []orb.Geometry{orb.Point{4.9, 46.5}, orb.Point{4.9, 46.5}},
		props: []map[string]any{
			{"d": "2024-02-29", "dt": "2024-02-29T09:30:00Z"},
			{"d": "1900-01-01", "dt": "2024-03-01T08:00:00Z"},
		},
	},
	{
		name:   "Lambert-93 names keep 2154 even out of range; short rows",
		in:     "X_L93;Y_L93;a;b\n1500000;5000000;x\n",
		srs:    2154,
		fields: []Field{{"a", schema.Text}, {"b", schema.Text}},
		geoms:  []orb.Geometry{orb.Point{1500000, 5000000}},
		props:  []map[string]any{{"a": "x", "b": nil}},
	},
	{
		name: "plain x/y out of both ranges: unknown SRS",
		in:   "x,y\n1840000,6150000\n",
		srs:  0, geoms: []orb.Geometry{orb.Point{1840000, 6150000}}, props: []map[string]any{{}},
	},
	{
		name: "forced columns, SRS, types; coordinates kept",
		in:   "E;N;insee;actif\n1840000;6150000;71543;1\n",
		opts: CSVOptions{XColumn: "e", YColumn: "n", SRS: 3947, KeepCoordinateColumns: true,
			Types: map[string]schema.FieldType{"INSEE": schema.Text, "actif": schema.Boolean}},
		srs:    3947,
		fields: []Field{{"E", schema.Integer}, {"N", schema.Integer}, {"insee", schema.Text}, {"actif", schema.Boolean}},
		geoms:  []orb.Geometry{orb.Point{1840000, 6150000}},
		props:  []map[string]any{{"E": int64(1840000), "N": int64(6150000), "insee": "71543", "actif": true}},
	},
	{
		name:   "Excel sep= line, no coordinates, duplicate and empty headers, trailing separators",
		in:     "sep=|\nnom|nom||\na|b|c|\n",
		fields: []Field{{"nom", schema.Text}, {"nom_2", schema.Text}, {"field_3", schema.Text}, {"field_4", schema.Text}},
		geoms:  []orb.Geometry{nil},
		props:  []map[string]any{{"nom": "a", "nom_2": "b", "field_3": "c", "field_4": nil}},
	},
	{
		name: "UTF-16 with BOM (Excel Unicode text)",
		in:   "\xff\xfel\x00o\x00n\x00\t\x00l\x00a\x00t\x00\n\x004\x00\t\x004\x006\x00\n\x00",
		srs:  4326, geoms: []orb.Geometry{orb.Point{4, 46}}, props: []map[string]any{{}},
	},
	{
		name: "header only",
		in:   "lon,lat,nom\n",
		srs:  4326, fields: []Field{{"nom", schema.Text}},
	},
	{
		name:   "sep= tab line",
		in:     "SEP=\t\r\na;b\tc\r\n1;2\t3\r\n",
		fields: []Field{{"a;b", schema.Text}, {"c", schema.Integer}},
		geoms:  []orb.Geometry{nil},
		props:  []map[string]any{{"a;b": "1;2", "c": int64(3)}},
	},
	{name: "empty", in: "", err: "the file is empty"},
	{name: "bad coordinate", in: "lon;lat\n4,9;nord\n", err: `line 2: coordinates ("4,9", "nord") of columns lon, lat are not numbers`},
	{name: "extra field", in: "a,b\n1,2,3\n", err: "line 2: 3 fields, but the header has 2"},
	{name: "forced column missing", in: "a,b\n1,2\n", opts: CSVOptions{XColumn: "x", YColumn: "b"}, err: `coordinate columns "x" and "b" not found`},
	{name: "forced type does not fit", in: "a\nx\n", opts: CSVOptions{Types: map[string]schema.FieldType{"a": schema.Integer}}, err: "line 2: schema: invalid value: a: x is not a valid integer"},
	{name: "unknown forced type", in: "a\nx\n", opts: CSVOptions{Types: map[string]schema.FieldType{"a": "blob"}}, err: `unknown type "blob"`},
	{name: "bad separator", in: "a\n", opts: CSVOptions{Separator: '"'}, err: "cannot be a separator"},
}

func TestReadCSV(t *testing.T) {
	for _, c := range csvCases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := ReadCSV(strings.NewReader(c.in), "Points d'eau.csv", c.opts)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.HasPrefix(err.Error(), "formats: csv: ") {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkDataset(t, ds)
			if ds.Name != "points_d_eau" || ds.SRS != c.srs {
				t.Errorf("name %q SRS %d, want points_d_eau, %d", ds.Name, ds.SRS, c.srs)
			}
			if !reflect.DeepEqual(ds.Fields, c.fields) {
				t.Errorf("fields %v, want %v", ds.Fields, c.fields)
			}
			var geoms []orb.Geometry
			var props []map[string]any
			for _, f := range ds.Features {
				geoms = append(geoms, f.Geometry)
				props = append(props, f.Properties)
			}
			if !reflect.DeepEqual(geoms, c.geoms) {
				t.Errorf("geometries %v, want %v", geoms, c.geoms)
			}
			if !reflect.DeepEqual(props, c.props) {
				t.Errorf("properties\n got %#v\nwant %#v", props, c.props)
			}
		})
	}
}

func TestDetectSeparator(t *testing.T) {
	cases := map[string]rune{
		"a;b;c\n1,5;2,5;3\n":     ';',
		"a,b,c\n1.5,2.5,3\n":     ',',
		"a\tb\n1,5\t2\n":         '\t',
		"a\n1\n":                 ',',
		"a;b\n\"x;y\";2\n":       ';',
		"a,b;c\n1,2;3\n4,5;6\n":  ';', // a tie: ';', the French default, wins
		"nom;pop\nA, B;1\nC;2\n": ';',
	}
	for in, want := range cases {
		if got := detectSeparator(in); got != want {
			t.Errorf("detectSeparator(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, c := range csvCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadCSV(strings.NewReader(string(data)), "fuzz.csv", CSVOptions{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "formats: csv: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		checkDataset(t, ds)
	})
}
