package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/sqlitedsn"
	"terrimap/store/formats"
	"terrimap/store/gpkgbin"
)

// TestGeoPackageLayerReadsAsQuery: an import of a GeoPackage's layer
// (OpenGeoPackageLayer) reads every feature as Query reads it — the path
// it took before, through database/sql and scanFeature: its ID the fid,
// its geometry in longitude/latitude, its values typed the same; and its
// first pass counts the rows and learns the kinds of the geometries that
// decode, as a scan of the geometries into a []byte did. The files: made
// by ogr2ogr (every geometry kind, 2D and 3D; a layer in Lambert-93;
// texts, big integers, reals and dates; values of every storage class in
// columns of every declared type; a geometry NULL, undecodable, or text)
// and by Terrimap itself (every field type, dates stored as other programs
// write them).
func TestGeoPackageLayerReadsAsQuery(t *testing.T) {
	odd := oddValuesGeoPackage(t)
	point, err := gpkgbin.Encode(orb.Point{4.9, 46.5}, 4326)
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, odd, "UPDATE ccmt_communes SET geom = x'00' WHERE fid = 6",
		"UPDATE ccmt_communes SET geom = 'GP' WHERE fid = 7",
		fmt.Sprintf("UPDATE ccmt_communes SET geom = CAST(x'%X' AS TEXT) WHERE fid = 8", point))
	made := roundTripGeoPackage(t)
	own := ownValuesGeoPackage(t)
	sources := []struct{ path, layer string }{
		{odd, "ccmt_communes"},
		{made, "points"}, {made, "parcs"}, {made, "conduites"}, {made, "conduites_l93"},
		{"testdata/ccmt-communes-l93.gpkg", ""},
		{"testdata/geometrycollection.gpkg", ""},
		{"testdata/multipleholes.gpkg", ""},
		{own, "pei"},
	}
	for _, layer := range []string{"point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geomcollection", "geometry"} {
		for _, dim := range []string{"2d", "3d"} {
			if layer+dim == "polygon2d" {
				continue // in EPSG:32631, refused
			}
			sources = append(sources, struct{ path, layer string }{"testdata/gdal_sample.gpkg", layer + dim})
		}
	}
	for _, s := range sources {
		t.Run(filepath.Base(s.path)+"/"+s.layer, func(t *testing.T) {
			want, count, kinds := readByQuery(t, s.path, s.layer)
			src, err := OpenGeoPackageLayer(context.Background(), s.path, s.layer)
			if err != nil {
				t.Fatal(err)
			}
			if src.Count != count || src.Geometries != kinds {
				t.Errorf("first pass: %d rows, kinds %b; want %d, %b", src.Count, src.Geometries, count, kinds)
			}
			got, err := src.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Features) != len(want) || len(want) == 0 {
				t.Fatalf("%d features read, Query reads %d", len(got.Features), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got.Features[i], want[i]) {
					t.Errorf("feature %d:\nimport reads %#v\nQuery reads  %#v", i+1, got.Features[i], want[i])
				}
			}
		})
	}
}

// TestGeoPackageLayerPasses: a new pass starts again from the first
// feature (ending the one left half-way), and a cancelled import reads
// every feature or says it was cancelled, never fewer features without an
// error.
func TestGeoPackageLayerPasses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src, err := OpenGeoPackageLayer(ctx, "testdata/rivers.gpkg", "")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	first := func() formats.Feature {
		t.Helper()
		r, err := src.Features()
		if err != nil {
			t.Fatal(err)
		}
		f, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if a, b := first(), first(); !reflect.DeepEqual(a, b) {
		t.Errorf("a second pass starts with %v, the first with %v", b.ID, a.ID)
	}
	r, err := src.Features()
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			if n != src.Count {
				t.Errorf("%d features read, then the end, of %d", n, src.Count)
			}
			break
		}
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("after %d features: %v, want context.Canceled", n, err)
			}
			break
		}
		n++
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
}

