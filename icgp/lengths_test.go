package icgp

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"terrimap/store"
)

// lambert93 projects longitude/latitude (degrees, RGF93 ≈ WGS84) to
// Lambert-93 metres by the conic formulas of IGN's note NTG_71 (ALG0003
// and the constants of EPSG:2154), written here apart from store/srs so
// that the test measures with its own ruler.
func lambert93(lon, lat float64) (x, y float64) {
	const (
		a    = 6378137.0
		invf = 298.257222101
		lon0 = 3.0
		lat0 = 46.5
		lat1 = 44.0
		lat2 = 49.0
		x0   = 700000.0
		y0   = 6600000.0
	)
	f := 1 / invf
	e := math.Sqrt(2*f - f*f)
	rad := math.Pi / 180
	m := func(phi float64) float64 { return math.Cos(phi) / math.Sqrt(1-e*e*math.Sin(phi)*math.Sin(phi)) }
	t := func(phi float64) float64 {
		s := e * math.Sin(phi)
		return math.Tan(math.Pi/4-phi/2) / math.Pow((1-s)/(1+s), e/2)
	}
	p1, p2 := lat1*rad, lat2*rad
	n := (math.Log(m(p1)) - math.Log(m(p2))) / (math.Log(t(p1)) - math.Log(t(p2)))
	F := m(p1) / (n * math.Pow(t(p1), n))
	rho0 := a * F * math.Pow(t(lat0*rad), n)
	rho := a * F * math.Pow(t(lat*rad), n)
	theta := n * (lon - lon0) * rad
	return x0 + rho*math.Sin(theta), y0 + rho0 - rho*math.Cos(theta)
}

// geoJSONNetwork reads an exported layer and sums, in its own Lambert-93,
// the length of the tronçons that are not service connections: all of
// them, and those whose midpoint lies in area (Lambert-93).
func geoJSONNetwork(t *testing.T, path string, area orb.MultiPolygon) (all, in float64, n int) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.Properties["branchemnt"] == "O" {
			continue
		}
		ls, ok := f.Geometry.(orb.LineString)
		if !ok {
			t.Fatalf("%T in the export", f.Geometry)
		}
		pts := make([]orb.Point, len(ls))
		for i, p := range ls {
			pts[i][0], pts[i][1] = lambert93(p[0], p[1])
		}
		length := 0.0
		for i := 1; i < len(pts); i++ {
			length += math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
		}
		all += length
		n++
		// The point at half the length.
		walked := 0.0
		for i := 1; i < len(pts); i++ {
			d := math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
			if walked+d >= length/2 && d > 0 {
				k := (length/2 - walked) / d
				mid := orb.Point{pts[i-1][0] + k*(pts[i][0]-pts[i-1][0]), pts[i-1][1] + k*(pts[i][1]-pts[i-1][1])}
				if planar.MultiPolygonContains(area, mid) {
					in += length
				}
				break
			}
			walked += d
		}
	}
	return all, in, n
}

// TestLengthsAgainstGeoJSON exports the demo's networks to GeoJSON and
// measures them again, independently: the whole intercommunality's
// length and Tournus's (midpoint rule) must be those Compute gives, to
// the centimetre per 100 km.
func TestLengthsAgainstGeoJSON(t *testing.T) {
	ws := demoWorkspace(t)
	ctx := context.Background()
	tournus, err := ws.CommuneTerritory(ctx, "71543")
	if err != nil {
		t.Fatal(err)
	}
	var area orb.MultiPolygon
	for _, poly := range tournus.(orb.MultiPolygon) {
		var rings orb.Polygon
		for _, r := range poly {
			pr := make(orb.Ring, len(r))
			for i, p := range r {
				pr[i][0], pr[i][1] = lambert93(p[0], p[1])
			}
			rings = append(rings, pr)
		}
		area = append(area, rings)
	}
	all, err := Compute(ctx, ws, Options{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	one, err := Compute(ctx, ws, Options{INSEE: "71543", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		layer     string
		whole, in *Score
	}{{"canalaep", all.Water, one.Water}, {"canalass", all.Sewer, one.Sewer}} {
		out := filepath.Join(t.TempDir(), c.layer+".geojson")
		if _, err := ws.Export(ctx, out, store.ExportOptions{Layers: []string{c.layer}}); err != nil {
			t.Fatal(err)
		}
		whole, in, n := geoJSONNetwork(t, out, area)
		t.Logf("%s: %d tronçons, %.3f m (Compute %.3f m); Tournus %.3f m (Compute %.3f m)", c.layer, n, whole, c.whole.Length, in, c.in.Length)
		if math.Abs(whole-c.whole.Length) > 1e-7*whole || math.Abs(in-c.in.Length) > 1e-7*in || in < 10000 || in >= whole {
			t.Errorf("%s: GeoJSON %.3f m and Tournus %.3f m, Compute %.3f m and %.3f m", c.layer, whole, in, c.whole.Length, c.in.Length)
		}
	}
}
