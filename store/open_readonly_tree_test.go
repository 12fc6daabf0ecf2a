package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// A GeoPackage of another program opened read-only loads a layer's tree
// when it is first asked for, not at Open (an import reading the file never
// asks), and the tree then finds the layer's features; opened writable, its
// trees load at Open as before (a reader must not wait for our own write).
func TestForeignGeoPackageReadOnlyLoadsTreeWhenAsked(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "pei.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[4.91,46.56]},"properties":{"nom":"a"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[4.95,46.60]},"properties":{"nom":"b"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[4.80,46.40]},"properties":{"nom":"c"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "qgis.gpkg")
	ogr2ogr(t, "-f", "GPKG", "-nln", "pei", path, src)

	for _, readOnly := range []bool{true, false} {
		ws, err := Open(path, Options{ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		lt := ws.Index().layer("pei")
		if loaded := lt.loaded.Load(); loaded == readOnly {
			t.Errorf("read-only %v: tree loaded at Open %v, want %v", readOnly, loaded, !readOnly)
		}
		var found int
		ws.Index().Search("pei", orb.Bound{Min: orb.Point{4.9, 46.5}, Max: orb.Point{5, 46.7}}, func(int64) bool { found++; return true })
		if found != 2 || ws.Index().Len("pei") != 3 {
			t.Errorf("read-only %v: %d features found in the window (want 2), %d in the tree (want 3)", readOnly, found, ws.Index().Len("pei"))
		}
		ws.Close()
	}
}
