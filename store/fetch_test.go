package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// readByFID returns what EachByFID gives, by fid.
func readByFID(t *testing.T, ws *Workspace, q FIDQuery) map[int64]Row {
	t.Helper()
	out := map[int64]Row{}
	err := ws.EachByFID(context.Background(), q, func(r Row) bool {
		if _, dup := out[r.FID]; dup {
			t.Errorf("fid %d read twice", r.FID)
		}
		out[r.FID] = r
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEachByFID(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	pipes := []Feature{
		{Geometry: orb.LineString{{4.90, 46.56}, {4.91, 46.57}}, Properties: map[string]any{"materiau": "01", "diametre": int64(100), "commune": "Tournus"}},
		{Geometry: orb.LineString{{4.92, 46.56}, {4.93, 46.57}}, Properties: map[string]any{"materiau": "05", "diametre": int64(63)}},
		{Geometry: orb.LineString{{4.94, 46.56}, {4.95, 46.57}}, Properties: map[string]any{"diametre": int64(40)}},
		{Geometry: orb.LineString{{4.96, 46.56}, {4.97, 46.57}}, Properties: map[string]any{"materiau": "03"}},
	}
	var fids []int64
	err := ws.Edit(ctx, func(tx *Tx) error {
		for _, f := range pipes {
			g, err := tx.Create("canalaep", f)
			if err != nil {
				return err
			}
			fids = append(fids, g.FID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(fids), 9999) // and a fid that does not exist

	// Only the asked fields, in the asked order, valued as Get values them.
	got := readByFID(t, ws, FIDQuery{Layer: "canalaep", FIDs: all, Fields: []string{"diametre", "materiau"}})
	if len(got) != len(fids) {
		t.Fatalf("read %d features, want %d", len(got), len(fids))
	}
	for i, fid := range fids {
		r := got[fid]
		want := []any{pipes[i].Properties["diametre"], pipes[i].Properties["materiau"]}
		if !slices.Equal(r.Values, want) {
			t.Errorf("fid %d: values %v, want %v", fid, r.Values, want)
		}
		if !orb.Equal(r.Geometry, pipes[i].Geometry) {
			t.Errorf("fid %d: geometry %v", fid, r.Geometry)
		}
	}
	if r := readByFID(t, ws, FIDQuery{Layer: "canalaep", FIDs: fids[:1]}); len(r[fids[0]].Values) != 0 || r[fids[0]].Geometry == nil {
		t.Errorf("no fields: %+v", r)
	}

	for _, c := range []struct {
		name  string
		codes []CodeFilter
		want  []int // indexes into fids
	}{
		{"keep", []CodeFilter{{Field: "materiau", Codes: []string{"01", "03"}}}, []int{0, 3}},
		{"keep no value", []CodeFilter{{Field: "materiau", Codes: []string{"", "05"}}}, []int{1, 2}},
		{"drop", []CodeFilter{{Field: "materiau", Codes: []string{"01"}, Drop: true}}, []int{1, 2, 3}},
		{"drop no value", []CodeFilter{{Field: "materiau", Codes: []string{""}, Drop: true}}, []int{0, 1, 3}},
		{"both", []CodeFilter{{Field: "materiau", Codes: []string{"01", "05"}}, {Field: "commune", Codes: []string{"Tournus"}, Drop: true}}, []int{1}},
		{"keep none", []CodeFilter{{Field: "materiau", Codes: []string{}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := readByFID(t, ws, FIDQuery{Layer: "canalaep", FIDs: all, Fields: []string{"materiau"}, Codes: c.codes})
			var idx []int
			for i, fid := range fids {
				if _, ok := got[fid]; ok {
					idx = append(idx, i)
				}
			}
			if !slices.Equal(idx, c.want) {
				t.Errorf("read %v, want %v", idx, c.want)
			}
		})
	}

	for _, q := range []FIDQuery{
		{Layer: "canalaep", FIDs: fids, Fields: []string{"nope"}},
		{Layer: "canalaep", FIDs: fids, Codes: []CodeFilter{{Field: "nope", Codes: []string{"x"}}}},
	} {
		if err := ws.EachByFID(ctx, q, func(Row) bool { return true }); !errors.Is(err, schema.ErrUnknownField) {
			t.Errorf("%+v: error %v, want ErrUnknownField", q, err)
		}
	}
	if err := ws.EachByFID(ctx, FIDQuery{Layer: "canalaep", FIDs: fids, Codes: []CodeFilter{{Field: "diametre", Codes: []string{"63"}}}},
		func(Row) bool { return true }); err == nil {
		t.Errorf("a code filter on an integer field was accepted")
	}
	if err := ws.EachByFID(ctx, FIDQuery{Layer: "nope", FIDs: fids}, func(Row) bool { return true }); !errors.Is(err, ErrLayerNotFound) {
		t.Errorf("unknown layer: %v", err)
	}
	n := 0
	ws.EachByFID(ctx, FIDQuery{Layer: "canalaep", FIDs: fids}, func(Row) bool { n++; return false })
	if n != 1 {
		t.Errorf("read on after fn returned false: %d rows", n)
	}
}

// A value that is not text in a text column (a blob: SQLite turns numbers
// into text there), which other tools may write, passes the filters: the
// caller decides on it.
func TestEachByFIDForeignValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "communes.gpkg")
	copyFile(t, "testdata/ccmt-communes.gpkg", path)
	if err := registerFunctions(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// Grevilly's name becomes a blob, Bissy's the number 7, stored as text.
	if _, err := db.Exec(`UPDATE ccmt_communes SET nom = CAST('Grevilly' AS BLOB) WHERE fid = 1; UPDATE ccmt_communes SET nom = 7 WHERE fid = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ws, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	got := readByFID(t, ws, FIDQuery{Layer: "ccmt_communes", FIDs: []int64{1, 2, 3}, Fields: []string{"nom"},
		Codes: []CodeFilter{{Field: "nom", Codes: []string{"Grevilly", "7"}, Drop: true}}})
	if _, ok := got[2]; len(got) != 2 || ok {
		t.Fatalf("read %v, want Grevilly (a blob) and the third", got)
	}
	if v := got[1].Values[0]; v != "Grevilly" {
		t.Errorf("blob name read as %#v", v)
	}
	got = readByFID(t, ws, FIDQuery{Layer: "ccmt_communes", FIDs: []int64{1, 2, 3}, Fields: []string{"nom"},
		Codes: []CodeFilter{{Field: "nom", Codes: []string{"Tournus"}}}})
	if _, ok := got[1]; len(got) != 1 || !ok {
		t.Errorf("keep filter read %d communes, want Grevilly (a blob) alone", len(got))
	}
}

// Reprojected layers come back in WGS84.
func TestEachByFIDReprojects(t *testing.T) {
	ws, err := Open("testdata/ccmt-communes-l93.gpkg", Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	got := readByFID(t, ws, FIDQuery{Layer: "ccmt_communes_l93", FIDs: []int64{1}})
	g := got[1].Geometry
	if g == nil {
		t.Fatal("no geometry")
	}
	if c := g.Bound().Center(); c[0] < 4.5 || c[0] > 5.2 || c[1] < 46.3 || c[1] > 46.8 {
		t.Errorf("centre %v is not in the CCMT", c)
	}
}
