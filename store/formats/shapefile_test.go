package formats

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// makeSHP writes a .shp file around record contents (shape type onwards).
func makeSHP(shapeType int, contents ...[]byte) []byte {
	b := make([]byte, 100)
	binary.BigEndian.PutUint32(b[0:], 9994)
	binary.LittleEndian.PutUint32(b[28:], 1000)
	binary.LittleEndian.PutUint32(b[32:], uint32(shapeType))
	for i, c := range contents {
		var h [8]byte
		binary.BigEndian.PutUint32(h[0:], uint32(i+1))
		binary.BigEndian.PutUint32(h[4:], uint32(len(c)/2))
		b = append(b, h[:]...)
		b = append(b, c...)
	}
	binary.BigEndian.PutUint32(b[24:], uint32(len(b)/2))
	return b
}

func le32(b []byte, v int) []byte { return binary.LittleEndian.AppendUint32(b, uint32(int32(v))) }

func leF64(b []byte, vs ...float64) []byte {
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func shpNull() []byte { return le32(nil, 0) }

func shpPoint(typ int, x, y float64) []byte {
	b := leF64(le32(nil, typ), x, y)
	switch typ {
	case 11: // PointZ: z, m
		b = leF64(b, 100, 0)
	case 21: // PointM: m
		b = leF64(b, 7)
	}
	return b
}

// shpParts writes a PolyLine/Polygon (or, with no part index, MultiPoint)
// record of the given type, with Z and M arrays for Z and M types.
func shpParts(typ int, parts ...[]orb.Point) []byte {
	var all []orb.Point
	var starts []int
	for _, p := range parts {
		starts = append(starts, len(all))
		all = append(all, p...)
	}
	b := le32(nil, typ)
	b = leF64(b, 0, 0, 0, 0) // bounding box, unused by readers
	multipoint := typ == 8 || typ == 18 || typ == 28
	if !multipoint {
		b = le32(b, len(parts))
	}
	b = le32(b, len(all))
	if !multipoint {
		for _, s := range starts {
			b = le32(b, s)
		}
	}
	for _, p := range all {
		b = leF64(b, p[0], p[1])
	}
	zm := 0
	switch typ {
	case 13, 15, 18:
		zm = 2
	case 23, 25, 28:
		zm = 1
	}
	for range zm {
		b = leF64(b, 0, 0)
		for range all {
			b = leF64(b, 1)
		}
	}
	return b
}

// Rings: square exterior clockwise (shapefile rule), hole counter-clockwise.
var (
	squareCW  = []orb.Point{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}
	holeCCW   = []orb.Point{{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}
	square2CW = []orb.Point{{20, 0}, {20, 10}, {30, 10}, {30, 0}, {20, 0}}
	// The same rings, oriented as Dataset geometries are (exterior CCW).
	squareCCWOut  = orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	holeCWOut     = orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}
	square2CCWOut = orb.Ring{{20, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 0}}
)

var pointDBF = makeDBF(0, []dbfSpec{{"NOM", 'C', 10, 0}}, []string{"a"}, []string{"*DELETED*", "b"}, []string{"c"})

// shapefileCases double as seeds of FuzzReadShapefile.
var shapefileCases = []struct {
	name     string
	shp, dbf []byte
	prj      string
	err      string
	srs      int
	ids      []string
	geoms    []orb.Geometry
}{
	{
		name: "points, deleted record skipped, unknown prj",
		shp:  makeSHP(1, shpPoint(1, 1, 2), shpPoint(1, 3, 4), shpPoint(1, 5, 6)),
		dbf:  pointDBF, prj: `PROJCS["Somewhere",GEOGCS["x"]]`,
		ids: []string{"0", "2"}, geoms: []orb.Geometry{orb.Point{1, 2}, orb.Point{5, 6}},
	},
	{
		name: "Z and M points, null shape, no dbf",
		shp:  makeSHP(11, shpPoint(11, 1, 2), shpNull(), shpPoint(21, 3, 4)),
		prj:  `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]`,
		srs:  4326, ids: []string{"0", "1", "2"}, geoms: []orb.Geometry{orb.Point{1, 2}, nil, orb.Point{3, 4}},
	},
	{
		name: "polygon with hole listed first, unclosed exterior",
		shp:  makeSHP(5, shpParts(5, holeCCW, squareCW[:4])),
		ids:  []string{"0"}, geoms: []orb.Geometry{orb.Polygon{squareCCWOut, holeCWOut}},
	},
	{
		name: "two exteriors, hole goes to the one containing it; Z variant",
		shp:  makeSHP(15, shpParts(15, square2CW, squareCW, holeCCW)),
		ids:  []string{"0"}, geoms: []orb.Geometry{orb.MultiPolygon{{square2CCWOut}, {squareCCWOut, holeCWOut}}},
	},
	{
		name: "counter-clockwise ring alone is an exterior (M variant)",
		shp:  makeSHP(25, shpParts(25, holeCCW)),
		ids:  []string{"0"}, geoms: []orb.Geometry{orb.Polygon{{{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}}},
	},
	{
		name: "polylines and multipoints",
		shp: makeSHP(3, shpParts(3, []orb.Point{{0, 0}, {1, 1}}), shpParts(13, []orb.Point{{0, 0}, {1, 1}}, []orb.Point{{2, 2}, {3, 3}}),
			shpParts(23), shpParts(8, []orb.Point{{1, 1}, {2, 2}}), shpParts(28, []orb.Point{{5, 5}})),
		ids: []string{"0", "1", "2", "3", "4"},
		geoms: []orb.Geometry{orb.LineString{{0, 0}, {1, 1}}, orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}},
			nil, orb.MultiPoint{{1, 1}, {2, 2}}, orb.MultiPoint{{5, 5}}},
	},
	{
		name: "trailing zero padding",
		shp:  append(makeSHP(1, shpPoint(1, 1, 2)), 0, 0, 0, 0),
		ids:  []string{"0"}, geoms: []orb.Geometry{orb.Point{1, 2}},
	},
	{name: "empty file", shp: nil, err: "too short for a header"},
	{name: "not a shapefile", shp: make([]byte, 100), err: "file code 0, want 9994"},
	{name: "truncated record", shp: makeSHP(1, shpPoint(1, 1, 2))[:120], err: "record 1: 20 bytes announced, 12 left"},
	{name: "truncated record header", shp: append(makeSHP(1), 0, 0, 0, 1), err: "record 1: truncated header"},
	{name: "short point", shp: makeSHP(1, shpPoint(1, 1, 2)[:12]), err: "record 1: content shorter"},
	{name: "NaN coordinate", shp: makeSHP(1, shpPoint(1, math.NaN(), 2)), err: "not a finite number"},
	{
		name: "first part not at 0", err: "first part starts at point 2",
		shp: makeSHP(5, func() []byte {
			b := shpParts(5, squareCW)
			binary.LittleEndian.PutUint32(b[44:], 2)
			return b
		}()),
	},
	{name: "MultiPatch", shp: makeSHP(31, le32(nil, 31)), err: "MultiPatch shapes are not supported"},
	{name: "unknown shape type", shp: makeSHP(1, le32(nil, 99)), err: "unknown shape type 99"},
	{
		name: "huge point count", err: "do not fit",
		shp: makeSHP(5, func() []byte {
			b := shpParts(5, squareCW)
			binary.LittleEndian.PutUint32(b[40:], 1<<30)
			return b
		}()),
	},
	{
		name: "negative part count", err: "do not fit",
		shp: makeSHP(5, func() []byte {
			b := shpParts(5, squareCW)
			binary.LittleEndian.PutUint32(b[36:], 0xFFFFFFFF)
			return b
		}()),
	},
	{
		name: "parts out of order", err: "part 1 starts at point 0, out of order",
		shp: makeSHP(5, func() []byte {
			b := shpParts(5, squareCW, holeCCW)
			binary.LittleEndian.PutUint32(b[44:], 5) // part 0 starts at point 5
			binary.LittleEndian.PutUint32(b[48:], 0) // part 1 at point 0
			return b
		}()),
	},
	{
		name: "shapes and records disagree", err: ".shp holds 1 shapes but the .dbf 3 records",
		shp: makeSHP(1, shpPoint(1, 1, 2)), dbf: pointDBF,
	},
}

