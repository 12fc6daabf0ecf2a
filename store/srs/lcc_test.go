package srs

import (
	"math"
	"testing"

	"github.com/wroge/wgs84"
)

// The Lambert projections with their constants worked out once agree with
// wgs84's, which the cs2cs tests check, over metropolitan France: to a
// micrometre projecting, to 1e-12 degree (a tenth of a micrometre) back,
// and they come back where they started.
func TestLambertConicAgreesWithWGS84(t *testing.T) {
	for _, tc := range []struct {
		code int
		crs  wgs84.ProjectedReferenceSystem
	}{
		{Lambert93, wgs84.RGF93FranceLambert()},
		{CC47, wgs84.RGF93CC(47)},
	} {
		p, err := projectionOf(tc.code)
		if err != nil {
			t.Fatal(err)
		}
		for lon := -5.0; lon <= 9.5; lon += 0.73 {
			for lat := 41.5; lat <= 51; lat += 0.61 {
				x, y := p.fromLonLat(lon, lat)
				wx, wy := tc.crs.Projection.FromLonLat(lon, lat, tc.crs.Datum)
				if math.Abs(x-wx) > 1e-6 || math.Abs(y-wy) > 1e-6 {
					t.Fatalf("EPSG:%d: (%g, %g) → (%.6f, %.6f), wgs84 (%.6f, %.6f)", tc.code, lon, lat, x, y, wx, wy)
				}
				glon, glat := p.toLonLat(x, y)
				wlon, wlat := tc.crs.Projection.ToLonLat(x, y, tc.crs.Datum)
				if math.Abs(glon-wlon) > 1e-12 || math.Abs(glat-wlat) > 1e-12 || math.Abs(glon-lon) > 1e-12 || math.Abs(glat-lat) > 1e-12 {
					t.Fatalf("EPSG:%d: (%.6f, %.6f) → (%.12f, %.12f), wgs84 (%.12f, %.12f), want (%g, %g)", tc.code, x, y, glon, glat, wlon, wlat, lon, lat)
				}
			}
		}
	}
}

// BenchmarkLambert93ToWGS84 reprojects a point of Tournus from
// Lambert-93, as a DXF plan's points are.
func BenchmarkLambert93ToWGS84(b *testing.B) {
	tr, err := Transformer(Lambert93, WGS84)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr([2]float64{846181.73, 6608811.01})
	}
}
