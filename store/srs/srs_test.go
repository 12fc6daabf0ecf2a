package srs

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

var update = flag.Bool("update", false, "regenerate testdata/proj-golden.txt with cs2cs")

const goldenFile = "testdata/proj-golden.txt"

// goldenTargets are the projected systems of the golden file, in column order.
var goldenTargets = [...]int{Lambert93, CC47, WebMercator}

// goldenPoint is one line of the golden file: a WGS84 point and its
// coordinates in each of goldenTargets as computed by cs2cs.
type goldenPoint struct {
	lonlat orb.Point
	proj   [len(goldenTargets)]orb.Point
}

func readGolden(t testing.TB) []goldenPoint {
	t.Helper()
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pts []goldenPoint
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2+2*len(goldenTargets) {
			t.Fatalf("%s:%d: %d columns", goldenFile, line, len(fields))
		}
		var v [2 + 2*len(goldenTargets)]float64
		for i, s := range fields {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("%s:%d: %v", goldenFile, line, err)
			}
		}
		gp := goldenPoint{lonlat: orb.Point{v[0], v[1]}}
		for i := range goldenTargets {
			gp.proj[i] = orb.Point{v[2+2*i], v[3+2*i]}
		}
		pts = append(pts, gp)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pts) < 150 {
		t.Fatalf("%s holds %d points, want about 200", goldenFile, len(pts))
	}
	return pts
}

// metres returns the distance between a and b, in metres, for points of the
// EPSG code srs (degrees converted on the sphere, good to far below 1 cm at
// these distances).
func metres(a, b orb.Point, code int) float64 {
	if code != WGS84 {
		return math.Hypot(a[0]-b[0], a[1]-b[1])
	}
	const degree = 6371008.8 * math.Pi / 180
	dx := (a[0] - b[0]) * degree * math.Cos(a[1]*math.Pi/180)
	dy := (a[1] - b[1]) * degree
	return math.Hypot(dx, dy)
}

const tolerance = 0.01 // metres

func mustTransformer(t testing.TB, from, to int) func(orb.Point) orb.Point {
	t.Helper()
	tr, err := Transformer(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// check compares tr(in[i]) with want[i] and fails beyond tolerance.
func check(t *testing.T, from, to int, in, want []orb.Point) {
	t.Helper()
	tr := mustTransformer(t, from, to)
	worst := 0.0
	for i, p := range in {
		got := tr(p)
		d := metres(got, want[i], to)
		worst = math.Max(worst, d)
		if d > tolerance {
			t.Errorf("EPSG:%d→EPSG:%d %v: got %v, PROJ says %v (%.4f m apart)", from, to, p, got, want[i], d)
		}
	}
	t.Logf("EPSG:%d→EPSG:%d: %d points, worst gap to PROJ %.6f m", from, to, len(in), worst)
}

// TestGoldenPROJ checks our transformations against the cs2cs results stored
// in testdata, so it runs without PROJ installed.
func TestGoldenPROJ(t *testing.T) {
	pts := readGolden(t)
	lonlat := make([]orb.Point, len(pts))
	for i, p := range pts {
		lonlat[i] = p.lonlat
	}
	col := func(j int) []orb.Point {
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[i] = p.proj[j]
		}
		return out
	}
	for j, code := range goldenTargets {
		check(t, WGS84, code, lonlat, col(j))
		check(t, code, WGS84, col(j), lonlat)
		for k, other := range goldenTargets {
			if k != j {
				check(t, code, other, col(j), col(k))
			}
		}
	}
}

// runCS2CS transforms pts with cs2cs. EPSG:4326 is in latitude, longitude
// order for cs2cs; pts and the result are in longitude, latitude order.
func runCS2CS(t testing.TB, from, to int, pts []orb.Point) []orb.Point {
	t.Helper()
	bin, err := exec.LookPath("cs2cs")
	if err != nil {
		t.Fatalf("cs2cs (PROJ) is needed to check reprojection against PROJ: install proj-bin "+
			"(`make test` installs it; on Debian: apt-get install proj-bin): %v", err)
	}
	var in bytes.Buffer
	for _, p := range pts {
		if from == WGS84 {
			p[0], p[1] = p[1], p[0]
		}
		fmt.Fprintf(&in, "%.12f %.12f\n", p[0], p[1])
	}
	cmd := exec.Command(bin, "-f", "%.10f", fmt.Sprintf("EPSG:%d", from), fmt.Sprintf("EPSG:%d", to))
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs EPSG:%d EPSG:%d: %v: %s", from, to, err, stderr.String())
	}
	var res []orb.Point
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("cs2cs output line %q", line)
		}
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("cs2cs output line %q", line)
		}
		if to == WGS84 {
			x, y = y, x
		}
		res = append(res, orb.Point{x, y})
	}
	if len(res) != len(pts) {
		t.Fatalf("cs2cs returned %d points for %d", len(res), len(pts))
	}
	return res
}

