package territory

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// Near Tournus, one metre is about this much longitude (at 46.55° N) and
// latitude.
const (
	mLon = 1 / 76_600.0
	mLat = 1 / 111_200.0
)

func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// commune is a square commune with an enclave (a hole) in its north-east.
var commune = orb.Polygon{square(4.85, 46.50, 4.95, 46.60), square(4.92, 46.57, 4.94, 46.59)}

// twoParts is a commune in two pieces a little apart, as a MultiPolygon.
var twoParts = orb.MultiPolygon{{square(4.85, 46.50, 4.90, 46.60)}, {square(4.91, 46.50, 4.95, 46.60)}}

func TestContains(t *testing.T) {
	cases := []struct {
		name      string
		territory orb.Geometry
		g         orb.Geometry
		want      bool
	}{
		{"point inside", commune, orb.Point{4.90, 46.55}, true},
		{"point on the boundary", commune, orb.Point{4.95, 46.55}, true},
		{"point on a corner", commune, orb.Point{4.85, 46.50}, true},
		{"point 2 m across the boundary", commune, orb.Point{4.95 + 2*mLon, 46.55}, true},
		{"point 2 m south", commune, orb.Point{4.90, 46.50 - 2*mLat}, true},
		{"point 10 m across the boundary", commune, orb.Point{4.95 + 10*mLon, 46.55}, false},
		{"point far outside", commune, orb.Point{5.50, 46.55}, false},
		{"point in the enclave", commune, orb.Point{4.93, 46.58}, false},
		{"point 2 m into the enclave", commune, orb.Point{4.92 + 2*mLon, 46.58}, true},
		{"line inside", commune, orb.LineString{{4.86, 46.51}, {4.91, 46.56}}, true},
		{"line along the boundary", commune, orb.LineString{{4.95, 46.51}, {4.95, 46.59}}, true},
		{"line 3 m outside, along the boundary", commune, orb.LineString{{4.95 + 3*mLon, 46.51}, {4.95 + 3*mLon, 46.59}}, true},
		{"line across", commune, orb.LineString{{4.90, 46.55}, {5.00, 46.55}}, false},
		{"line out and back, vertices inside", commune, orb.LineString{{4.90, 46.55}, {4.99, 46.56}, {4.90, 46.57}}, false},
		{"line through the enclave, ends inside", commune, orb.LineString{{4.91, 46.58}, {4.945, 46.58}}, false},
		{"line beside the enclave", commune, orb.LineString{{4.91, 46.565}, {4.945, 46.565}}, true},
		{"line outside", commune, orb.LineString{{5.0, 46.55}, {5.1, 46.56}}, false},
		{"polygon inside", commune, orb.Polygon{square(4.86, 46.51, 4.88, 46.53)}, true},
		{"polygon the commune itself", commune, orb.Polygon{square(4.85, 46.50, 4.95, 46.60)}, false},
		{"polygon the commune, enclave as a hole", commune, commune, true},
		{"polygon around the enclave", commune, orb.Polygon{square(4.91, 46.56, 4.945, 46.595)}, false},
		{"polygon holding the commune", commune, orb.Polygon{square(4.80, 46.45, 5.00, 46.65)}, false},
		{"whole world", commune, orb.Polygon{square(-179, -89, 179, 89)}, false},
		{"polygon across", commune, orb.Polygon{square(4.94, 46.51, 4.96, 46.52)}, false},
		{"multipoint inside", commune, orb.MultiPoint{{4.86, 46.51}, {4.94, 46.52}}, true},
		{"multipoint, one outside", commune, orb.MultiPoint{{4.86, 46.51}, {5.2, 46.52}}, false},
		{"multiline, one across", commune, orb.MultiLineString{{{4.86, 46.51}, {4.87, 46.51}}, {{4.90, 46.55}, {5.0, 46.55}}}, false},
		{"multipolygon inside", commune, orb.MultiPolygon{{square(4.86, 46.51, 4.87, 46.52)}, {square(4.88, 46.51, 4.89, 46.52)}}, true},
		{"collection, one outside", commune, orb.Collection{orb.Point{4.9, 46.55}, orb.Point{5.1, 46.55}}, false},
		{"collection inside", commune, orb.Collection{orb.Point{4.9, 46.55}, orb.LineString{{4.86, 46.51}, {4.87, 46.51}}}, true},
		{"nil", commune, nil, false},
		{"empty line", commune, orb.LineString{}, false},
		{"empty collection", commune, orb.Collection{}, false},
		{"empty multipolygon", commune, orb.MultiPolygon{}, false},
		{"NaN point", commune, orb.Point{math.NaN(), 46.55}, false},
		{"NaN in a line", commune, orb.LineString{{4.9, 46.55}, {4.91, math.NaN()}}, false},
		{"infinite point", commune, orb.Point{math.Inf(1), 46.55}, false},
		{"bow-tie inside", commune, orb.Polygon{{{4.86, 46.51}, {4.88, 46.53}, {4.88, 46.51}, {4.86, 46.53}, {4.86, 46.51}}}, true},
		{"bow-tie with a lobe outside", commune, orb.Polygon{{{4.90, 46.55}, {5.0, 46.56}, {5.0, 46.55}, {4.90, 46.56}, {4.90, 46.55}}}, false},
		{"multipolygon commune: in one part", twoParts, orb.Point{4.92, 46.55}, true},
		{"multipolygon commune: in the gap", twoParts, orb.Point{4.905, 46.55}, false},
		{"multipolygon commune: line across the gap", twoParts, orb.LineString{{4.88, 46.55}, {4.92, 46.55}}, false},
		{"multipolygon commune: polygon over the gap", twoParts, orb.Polygon{square(4.86, 46.51, 4.94, 46.59)}, false},
		{"multipolygon commune: line in each part", twoParts, orb.MultiLineString{{{4.86, 46.51}, {4.87, 46.51}}, {{4.92, 46.51}, {4.93, 46.51}}}, true},
		{"adjacent communes: line over the shared border", orb.MultiPolygon{{square(4.85, 46.50, 4.90, 46.60)}, {square(4.90, 46.50, 4.95, 46.60)}},
			orb.LineString{{4.88, 46.55}, {4.92, 46.55}}, true},
		{"adjacent communes: polygon over the shared border", orb.MultiPolygon{{square(4.85, 46.50, 4.90, 46.60)}, {square(4.90, 46.50, 4.95, 46.60)}},
			orb.Polygon{square(4.88, 46.54, 4.92, 46.56)}, true},
	}
	for _, c := range cases {
		tr, err := New(c.territory)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := tr.Contains(c.g); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNewRefusesWhatIsNoArea(t *testing.T) {
	for _, g := range []orb.Geometry{nil, orb.Point{4.9, 46.5}, orb.LineString{{4.9, 46.5}, {5, 46.6}}, orb.Polygon{}, orb.Polygon{{{4.9, 46.5}, {5, 46.6}}},
		orb.Polygon{square(4.9, 46.5, 5, math.NaN())}} {
		if _, err := New(g); !errors.Is(err, ErrNotArea) {
			t.Errorf("New(%v): %v, want ErrNotArea", g, err)
		}
	}
}

// detailedCommune is a commune outline of n vertices (a wavy circle about
// 5 km across), as detailed as the IGN's.
func detailedCommune(n int) orb.Polygon {
	r := make(orb.Ring, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rad := 0.03 * (1 + 0.05*math.Sin(37*a))
		r[i] = orb.Point{4.91 + rad*math.Cos(a)*1.45, 46.56 + rad*math.Sin(a)}
	}
	r[n] = r[0]
	return orb.Polygon{r}
}

// BenchmarkContainsPoint: a hydrant against a 2,000-vertex commune.
func BenchmarkContainsPoint(b *testing.B) {
	tr, err := New(detailedCommune(2000))
	if err != nil {
		b.Fatal(err)
	}
	pts := []orb.Point{{4.91, 46.56}, {4.93, 46.57}, {4.95, 46.585}, {4.87, 46.55}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tr.Contains(pts[i%len(pts)])
	}
}

// BenchmarkContainsLine: a 20-vertex pipe against a 2,000-vertex commune.
func BenchmarkContainsLine(b *testing.B) {
	tr, err := New(detailedCommune(2000))
	if err != nil {
		b.Fatal(err)
	}
	line := make(orb.LineString, 20)
	for i := range line {
		line[i] = orb.Point{4.89 + 0.002*float64(i), 46.55 + 0.0005*float64(i%3)}
	}
	b.ReportAllocs()
	for b.Loop() {
		tr.Contains(line)
	}
}

// BenchmarkNew: preparing a 2,000-vertex commune.
func BenchmarkNew(b *testing.B) {
	c := detailedCommune(2000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(c); err != nil {
			b.Fatal(err)
		}
	}
}

// The projection of Contains is store/srs's Lambert-93, to the millimetre,
// over the whole of metropolitan France.
func TestLambert93MatchesSRS(t *testing.T) {
	want, err := srs.Transformer(srs.WGS84, srs.Lambert93)
	if err != nil {
		t.Fatal(err)
	}
	l := newLambert93()
	for lon := -5.0; lon <= 9.5; lon += 0.73 {
		for lat := 41.0; lat <= 51.5; lat += 0.61 {
			p := orb.Point{lon, lat}
			a, b := l.project(p), want(p)
			if math.Hypot(a[0]-b[0], a[1]-b[1]) > 0.001 {
				t.Fatalf("(%g, %g): %v, store/srs %v", lon, lat, a, b)
			}
		}
	}
	if p := l.project(orb.Point{4.9, 90}); !math.IsNaN(p[0]) {
		t.Errorf("the pole: %v", p)
	}
}

// The reason lambert93 exists: it projects a point about 50 times faster
// than store/srs's general transformer (BenchmarkLambert93SRS; measured
// 87 ns against 4.4 µs on the review machine, with no allocation).
func BenchmarkLambert93(b *testing.B) {
	l := newLambert93()
	var sum float64
	b.ReportAllocs()
	for b.Loop() {
		sum += l.project(orb.Point{4.9, 46.55})[0]
	}
	_ = sum
}

func BenchmarkLambert93SRS(b *testing.B) {
	tr, err := srs.Transformer(srs.WGS84, srs.Lambert93)
	if err != nil {
		b.Fatal(err)
	}
	var sum float64
	b.ReportAllocs()
	for b.Loop() {
		sum += tr(orb.Point{4.9, 46.55})[0]
	}
	_ = sum
}
