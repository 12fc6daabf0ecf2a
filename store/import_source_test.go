package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/store/formats"
)

// writeHydrants writes a FeatureCollection of n hydrants to path, the last
// one replaced by last when not empty.
func writeHydrants(t testing.TB, path string, n int, last string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `{"type":"FeatureCollection","name":"pei","features":[`+"\n")
	for i := 1; i <= n; i++ {
		if i > 1 {
			fmt.Fprint(w, ",\n")
		}
		if i == n && last != "" {
			fmt.Fprint(w, last)
			continue
		}
		fmt.Fprintf(w, `{"type":"Feature","id":"PEI-%d","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},`+
			`"properties":{"nom":"Poteau %d","type_pei":"PI","debit":%d.5,"date_ct":"2024-05-%02d"}}`,
			i, 4.9+float64(i%1000)*1e-4, 46.5+float64(i/1000)*1e-4, i, 60+i%7, 1+i%28)
	}
	fmt.Fprint(w, "\n],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// dumpTables prints every row of every table of the workspace: what an
// import must leave as it was when it fails.
func dumpTables(t testing.TB, ws *Workspace) string {
	t.Helper()
	ctx := context.Background()
	rows, err := ws.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&b, "== %s\n", table)
		rows, err := ws.db.QueryContext(ctx, "SELECT * FROM "+quoteIdent(table))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		rows.Close()
	}
	return b.String()
}

// A bad feature at the end of a large file leaves the workspace exactly as
// it was, and the error names the feature by its number and id: whether the
// first pass finds it (a bad geometry, a syntax error) or the transaction
// does (a value the layer refuses). What the workspace holds in memory
// beside the file (the layer's tree, the log of written rows, the layers)
// is as it was too.
func TestImportBadFeatureAtTheEndChangesNothing(t *testing.T) {
	const n = 20_000 // about 3 MB
	cases := []struct {
		name, last, layer string
		want              []string
		// number is the feature errors.As finds in the error (with the id
		// "PEI-20000"); 0 when the error names no feature.
		number int
	}{
		{name: "bad geometry", layer: "pei",
			last: `{"type":"Feature","id":"PEI-20000","geometry":{"type":"Point","coordinates":[4.9,"x"]},"properties":{}}`,
			want: []string{`feature 20000 (id "PEI-20000")`, "geometry"}, number: n},
		{name: "syntax error", layer: "pei",
			last: `{"type":"Feature","id":"PEI-20000","geometry":null,"properties":{"nom":"x",}}`,
			want: []string{"line 20001, column", "invalid character '}'"}},
		{name: "refused by the layer", layer: "pei",
			last: `{"type":"Feature","id":"PEI-20000","geometry":{"type":"Point","coordinates":[4.9,46.5]},"properties":{"type_pei":"XX"}}`,
			want: []string{"feature 20000", "type_pei"}, number: n},
		{name: "a new layer", layer: "",
			last: `{"type":"Feature","id":"PEI-20000","geometry":{"type":"LineString","coordinates":[[4.9,46.5]]},"properties":{}}`,
			want: []string{"feature 20000"}, number: n},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := newWorkspace(t)
			good := filepath.Join(t.TempDir(), "good.geojson")
			writeHydrants(t, good, 10, "")
			if _, err := ws.ImportFile(ctx, good, ImportOptions{Layer: "pei"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "pei.geojson")
			writeHydrants(t, path, n, c.last)
			err := checkImportRefused(t, ws, path, c.layer, c.want)
			var fe *formats.FeatureError
			if !errors.As(err, &fe) {
				if c.number != 0 {
					t.Fatalf("error %v names no feature (a *formats.FeatureError)", err)
				}
				return
			}
			if fe.Number != c.number || fe.ID != "PEI-20000" {
				t.Errorf("the error names feature %d (id %q), want %d (id %q)", fe.Number, fe.ID, c.number, "PEI-20000")
			}
		})
	}
}

// checkImportRefused imports the file at path into layer of ws, which
// must fail with ErrImport and an error saying each of want, and leave ws
// as it was: every row of every table, the written log, the layer's tree
// and the layer list. It returns the error.
func checkImportRefused(t *testing.T, ws *Workspace, path, layer string, want []string) error {
	t.Helper()
	before := dumpTables(t, ws)
	_, mark, _ := ws.WrittenSince(math.MaxUint64)
	inTree, layers := ws.index.Len("pei"), len(ws.Layers())
	_, err := ws.ImportFile(context.Background(), path, ImportOptions{Layer: layer})
	if !errors.Is(err, ErrImport) {
		t.Fatalf("error %v, want ErrImport", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if after := dumpTables(t, ws); after != before {
		t.Fatalf("the failed import changed the workspace")
	}
	if _, now, _ := ws.WrittenSince(math.MaxUint64); now != mark {
		t.Errorf("the written log moved from %d to %d", mark, now)
	}
	if n := ws.index.Len("pei"); n != inTree {
		t.Errorf("the layer's tree holds %d features, %d before", n, inTree)
	}
	if n := len(ws.Layers()); n != layers {
		t.Errorf("%d layers, %d before", n, layers)
	}
	return err
}

// The streamed import gives the layer the fields, types, SRS and count the
// whole file gives, whatever the order of its members.
func TestImportFileStreamsGeoJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Poteaux incendie.geojson")
	writeHydrants(t, path, 2500, "")
	importHydrantsFile(t, path, "POINT nom:text type_pei:text debit:real date_ct:date")
}

// importHydrantsFile imports the file of 2,500 hydrants at path, named
// "Poteaux incendie", into a new workspace, and checks the report, the
// count and the new layer's schema (its geometry type, then each field's
// name:type); it returns the workspace and the layer's name.
func importHydrantsFile(t *testing.T, path, schema string) (*Workspace, string) {
	t.Helper()
	ws := newWorkspace(t)
	rep, err := ws.ImportFile(context.Background(), path, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Layer != "poteaux_incendie" || !rep.CreatedLayer || rep.Features != 2500 || rep.SourceSRS != SRSWGS84 {
		t.Fatalf("report %+v", rep)
	}
	l, err := ws.Layer(rep.Layer)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(l.Schema.GeometryType)
	for _, f := range l.Schema.Fields {
		got += fmt.Sprintf(" %s:%s", f.Name, f.Type)
	}
	if got != schema {
		t.Fatalf("schema %s, want %s", got, schema)
	}
	if n, err := ws.CountRows(context.Background(), rep.Layer); err != nil || n != 2500 {
		t.Fatalf("%d features, %v", n, err)
	}
	return ws, rep.Layer
}
