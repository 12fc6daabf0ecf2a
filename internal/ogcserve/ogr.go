package ogcserve

import (
	"bytes"
	"math"
	"os/exec"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// OGRFeatures reads layer of a file with GDAL (ogr2ogr to GeoJSON), the
// reference the served features are compared with.
func OGRFeatures(t testing.TB, path, layer string) *formats.Dataset {
	t.Helper()
	out, err := exec.Command("ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/", path, layer).Output()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v", path, err)
	}
	ds, err := formats.ReadGeoJSON(bytes.NewReader(out), layer)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// CompareWithOGR checks that got has each feature of want once, by key,
// every attribute of want equal and the geometry within 1e-6 degree.
func CompareWithOGR(t testing.TB, got, want *formats.Dataset, key string) {
	t.Helper()
	if len(got.Features) != len(want.Features) {
		t.Errorf("%d features, GDAL reads %d", len(got.Features), len(want.Features))
	}
	byKey := map[string]formats.Feature{}
	for _, f := range got.Features {
		k := schema.CodeString(f.Properties[key])
		if _, dup := byKey[k]; dup {
			t.Errorf("feature %s=%s twice", key, k)
		}
		byKey[k] = f
	}
	for _, w := range want.Features {
		k := schema.CodeString(w.Properties[key])
		g, ok := byKey[k]
		if !ok {
			t.Errorf("feature %s=%s missing", key, k)
			continue
		}
		for name, v := range w.Properties {
			if name == "fid" {
				continue
			}
			if schema.CodeString(g.Properties[name]) != schema.CodeString(v) {
				t.Errorf("%s=%s: %s is %v, GDAL reads %v", key, k, name, g.Properties[name], v)
			}
		}
		if d := MaxDistance(g.Geometry, w.Geometry); d > 1e-6 {
			t.Errorf("%s=%s: geometry off by %g°", key, k, d)
		}
	}
}

// MaxDistance is the largest coordinate difference of two geometries of
// the same shape; +Inf when their shapes differ.
func MaxDistance(a, b orb.Geometry) float64 {
	pa, pb := Points(a), Points(b)
	if len(pa) != len(pb) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range pa {
		d = math.Max(d, math.Max(math.Abs(pa[i][0]-pb[i][0]), math.Abs(pa[i][1]-pb[i][1])))
	}
	return d
}

// Points lists the coordinates of a geometry, rings and parts in order.
func Points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch t := g.(type) {
	case orb.Point:
		out = append(out, t)
	case orb.MultiPoint:
		out = append(out, t...)
	case orb.LineString:
		out = append(out, t...)
	case orb.MultiLineString:
		for _, l := range t {
			out = append(out, l...)
		}
	case orb.Polygon:
		for _, r := range t {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			out = append(out, Points(p)...)
		}
	}
	return out
}

// EditWithOGR runs SQL statements on a GeoPackage with GDAL's ogrinfo (a
// change to the data a server publishes).
func EditWithOGR(t testing.TB, path string, statements ...string) {
	t.Helper()
	for _, sql := range statements {
		if out, err := exec.Command("ogrinfo", "-q", path, "-sql", sql).CombinedOutput(); err != nil {
			t.Fatalf("ogrinfo %s -sql %q: %v\n%s", path, sql, err, out)
		}
	}
}
