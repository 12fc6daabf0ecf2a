package formats

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// The first pass over a shapefile counts the features the second yields
// (deleted records left out) and the kinds of their geometries.
func TestOpenShapefileFirstPass(t *testing.T) {
	check := func(t *testing.T, src *Source) {
		t.Helper()
		defer src.Close()
		r, err := src.Features()
		if err != nil {
			t.Fatal(err)
		}
		var kinds GeometryKinds
		n := 0
		for {
			f, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			kinds.Add(f.Geometry)
			n++
		}
		if n != src.Count || kinds != src.Geometries {
			t.Fatalf("first pass: %d features of kinds %b; second: %d of kinds %b", src.Count, src.Geometries, n, kinds)
		}
	}
	for _, c := range shapefileCases {
		if c.err != "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			var dbf sizedOpener
			if c.dbf != nil {
				dbf = sizedBytes(c.dbf)
			}
			src, err := openShapefile(sizedBytes(c.shp), dbf, c.prj, "")
			if err != nil {
				t.Fatal(err)
			}
			check(t, src)
		})
	}
	src, err := OpenShapefile(filepath.Join("testdata", "ccmt", "shp_l93", "ccmt_communes_l93.shp"))
	if err != nil {
		t.Fatal(err)
	}
	if src.Count != 24 || src.Geometries&^(HasPolygon|HasMultiPolygon) != 0 || len(src.Fields) == 0 {
		t.Fatalf("source %+v", src)
	}
	check(t, src)
}

// A Shapefile without .prj whose every shape lies in the Lambert-93 extent
// of metropolitan France is read in Lambert-93, said to be deduced; any
// other is read as before (a .prj decides, or longitude/latitude).
func TestOpenShapefileDeducesLambert93WithoutPrj(t *testing.T) {
	l93 := makeSHP(1, shpPoint(1, 845123.5, 6604321.25), shpPoint(1, 846000, 6605000))
	lines := makeSHP(3, shpParts(3, []orb.Point{{844000, 6603000}, {845500, 6604500}}))
	mixed := makeSHP(1, shpPoint(1, 845123.5, 6604321.25), shpPoint(1, 4.9, 46.5))
	lonlat := makeSHP(1, shpPoint(1, 4.9, 46.5))
	const wgs84PRJ = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]`
	cases := []struct {
		name    string
		shp     []byte
		prj     string
		srs     int
		deduced bool
	}{
		{"Lambert-93 points, no .prj", l93, "", 2154, true},
		{"Lambert-93 lines, no .prj", lines, "", 2154, true},
		{"Lambert-93 and degrees mixed, no .prj", mixed, "", 0, false},
		{"degrees, no .prj", lonlat, "", 0, false},
		{"Lambert-93 coordinates, a .prj saying WGS84", l93, wgs84PRJ, 4326, false},
		{"Lambert-93 coordinates, an unknown .prj", l93, `PROJCS["Somewhere",GEOGCS["x"]]`, 0, false},
		{"no shape at all", makeSHP(1, shpNull()), "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := openShapefile(sizedBytes(c.shp), nil, c.prj, "")
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.SRS != c.srs || src.SRSDeduced != c.deduced {
				t.Errorf("SRS %d (deduced %v), want %d (deduced %v)", src.SRS, src.SRSDeduced, c.srs, c.deduced)
			}
		})
	}
}
