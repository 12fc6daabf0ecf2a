package report

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/mapview"
)

var zoneCases = []struct {
	name string
	doc  string
	want error      // nil: a zone
	line bool       // the zone is a route
	at   [2]float64 // a point of the zone, longitude/latitude (Lambert-93 if l93)
	l93  bool
	zone string // its name
}{
	{name: "collection of a polygon",
		doc: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"Place de l'Abbaye"},"geometry":{"type":"Polygon","coordinates":[[[4.9069,46.5668],[4.9071,46.5668],[4.9071,46.5671],[4.9069,46.5668]]]}}]}`,
		at:  [2]float64{4.9069, 46.5668}, zone: "Place de l'Abbaye"},
	{name: "bare line",
		doc:  `{"type":"LineString","coordinates":[[4.906,46.5668],[4.9078,46.5671]]}`,
		line: true, at: [2]float64{4.906, 46.5668}},
	{name: "feature of lines",
		doc:  `{"type":"Feature","properties":{"name":"Tranchée"},"geometry":{"type":"MultiLineString","coordinates":[[[4.906,46.5668],[4.907,46.5669]],[[4.907,46.5669],[4.9078,46.5671]]]}}`,
		line: true, at: [2]float64{4.907, 46.5669}, zone: "Tranchée"},
	{name: "two polygons",
		doc: `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.9,46.5],[4.91,46.5],[4.91,46.51],[4.9,46.5]]]}},
			{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[4.92,46.5],[4.93,46.5],[4.93,46.51],[4.92,46.5]]]]}}]}`,
		at: [2]float64{4.93, 46.51}},
	{name: "Lambert-93 with its crs",
		doc: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[
			{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[843000,6610000],[843030,6610000],[843030,6610020],[843000,6610000]]]}}]}`,
		at: [2]float64{843030, 6610020}, l93: true},
	{name: "Lambert-93 said to be degrees",
		doc:  `{"type":"Polygon","coordinates":[[[843000,6610000],[843030,6610000],[843030,6610020],[843000,6610000]]]}`,
		want: ErrZoneCoordinates},
	{name: "a point", doc: `{"type":"Point","coordinates":[4.9,46.5]}`, want: ErrZoneShape},
	{name: "points", doc: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[4.9,46.5]]}}]}`, want: ErrZoneShape},
	{name: "polygon and line",
		doc: `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.9,46.5],[4.91,46.5],[4.91,46.51],[4.9,46.5]]]}},
			{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[4.9,46.5],[4.91,46.5]]}}]}`,
		want: ErrZoneShape},
	{name: "empty collection", doc: `{"type":"FeatureCollection","features":[]}`, want: ErrZoneEmpty},
	{name: "null geometry", doc: `{"type":"Feature","properties":{},"geometry":null}`, want: ErrZoneEmpty},
	{name: "flat polygon", doc: `{"type":"Polygon","coordinates":[[[4.9,46.5],[4.91,46.5],[4.92,46.5],[4.9,46.5]]]}`, want: ErrZoneDegenerate},
	{name: "line of one place", doc: `{"type":"LineString","coordinates":[[4.9,46.5],[4.9,46.5]]}`, want: ErrZoneDegenerate},
	{name: "unknown crs", doc: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27572"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`, want: ErrZoneSRS},
	{name: "not JSON", doc: `zone du chantier`, want: ErrZoneUnreadable},
	{name: "empty file", doc: ``, want: ErrZoneUnreadable},
}

func TestDecodeZone(t *testing.T) {
	for _, c := range zoneCases {
		t.Run(c.name, func(t *testing.T) {
			z, err := DecodeZone([]byte(c.doc))
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("error %v, want %v", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if z.IsLine() != c.line || z.Name != c.zone {
				t.Errorf("line %v, name %q; want %v, %q", z.IsLine(), z.Name, c.line, c.zone)
			}
			at := orb.Point(c.at)
			if c.l93 {
				at = mapview.Lambert93ToLonLat(at)
			}
			if !near(z.Geometry, at) {
				t.Errorf("the zone %v does not pass by %v", z.Geometry, c.at)
			}
		})
	}
}

// near reports whether a vertex of g lies within a metre or so of p.
func near(g orb.Geometry, p orb.Point) bool {
	found := false
	newShape(g).eachVertex(func(q orb.Point) {
		if math.Abs(q[0]-p[0]) < 2e-5 && math.Abs(q[1]-p[1]) < 2e-5 {
			found = true
		}
	})
	return found
}

func (s *shape) eachVertex(fn func(orb.Point)) {
	for _, seg := range s.segs {
		fn(seg[0])
		fn(seg[1])
	}
}

func TestReadZone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chantier.geojson")
	if err := os.WriteFile(path, []byte(zoneCases[0].doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if z, err := ReadZone(path); err != nil || z.Name != "Place de l'Abbaye" {
		t.Errorf("ReadZone: %v, %+v", err, z)
	}
	for _, bad := range []string{filepath.Join(dir, "absent.geojson"), filepath.Join(dir, "zone.dxf")} {
		if _, err := ReadZone(bad); !errors.Is(err, ErrZoneUnreadable) {
			t.Errorf("ReadZone(%s): %v, want ErrZoneUnreadable", filepath.Base(bad), err)
		}
	}
	if _, err := ReadZone(filepath.Join(dir, "absent.geojson")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file is not os.ErrNotExist: %v", err)
	}
}

// FuzzDecodeZone feeds the zone decoder any bytes: it never panics, and
// what it accepts is a zone Select can use.
func FuzzDecodeZone(f *testing.F) {
	for _, c := range zoneCases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := DecodeZone(data)
		if err != nil {
			return
		}
		switch z.Geometry.(type) {
		case orb.MultiPolygon, orb.MultiLineString:
		default:
			t.Fatalf("a zone of %T", z.Geometry)
		}
		if err := checkZone(z.Geometry); err != nil {
			t.Fatalf("an accepted zone fails its check: %v", err)
		}
	})
}