func TestDecodeShapefile(t *testing.T) {
	for _, c := range shapefileCases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := decodeShapefile(c.shp, c.dbf, c.prj, "")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ds.Name = "test"
			checkDataset(t, ds)
			if ds.SRS != c.srs {
				t.Errorf("SRS %d, want %d", ds.SRS, c.srs)
			}
			var ids []string
			var geoms []orb.Geometry
			for _, f := range ds.Features {
				ids = append(ids, f.ID)
				geoms = append(geoms, f.Geometry)
			}
			if !reflect.DeepEqual(ids, c.ids) {
				t.Errorf("ids %v, want %v", ids, c.ids)
			}
			if !reflect.DeepEqual(geoms, c.geoms) {
				t.Errorf("geometries\n got %v\nwant %v", geoms, c.geoms)
			}
		})
	}
}

// TestShapesAgainstGDAL reads shapefiles written by ogr2ogr (Polygon with
// holes, PolygonZ, PolyLineM, PolyLineZ, MultiPointZ, PointM) and compares
// with what GDAL itself reads from them (testdata/shapes/*.gdal.geojson).
func TestShapesAgainstGDAL(t *testing.T) {
	files, err := filepath.Glob("testdata/shapes/*.shp")
	if err != nil || len(files) < 6 {
		t.Fatalf("shapes: %v %v", files, err)
	}
	for _, shp := range files {
		ds, err := ReadShapefile(shp)
		if err != nil {
			t.Fatal(err)
		}
		checkDataset(t, ds)
		f, err := os.Open(strings.TrimSuffix(shp, ".shp") + ".gdal.geojson")
		if err != nil {
			t.Fatal(err)
		}
		want, err := ReadGeoJSON(f, shp)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if ds.SRS != 4326 || len(ds.Features) != len(want.Features) {
			t.Fatalf("%s: SRS %d, %d features; GDAL reads %d", shp, ds.SRS, len(ds.Features), len(want.Features))
		}
		for i, f := range ds.Features {
			if !reflect.DeepEqual(f.Geometry, want.Features[i].Geometry) {
				t.Errorf("%s feature %d:\n got %v\nGDAL %v", shp, i, f.Geometry, want.Features[i].Geometry)
			}
			if !reflect.DeepEqual(f.Properties, want.Features[i].Properties) {
				t.Errorf("%s feature %d:\n got %v\nGDAL %v", shp, i, f.Properties, want.Features[i].Properties)
			}
		}
	}
}

