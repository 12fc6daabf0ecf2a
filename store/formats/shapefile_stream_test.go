package formats

import (
	"io"
	"path/filepath"
	"testing"
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
