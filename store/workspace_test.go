package store

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesWhatItCannotUse(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.gpkg")
	os.WriteFile(text, []byte("Ceci est un fichier texte renommé en .gpkg, pas une base de données.\n"), 0o644)
	truncated := filepath.Join(dir, "truncated.gpkg")
	data, _ := os.ReadFile("testdata/ccmt-communes.gpkg")
	os.WriteFile(truncated, data[:len(data)/3], 0o644)
	empty := filepath.Join(dir, "empty.gpkg")
	os.WriteFile(empty, nil, 0o644)
	garbage := filepath.Join(dir, "garbage.gpkg")
	g := append([]byte("SQLite format 3\x00"), make([]byte, 4096)...)
	for i := 16; i < len(g); i++ {
		g[i] = byte(i * 7)
	}
	os.WriteFile(garbage, g, 0o644)

	cases := []struct {
		name string
		path string
		want error
	}{
		{"text renamed .gpkg", text, ErrNotGeoPackage},
		{"empty file", empty, ErrNotGeoPackage},
		{"truncated GeoPackage", truncated, ErrCorrupt},
		{"garbage after SQLite header", garbage, ErrCorrupt},
		{"MBTiles", "testdata/world_cities.mbtiles", ErrMBTiles},
		{"invalid MBTiles", "testdata/invalid.mbtiles", ErrNotGeoPackage},
		{"attributes only", "testdata/attributes.gpkg", ErrNoLayers},
		{"missing", filepath.Join(dir, "nope.gpkg"), os.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			ws, err := Open(c.path, Options{})
			if err == nil {
				ws.Close()
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			after, _ := os.ReadFile(c.path)
			if string(before) != string(after) {
				t.Errorf("a refused file was modified")
			}
		})
	}
}

func TestOpenForeignGeoPackageReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "communes.gpkg")
	copyFile(t, "testdata/ccmt-communes.gpkg", path)
	ws, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	l, err := ws.Layer("ccmt_communes")
	if err != nil {
		t.Fatal(err)
	}
	if !l.ReadOnly() || !l.Foreign {
		t.Errorf("foreign layer not read-only")
	}
	if _, ok := l.Schema.Field("code"); !ok {
		t.Errorf("fields = %+v", l.Schema.Fields)
	}
	if n := ws.Index().Len("ccmt_communes"); n != 24 {
		t.Errorf("index has %d communes, want 24", n)
	}
	tournus := orb.Point{4.9087, 46.5636}
	hits, err := ws.Query(ctx, Query{Layer: "ccmt_communes", Bound: &orb.Bound{Min: tournus, Max: tournus}})
	if err != nil || len(hits) == 0 {
		t.Fatalf("query at Tournus: %d hits, %v", len(hits), err)
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Create("ccmt_communes", Feature{Geometry: orb.Polygon{{{4.9, 46.5}, {4.91, 46.5}, {4.91, 46.51}, {4.9, 46.5}}}})
		return err
	})
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("edit of a foreign layer: %v", err)
	}
	// A new layer can still be added beside the foreign one.
	if _, err := ws.CreateLayer(ctx, hydrantSchema()); err != nil {
		t.Fatal(err)
	}
}

func TestOpenGeoPackageSamples(t *testing.T) {
	cases := []struct {
		file     string
		layers   int
		warnings int
	}{
		{"gdal_sample.gpkg", 16, 1},
		{"rivers.gpkg", 1, 0},
		{"multipleholes.gpkg", 1, 0},
		{"geometrycollection.gpkg", 1, 0},
		{"test_shapes_two_points.gpkg", 1, 1},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ws, err := Open("testdata/"+c.file, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			if n := len(ws.Layers()); n != c.layers {
				t.Errorf("%d layers, want %d", n, c.layers)
			}
			if n := len(ws.Warnings()); n != c.warnings {
				t.Errorf("warnings %v", ws.Warnings())
			}
		})
	}
	// The EPSG:3857 rivers are indexed in longitude/latitude.
	ws, err := Open("testdata/rivers.gpkg", Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	l := ws.Layers()[0]
	b, ok := ws.Index().Bound(l.Name())
	if !ok || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 || ws.Index().Len(l.Name()) == 0 {
		t.Errorf("rivers index bound %v (%d entries)", b, ws.Index().Len(l.Name()))
	}
}

func TestReopenRebuildsIndexFromRTree(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	ws.CreateLayer(ctx, pipeSchema())
	var want []orb.Bound
	err = ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 2000; i++ {
			x, y := 4.8+float64(i%50)*0.002, 46.5+float64(i/50)*0.002
			ls := orb.LineString{{x, y}, {x + 0.0013, y + 0.0007}}
			want = append(want, ls.Bound())
			if _, err := tx.Create("canalaep", Feature{Geometry: ls}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	ws, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if n := ws.Index().Len("canalaep"); n != 2000 {
		t.Fatalf("reopened index has %d entries", n)
	}
	// Every box, read back from the R*Tree pages, deletes cleanly: the
	// rounding matches SQLite's.
	all, _ := ws.Query(ctx, Query{Layer: "canalaep"})
	err = ws.Edit(ctx, func(tx *Tx) error {
		for _, f := range all[:500] {
			if err := tx.Delete("canalaep", f.UUID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := ws.Index().Len("canalaep"); n != 1500 {
		t.Errorf("after deletes: %d entries", n)
	}
	check, err := ws.IntegrityCheck(ctx)
	if err != nil || check != "ok" {
		t.Errorf("integrity: %q %v", check, err)
	}
}