// TestReadShapefileCCMT reads the Lambert-93 shapefile of the CCMT
// communes, reprojects it to WGS84 and compares every vertex with the WGS84
// GeoJSON it was made from by ogr2ogr (no simplification in between, see
// testdata/SOURCE.txt): they agree within 1 cm.
func TestReadShapefileCCMT(t *testing.T) {
	ds, err := ReadShapefile("testdata/ccmt/shp_l93/ccmt_communes_l93.shp")
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, ds)
	wantFields := []Field{{"code", schema.Text}, {"nom", schema.Text}, {"nom_offici", schema.Text},
		{"siren", schema.Text}, {"population", schema.Integer}, {"epci_siren", schema.Text}, {"epci_nom", schema.Text}}
	if ds.SRS != srs.Lambert93 || ds.Name != "ccmt_communes_l93" || len(ds.Features) != 24 || !reflect.DeepEqual(ds.Fields, wantFields) {
		t.Fatalf("SRS %d, name %q, %d features, fields %v", ds.SRS, ds.Name, len(ds.Features), ds.Fields)
	}
	f, err := os.Open("testdata/ccmt/ccmt-communes.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref, err := ReadGeoJSON(f, "")
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Feature{}
	for _, f := range ref.Features {
		byCode[f.Properties["code"].(string)] = f
	}
	worst, vertices := 0.0, 0
	for _, f := range ds.Features {
		code, _ := f.Properties["code"].(string)
		want, ok := byCode[code]
		if !ok {
			t.Fatalf("commune %q not in the GeoJSON", code)
		}
		if f.Properties["nom_offici"] != want.Properties["nom_officiel"] || f.Properties["population"] != want.Properties["population_municipale"] {
			t.Errorf("%s: properties %v, want %v", code, f.Properties, want.Properties)
		}
		g, err := srs.Project(f.Geometry, srs.Lambert93, srs.WGS84)
		if err != nil {
			t.Fatal(err)
		}
		got, ok1 := g.(orb.Polygon)
		exp, ok2 := want.Geometry.(orb.Polygon)
		if !ok1 || !ok2 || len(got) != len(exp) {
			t.Fatalf("%s: %T with %d rings, want %T", code, g, len(got), want.Geometry)
		}
		for r := range got {
			if len(got[r]) != len(exp[r]) {
				t.Fatalf("%s ring %d: %d vertices, want %d", code, r, len(got[r]), len(exp[r]))
			}
			// The shapefile's rings may run the other way round: match each
			// vertex with its nearest in the same ring.
			for _, p := range got[r] {
				d := math.Inf(1)
				for _, q := range exp[r] {
					d = math.Min(d, metresWGS84(p, q))
				}
				worst = math.Max(worst, d)
				vertices++
				if d > 0.01 {
					t.Errorf("%s: vertex %v is %.4f m from the GeoJSON's", code, p, d)
				}
			}
		}
	}
	t.Logf("%d vertices, worst gap %.6f m", vertices, worst)
	if truchere := findFeature(ds, "code", "71549"); truchere == nil || truchere.Properties["nom_offici"] != "La Truchère" {
		t.Errorf("La Truchère: %v", truchere)
	}
}