// TestAgainstCS2CS runs PROJ's cs2cs on the golden points, in every direction
// between the supported systems, and compares with our results. It fails
// (never skips) when cs2cs is missing.
func TestAgainstCS2CS(t *testing.T) {
	pts := readGolden(t)
	lonlat := make([]orb.Point, len(pts))
	for i, p := range pts {
		lonlat[i] = p.lonlat
	}
	for _, code := range goldenTargets {
		projected := runCS2CS(t, WGS84, code, lonlat)
		check(t, WGS84, code, lonlat, projected)
		check(t, code, WGS84, projected, runCS2CS(t, code, WGS84, projected))
		for _, other := range goldenTargets {
			if other != code {
				check(t, code, other, projected, runCS2CS(t, code, other, projected))
			}
		}
	}
	if *update {
		var b strings.Builder
		b.WriteString("# Vertices of the 24 CCMT communes (every 4th distinct vertex of\n" +
			"# store/formats/testdata/ccmt/ccmt-communes.geojson; IGN ADMIN EXPRESS COG 2018,\n" +
			"# Licence Ouverte, via github.com/gregoiredavid/france-geojson), projected by\n" +
			"# PROJ cs2cs. Regenerate with: go test ./store/srs -run TestAgainstCS2CS -update\n" +
			"# lon lat x2154 y2154 x3947 y3947 x3857 y3857\n")
		cols := make([][]orb.Point, len(goldenTargets))
		for j, code := range goldenTargets {
			cols[j] = runCS2CS(t, WGS84, code, lonlat)
		}
		for i, p := range lonlat {
			fmt.Fprintf(&b, "%s %s", strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
			for j := range goldenTargets {
				fmt.Fprintf(&b, " %.6f %.6f", cols[j][i][0], cols[j][i][1])
			}
			b.WriteByte('\n')
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRoundTrip sends random points of metropolitan France through each
// projection and back. Set SRS_SEED to replay a run.
func TestRoundTrip(t *testing.T) {
	seed := uint64(rand.Int64())
	if s := os.Getenv("SRS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with SRS_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, code := range goldenTargets {
		there := mustTransformer(t, WGS84, code)
		back := mustTransformer(t, code, WGS84)
		for range 2000 {
			p := orb.Point{-5 + 15*rng.Float64(), 41.3 + 9.8*rng.Float64()}
			if d := metres(back(there(p)), p, WGS84); d > 0.001 {
				t.Fatalf("EPSG:%d round trip of %v is off by %.4f m", code, p, d)
			}
		}
	}
}

func TestTransformerIdentityAndErrors(t *testing.T) {
	for _, code := range Codes() {
		tr := mustTransformer(t, code, code)
		if p := (orb.Point{1.5, 2.5}); tr(p) != p {
			t.Errorf("EPSG:%d→itself changed %v into %v", code, p, tr(p))
		}
	}
	for _, pair := range [][2]int{{WGS84, 27572}, {27572, WGS84}, {0, WGS84}, {WGS84, -1}} {
		if _, err := Transformer(pair[0], pair[1]); !errors.Is(err, ErrUnsupportedSRS) {
			t.Errorf("Transformer(%d, %d): error %v, want ErrUnsupportedSRS", pair[0], pair[1], err)
		}
	}
}

func TestProject(t *testing.T) {
	// Tournus town hall, more or less, in WGS84 and Lambert-93 (cs2cs).
	ll := orb.Point{4.90855, 46.56343}
	l93 := orb.Point{846181.728920, 6608811.013501} // cs2cs -f %.6f EPSG:4326 EPSG:2154
	ring := orb.Ring{ll, {ll[0] + 0.01, ll[1]}, {ll[0], ll[1] + 0.01}, ll}
	cases := []struct {
		name string
		in   orb.Geometry
	}{
		{"point", ll},
		{"multipoint", orb.MultiPoint{ll, ll}},
		{"linestring", orb.LineString{ll, {ll[0] + 0.01, ll[1]}}},
		{"ring", ring},
		{"multilinestring", orb.MultiLineString{{ll, ll}, {ll}}},
		{"polygon", orb.Polygon{ring, ring}},
		{"multipolygon", orb.MultiPolygon{{ring}, {ring, ring}}},
		{"collection", orb.Collection{ll, orb.LineString{ll, ll}, orb.Collection{orb.Polygon{ring}}}},
		{"bound", orb.Bound{Min: ll, Max: orb.Point{ll[0] + 0.01, ll[1] + 0.01}}},
		{"empty linestring", orb.LineString{}},
		{"empty collection", orb.Collection{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := orb.Clone(c.in)
			got, err := Project(c.in, WGS84, Lambert93)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(c.in, before) {
				t.Fatalf("input changed: %v", c.in)
			}
			if got.GeoJSONType() != c.in.GeoJSONType() {
				t.Fatalf("type %s, want %s", got.GeoJSONType(), c.in.GeoJSONType())
			}
			if n, m := countPoints(got), countPoints(c.in); n != m {
				t.Fatalf("%d points, want %d", n, m)
			}
			if first, ok := firstPoint(got); ok {
				if d := metres(first, l93, Lambert93); d > tolerance {
					t.Fatalf("first point %v, want %v", first, l93)
				}
			}
			back, err := Project(got, Lambert93, WGS84)
			if err != nil {
				t.Fatal(err)
			}
			if first, ok := firstPoint(back); ok {
				if d := metres(first, ll, WGS84); d > 0.001 {
					t.Fatalf("round trip gives %v, want %v", first, ll)
				}
			}
		})
	}
	if g, err := Project(nil, WGS84, Lambert93); g != nil || err != nil {
		t.Errorf("Project(nil) = %v, %v", g, err)
	}
	if _, err := Project(ll, WGS84, 27572); !errors.Is(err, ErrUnsupportedSRS) {
		t.Errorf("Project to EPSG:27572: %v, want ErrUnsupportedSRS", err)
	}
	if _, err := Project(orb.LineString{ll, {0, 90}}, WGS84, WebMercator); !errors.Is(err, ErrUnsupportedSRS) {
		t.Errorf("Project of the pole to Web Mercator: %v, want an error", err)
	}
	if _, err := Project(orb.Point{4, 91}, WGS84, Lambert93); !errors.Is(err, ErrUnsupportedSRS) {
		t.Errorf("Project of latitude 91: %v, want an error", err)
	}
}

func countPoints(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, ls := range g {
			n += len(ls)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += countPoints(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, c := range g {
			n += countPoints(c)
		}
		return n
	case orb.Bound:
		return 2
	}
	return 0
}

func firstPoint(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.LineString:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.Ring:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return firstPoint(g[0])
		}
	case orb.Polygon:
		if len(g) > 0 {
			return firstPoint(g[0])
		}
	case orb.MultiPolygon:
		if len(g) > 0 {
			return firstPoint(g[0])
		}
	case orb.Collection:
		if len(g) > 0 {
			return firstPoint(g[0])
		}
	case orb.Bound:
		return g.Min, true
	}
	return orb.Point{}, false
}

func TestParse(t *testing.T) {
	cases := []struct {
		in          string
		want        int
		unsupported bool
	}{
		{"EPSG:2154", 2154, false},
		{"epsg:2154", 2154, false},
		{"2154", 2154, false},
		{" EPSG:4326 ", 4326, false},
		{"EPSG::3857", 3857, false},
		{"urn:ogc:def:crs:EPSG::2154", 2154, false},
		{"urn:ogc:def:crs:EPSG:6.6:3947", 3947, false},
		{"urn:ogc:def:crs:OGC:1.3:CRS84", 4326, false},
		{"OGC:CRS84", 4326, false},
		{"http://www.opengis.net/def/crs/EPSG/0/2154", 2154, false},
		{"EPSG:900913", 3857, false},
		{"102100", 3857, false},
		{"WGS84", 4326, false},
		{"Lambert-93", 2154, false},
		{"Web Mercator", 3857, false},
		{"CC47", 3947, false},
		{"EPSG:27572", 27572, true},
		{"EPSG:3946", 3946, true},
		{"", 0, true},
		{"EPSG:", 0, true},
		{"EPSG:-4", 0, true},
		{"lambert II", 0, true},
		{"EPSG:99999999999999999999", 0, true},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if got != c.want || (err != nil) != c.unsupported {
			t.Errorf("Parse(%q) = %d, %v; want %d, error %v", c.in, got, err, c.want, c.unsupported)
		}
		if err != nil && !errors.Is(err, ErrUnsupportedSRS) {
			t.Errorf("Parse(%q): error %v does not wrap ErrUnsupportedSRS", c.in, err)
		}
	}
}

// prjCases are the .prj files of testdata/prj (written by gdalsrsinfo from
// PROJ's database, in GDAL WKT1, ESRI WKT and WKT2) and hand-made variants.
var prjCases = []struct {
	name        string
	wkt         string
	want        int
	unsupported bool
}{
	{"lambert93 ESRI (ccmt shapefile)", `PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]`, 2154, false},
	{"lambert93 old ESRI name", `PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF93",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["standard_parallel_1",49],PARAMETER["standard_parallel_2",44],PARAMETER["latitude_of_origin",46.5],PARAMETER["central_meridian",3],PARAMETER["false_easting",700000],PARAMETER["false_northing",6600000],UNIT["Meter",1]]`, 2154, false},
	{"lambert93 by parameters only", `PROJCS["unnamed",GEOGCS["GRS 1980(IUGG, 1980)",DATUM["unknown",SPHEROID["GRS80",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["standard_parallel_1",44],PARAMETER["standard_parallel_2",49],PARAMETER["latitude_of_origin",46.5],PARAMETER["central_meridian",3],PARAMETER["false_easting",700000],PARAMETER["false_northing",6600000],UNIT["Meter",1]]`, 2154, false},
	{"cc47 by parameters only, parentheses", `PROJCS("x",GEOGCS("y",DATUM("z",SPHEROID("GRS80",6378137,298.257222101)),PRIMEM("Greenwich",0),UNIT("degree",0.0174532925199433)),PROJECTION("Lambert_Conformal_Conic"),PARAMETER("standard_parallel_1",46.25),PARAMETER("standard_parallel_2",47.75),PARAMETER("latitude_of_origin",47),PARAMETER("central_meridian",3),PARAMETER("false_easting",1700000),PARAMETER("false_northing",6200000),UNIT("Meter",1))`, 3947, false},
	{"lambert93 in feet is not lambert93", `PROJCS["unnamed",GEOGCS["x",DATUM["unknown",SPHEROID["GRS80",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["standard_parallel_1",44],PARAMETER["standard_parallel_2",49],PARAMETER["latitude_of_origin",46.5],PARAMETER["central_meridian",3],PARAMETER["false_easting",700000],PARAMETER["false_northing",6600000],UNIT["Foot_US",0.3048006096012192]]`, 0, true},
	{"web mercator old GDAL", `PROJCS["Google Maps Global Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0.0 +lon_0=0.0 +x_0=0.0 +y_0=0 +k=1.0 +units=m +nadgrids=@null +wktext  +no_defs"]]`, 3857, false},
	{"wgs84 bare GEOGCS", `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]`, 4326, false},
	{"geographic in grads", `GEOGCS["NTF (Paris)",DATUM["Nouvelle_Triangulation_Francaise_Paris",SPHEROID["Clarke 1880 (IGN)",6378249.2,293.4660212936269]],PRIMEM["Paris",2.5969213],UNIT["grad",0.01570796326794897]]`, 0, true},
	{"with BOM and newlines", "\ufeff  GEOGCS[\"WGS 84\",\n DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],\n PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]\n", 4326, false},
	{"empty", "", 0, true},
	{"garbage", "not a wkt", 0, true},
	{"unclosed", `PROJCS["RGF93 / Lambert-93",GEOGCS[`, 0, true},
	{"unterminated string", `PROJCS["RGF93 / Lambert-93`, 0, true},
	{"vertical", `VERT_CS["NGF-IGN69 height",VERT_DATUM["Nivellement General de la France - IGN69",2005]]`, 0, true},
}

func TestFromPRJ(t *testing.T) {
	files, err := filepath.Glob("testdata/prj/*.prj")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/prj files: %v", err)
	}
	want := map[string]int{"2154": 2154, "4326": 4326, "3857": 3857, "3947": 3947,
		"27572": 27572, "4171": 4326, "3035": 3035, "3946": 3946}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		code := strings.TrimPrefix(strings.SplitN(base, ".", 2)[0], "epsg")
		got, err := FromPRJ(string(data))
		exp := want[code]
		if strings.HasPrefix(base, "epsg27572.esri") {
			exp = 27572 // recognised by its ESRI name
		}
		if got != exp {
			t.Errorf("%s: FromPRJ = %d, %v; want %d", base, got, err, exp)
		}
		if (err != nil) == Supported(exp) {
			t.Errorf("%s: error %v for EPSG:%d", base, err, exp)
		}
	}
	for _, c := range prjCases {
		got, err := FromPRJ(c.wkt)
		if got != c.want || (err != nil) != c.unsupported {
			t.Errorf("%s: FromPRJ = %d, %v; want %d, error %v", c.name, got, err, c.want, c.unsupported)
		}
		if err != nil && !errors.Is(err, ErrUnsupportedSRS) {
			t.Errorf("%s: error %v does not wrap ErrUnsupportedSRS", c.name, err)
		}
	}
}

func FuzzFromPRJ(f *testing.F) {
	for _, c := range prjCases {
		f.Add(c.wkt)
	}
	f.Add(strings.Repeat("A[", 100))
	f.Fuzz(func(t *testing.T, wkt string) {
		code, err := FromPRJ(wkt)
		if err == nil && !Supported(code) {
			t.Fatalf("FromPRJ = %d without error", code)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"EPSG:2154", "urn:ogc:def:crs:EPSG::3857", "CRS84", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := Parse(s)
		if err == nil && !Supported(code) {
			t.Fatalf("Parse(%q) = %d without error", s, code)
		}
	})
}

func BenchmarkTransform2154To4326(b *testing.B) {
	tr := mustTransformer(b, Lambert93, WGS84)
	p := orb.Point{846181.728920, 6608811.013501}
	b.ReportAllocs()
	var sink orb.Point
	for b.Loop() {
		sink = tr(p)
	}
	_ = sink
}

func BenchmarkTransform4326To2154(b *testing.B) {
	tr := mustTransformer(b, WGS84, Lambert93)
	p := orb.Point{4.90855, 46.56343}
	b.ReportAllocs()
	for b.Loop() {
		tr(p)
	}
}

func BenchmarkTransform4326To3857(b *testing.B) {
	tr := mustTransformer(b, WGS84, WebMercator)
	p := orb.Point{4.90855, 46.56343}
	b.ReportAllocs()
	for b.Loop() {
		tr(p)
	}
}

func BenchmarkProjectPolygon2154To4326(b *testing.B) {
	pts := readGolden(b)
	ring := make(orb.Ring, len(pts))
	for i, p := range pts {
		ring[i] = p.proj[0]
	}
	poly := orb.Polygon{ring}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Project(poly, Lambert93, WGS84); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPRJReadsBack: the .prj written for a system is read as that system.
func TestPRJReadsBack(t *testing.T) {
	for _, code := range []int{WGS84, Lambert93} {
		w, err := PRJ(code)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := FromPRJ(w); err != nil || got != code {
			t.Errorf("EPSG:%d: the .prj reads as %d, %v", code, got, err)
		}
	}
	if _, err := PRJ(CC47); !errors.Is(err, ErrUnsupportedSRS) {
		t.Errorf("CC47: %v", err)
	}
}

// TestGuessSystem: a point of the CCMT written in each system is
// recognised (the points are cs2cs's, rounded, of Tournus, 4.9086 E
// 46.5628 N), and so are CC47 and CC46 for another territory, Dijon
// (5.04 E 47.32 N): nothing in the guess is the CCMT's.
func TestGuessSystem(t *testing.T) {
	ccmt := orb.Bound{Min: orb.Point{4.742850, 46.399120}, Max: orb.Point{4.986150, 46.595960}}
	dijon := orb.Bound{Min: orb.Point{4.95, 47.28}, Max: orb.Point{5.10, 47.37}}
	for _, c := range []struct {
		p         orb.Point
		territory orb.Bound
		tried     int
		want      Likely
	}{
		{orb.Point{846187, 6608741}, ccmt, CC47, LikelyLambert93},
		{orb.Point{846187, 6608741}, ccmt, Lambert93, LikelyUnknown},
		{orb.Point{1846318, 6153184}, ccmt, 0, LikelyCC47},
		{orb.Point{4.9086, 46.5628}, ccmt, 0, LikelyDegrees},
		{orb.Point{1250, -380}, ccmt, 0, LikelyLocal},
		{orb.Point{1846321, 5264308}, ccmt, 0, LikelyCC46},
		{orb.Point{1846358, 7042026}, ccmt, 0, LikelyCC48},
		{orb.Point{797154, 2176865}, ccmt, 0, LikelyLambert2},
		{orb.Point{646280, 5158351}, ccmt, 0, LikelyUTM31},
		{orb.Point{546423, 5871002}, ccmt, 0, LikelyWebMercator},
		{orb.Point{1854197, 6237581}, dijon, 0, LikelyCC47},
		{orb.Point{1854236, 5348712}, dijon, 0, LikelyCC46},
	} {
		if got := GuessSystem(c.p, c.territory, c.tried); got != c.want {
			t.Errorf("%v: %s, want %s", c.p, got, c.want)
		}
	}
}
