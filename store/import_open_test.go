package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"terrimap/store/formats"
)

// OpenImportSource chooses the reader by the file's extension, whatever
// its case, reads a GeoPackage's chosen layer, and refuses a DXF plan (no
// source: ImportDXF imports it) and any other file, as an import refusal.
func TestOpenImportSourceByExtension(t *testing.T) {
	upper := filepath.Join(t.TempDir(), "COMMUNES.GEOJSON")
	geojson, err := os.ReadFile(filepath.Join("testdata", "ccmt-communes.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(upper, geojson, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, source string
		name         string
		count        int
		kinds        formats.GeometryKinds
		refused      error
	}{
		{path: "testdata/ccmt-communes.geojson", name: "ccmt_communes", count: 24},
		{path: upper, name: "communes", count: 24},
		{path: "testdata/shp_l93/ccmt_communes_l93.shp", name: "ccmt_communes_l93", count: 24},
		{path: "testdata/ccmt-communes.csv", name: "ccmt_communes", count: 24},
		{path: "testdata/gdal_sample.gpkg", source: "linestring2d", name: "linestring2d", kinds: formats.HasLineString},
		{path: "testdata/rivers.gpkg", name: "FEATURESriversds", count: 357},
		{path: "testdata/gdal_sample.gpkg", refused: ErrImport},
		{path: "testdata/attributes.gpkg", refused: ErrNoLayers},
		{path: "formats/testdata/dxf/plan_l93.dxf", refused: formats.ErrUnsupportedFormat},
		{path: "testdata/world_cities.mbtiles", refused: formats.ErrUnsupportedFormat},
		{path: "testdata/missing.geojson", refused: os.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path)+"/"+c.source, func(t *testing.T) {
			src, err := OpenImportSource(context.Background(), c.path, c.source)
			if c.refused != nil {
				if src != nil {
					src.Close()
				}
				if !errors.Is(err, c.refused) || !errors.Is(err, ErrImport) {
					t.Fatalf("err = %v, want %v and %v", err, c.refused, ErrImport)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Name != c.name {
				t.Errorf("name %q, want %q", src.Name, c.name)
			}
			if c.count != 0 && src.Count != c.count {
				t.Errorf("%d features, want %d", src.Count, c.count)
			}
			if c.kinds != 0 && src.Geometries != c.kinds {
				t.Errorf("geometries %b, want %b", src.Geometries, c.kinds)
			}
		})
	}
}