func metresWGS84(a, b orb.Point) float64 {
	const degree = 6371008.8 * math.Pi / 180
	return math.Hypot((a[0]-b[0])*degree*math.Cos(a[1]*math.Pi/180), (a[1]-b[1])*degree)
}

func findFeature(ds *Dataset, field string, value any) *Feature {
	for i := range ds.Features {
		if ds.Features[i].Properties[field] == value {
			return &ds.Features[i]
		}
	}
	return nil
}

// TestShapefileEncodingsAndSiblings reads the Latin-1 and UTF-8 fixtures
// with their .cpg, without it, and with upper-case sibling extensions.
func TestShapefileEncodingsAndSiblings(t *testing.T) {
	for _, name := range []string{"latin1", "utf8"} {
		for _, variant := range []string{"as written", "no cpg", "upper case"} {
			dir := t.TempDir()
			for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
				if ext == ".cpg" && variant == "no cpg" {
					continue
				}
				data, err := os.ReadFile("testdata/encoding/" + name + ext)
				if err != nil {
					t.Fatal(err)
				}
				target := "Lieux" + ext
				if variant == "upper case" && ext != ".shp" {
					target = "Lieux" + strings.ToUpper(ext)
				}
				if err := os.WriteFile(filepath.Join(dir, target), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ds, err := ReadShapefile(filepath.Join(dir, "Lieux.shp"))
			if err != nil {
				t.Fatalf("%s %s: %v", name, variant, err)
			}
			checkDataset(t, ds)
			var names []any
			for _, f := range ds.Features {
				names = append(names, f.Properties["nom"])
			}
			want := []any{"Église Saint-Philibert", "Mâcon", "Saint-Gengoux-de-Scissé"}
			if ds.Name != "lieux" || ds.SRS != 4326 || !reflect.DeepEqual(names, want) {
				t.Errorf("%s %s: %q SRS %d names %q", name, variant, ds.Name, ds.SRS, names)
			}
			if ds.Features[2].Geometry != nil {
				t.Errorf("%s %s: null shape read as %v", name, variant, ds.Features[2].Geometry)
			}
		}
	}
	// A shapefile without .dbf has features without properties.
	dir := t.TempDir()
	data, _ := os.ReadFile("testdata/encoding/utf8.shp")
	if err := os.WriteFile(filepath.Join(dir, "seul.shp"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := ReadShapefile(filepath.Join(dir, "seul.shp"))
	if err != nil || len(ds.Features) != 3 || len(ds.Fields) != 0 || ds.SRS != 0 {
		t.Errorf("shapefile without siblings: %+v, %v", ds, err)
	}
	// Errors name the file.
	if err := os.WriteFile(filepath.Join(dir, "bad.shp"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadShapefile(filepath.Join(dir, "bad.shp")); err == nil ||
		err.Error() != "formats: shapefile bad.shp: shp: 7 bytes, too short for a header" {
		t.Errorf("garbage: %v", err)
	}
}

func FuzzReadShapefile(f *testing.F) {
	for _, c := range shapefileCases {
		f.Add(c.shp, c.dbf, c.prj, "")
	}
	for _, base := range []string{"testdata/shapes/polygons", "testdata/encoding/latin1"} {
		shp, err1 := os.ReadFile(base + ".shp")
		dbf, err2 := os.ReadFile(base + ".dbf")
		prj, err3 := os.ReadFile(base + ".prj")
		if err1 != nil || err2 != nil || err3 != nil {
			f.Fatal(err1, err2, err3)
		}
		f.Add(shp, dbf, string(prj), "")
	}
	f.Fuzz(func(t *testing.T, shp, dbf []byte, prj, cpg string) {
		if len(dbf) == 0 {
			dbf = nil
		}
		ds, err := decodeShapefile(shp, dbf, prj, cpg)
		if err != nil {
			return
		}
		ds.Name = "fuzz"
		checkDataset(t, ds)
	})
}