// readByQuery reads layer of path (its only one when "") as the import
// read it before: the features through Query, as a file's features (ID
// the fid), and the rows counted and the kinds of their geometries learnt
// by scanning them into a []byte.
func readByQuery(t *testing.T, path, layer string) ([]formats.Feature, int, formats.GeometryKinds) {
	t.Helper()
	ws, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	l, err := geoPackageLayer(ws, layer)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fs, err := ws.Query(ctx, Query{Layer: l.Name()})
	if err != nil {
		t.Fatal(err)
	}
	var want []formats.Feature
	for _, f := range fs {
		want = append(want, formats.Feature{ID: strconv.FormatInt(f.FID, 10), Geometry: f.Geometry, Properties: f.Properties})
	}
	rows, err := ws.DB().QueryContext(ctx, "SELECT "+quoteIdent(l.GeometryColumn())+" FROM "+quoteIdent(l.Name()))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count, kinds := 0, formats.GeometryKinds(0)
	var blob []byte
	for rows.Next() {
		if err := rows.Scan(&blob); err != nil {
			t.Fatal(err)
		}
		count++
		if g, _, err := gpkgbin.Decode(blob); err == nil {
			kinds.Add(g)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return want, count, kinds
}

// roundTripGeoPackage is a GeoPackage made by ogr2ogr of the round trips'
// sources (roundTripSources): layers points, parcs and conduites, and
// conduites_l93 in Lambert-93.
func roundTripGeoPackage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "made.gpkg")
	for i, name := range []string{"points", "parcs", "conduites", "conduites_l93"} {
		in := filepath.Join(dir, name+".geojson")
		source := name
		if name == "conduites_l93" {
			source = "conduites"
		}
		if err := os.WriteFile(in, []byte(roundTripSources[source]), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-f", "GPKG", "-nln", name}
		if i > 0 {
			args = append(args, "-update")
		}
		if name == "conduites_l93" {
			args = append(args, "-t_srs", "EPSG:2154")
		}
		ogr2ogr(t, append(args, out, in)...)
	}
	return out
}

// ownValuesGeoPackage is a workspace of Terrimap's with the hydrants'
// layer (every field type), whose dates and date-times are stored as
// Terrimap writes them and as other programs do; it returns its path.
func ownValuesGeoPackage(t *testing.T) string {
	t.Helper()
	ws := newWorkspace(t)
	ctx := context.Background()
	err := ws.Edit(ctx, func(tx *Tx) error {
		for i, p := range []map[string]any{
			{"nom": "PI 1 — « Église »", "type_pei": "PI", "debit": 60.5, "press_dyn": 1.0, "disponible": true, "date_ct": "2024-02-29", "nb_ct": int64(3), "maj": "2024-03-01T08:15:00Z"},
			{"nom": nil, "type_pei": "BI", "debit": nil, "disponible": false, "date_ct": nil, "nb_ct": int64(-9007199254740993)},
			{"nom": "", "type_pei": "PN", "debit": 0.0, "disponible": true, "date_ct": "1900-01-01", "nb_ct": int64(0)},
			{"nom": "x", "type_pei": "PI"}, {"nom": "y", "type_pei": "PI"}, {"nom": "z", "type_pei": "PI"},
		} {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9 + float64(i)/100, 46.5}, Properties: p}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := ws.Path()
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	execSQL(t, path, "UPDATE pei SET date_ct = '2024-03-01 08:15', maj = '2024-03-01 08:15:00+02:00' WHERE fid = 4",
		"UPDATE pei SET date_ct = 20240301, maj = 'hier', debit = 7, nb_ct = 2.0, disponible = 'oui' WHERE fid = 5",
		"UPDATE pei SET date_ct = '2024-02-30', maj = '2024-03-01 08:15:00.5 +0100 CET m=+0.001', nom = x'c3a9' WHERE fid = 6")
	return path
}

// execSQL runs statements on the GeoPackage at path through database/sql.
func execSQL(t *testing.T, path string, statements ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", sqlitedsn.URI(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range statements {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
}
