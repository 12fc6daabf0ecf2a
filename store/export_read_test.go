package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"terrimap/internal/sqlitedsn"
	"terrimap/internal/sqliteread"
)

// TestExportRowsReadAsQueryForeign: what an export reads of each feature
// of a foreign GeoPackage layer is what Query reads, whatever the storage
// class of a value and the declared type of its column — texts in DATE
// and DATETIME columns the driver parses (as time.Time's String writes
// them too), or does not; blobs, integers and reals where the layer
// expects texts, and the reverse.
func TestExportRowsReadAsQueryForeign(t *testing.T) {
	src := oddValuesGeoPackage(t)
	ws, err := Open(src, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	l, err := ws.Layer("ccmt_communes")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ws.Query(ctx, Query{Layer: l.Name()})
	if err != nil {
		t.Fatal(err)
	}
	got := exportedFeatures(t, ws, l)
	if len(got) != len(want) || len(got) != 24 {
		t.Fatalf("%d rows read, Query reads %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\nexport reads %#v\nQuery reads  %#v", i, got[i], want[i])
		}
	}
}

// oddValuesGeoPackage is a copy of the communes' GeoPackage (24 rows,
// layer ccmt_communes) with columns of every declared type holding values
// of every storage class, and a NULL geometry (fid 5).
func oddValuesGeoPackage(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "ccmt.gpkg")
	copyFile(t, "testdata/ccmt-communes.gpkg", src)
	db, err := sql.Open("sqlite", sqlitedsn.URI(src))
	if err != nil {
		t.Fatal(err)
	}
	// The R*Tree's triggers call functions only GDAL defines; the
	// geometries' boxes do not matter here.
	for _, trig := range []string{"insert", "update1", "update2", "update3", "update4", "delete"} {
		if _, err := db.Exec("DROP TRIGGER IF EXISTS rtree_ccmt_communes_geom_" + trig); err != nil {
			t.Fatal(err)
		}
	}
	columns := map[string][]string{
		"d DATE": {"'2024-03-01'", "'2024-02-30'", "'20240301'", "'2024-03-01 08:15'", "'2024-03-01 08:15:00.5 +0100 CET m=+0.001'",
			"20240301", "x'32303234'", "NULL", "2024.5", "''", "' 2024-03-01'", "'2024-03-01T08:15:00Z'"},
		"dt DATETIME": {"'2024-03-01T08:15:00Z'", "'2024-03-01 08:15:00+02:00'", "'n''importe quoi'", "'2024-03-01T25:00:00Z'",
			"'2024-03-01 08:15:00 +0000 UTC'", "'2024-03-01T08:15:00.123456789-07:00'", "1709280900", "NULL", "x''"},
		"ts TIMESTAMP": {"'2024-03-01 08:15:00'", "'hier'", "NULL"},
		"ok BOOLEAN":   {"1", "0", "'oui'", "2.5", "NULL", "x'01'"},
		"r REAL":       {"1", "1.5", "'3,5'", "x'00'", "1e300", "-0.0", "NULL"},
		"n INTEGER":    {"3.0", "3.5", "'abc'", "9007199254740993", "NULL", "x'41'"},
		"t TEXT":       {"x''", "x'c3a9'", "12", "1.5", "''", "'é\"\n'", "NULL", "x'61ff62'"},
	}
	for col, vals := range columns {
		if _, err := db.Exec("ALTER TABLE ccmt_communes ADD COLUMN " + col); err != nil {
			t.Fatal(err)
		}
		name := strings.Fields(col)[0]
		for i := range 24 {
			q := fmt.Sprintf("UPDATE ccmt_communes SET %s = %s WHERE fid = %d", name, vals[i%len(vals)], i+1)
			if _, err := db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
	}
	if _, err := db.Exec("UPDATE ccmt_communes SET geom = NULL WHERE fid = 5"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return src
}

// exportedFeatures are the features of l as an export reads them, as
// Query would return them.
func exportedFeatures(t *testing.T, ws *Workspace, l *Layer) []Feature {
	t.Helper()
	var got []Feature
	ctx := context.Background()
	err := ws.exportSnapshot(ctx, func(conn *sqliteread.Conn) error {
		return ws.eachRow(ctx, conn, l, nil, rowNeeds{geometry: true, ids: true}, func(r *exportRow) error {
			f := Feature{Layer: l.Name(), FID: r.FID, UUID: r.UUID, Version: r.Version, Geometry: r.Geometry, Properties: map[string]any{}}
			for i, fl := range l.Schema.Fields {
				f.Properties[fl.Name] = r.Values[i]
			}
			got = append(got, f)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
