package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// TestExportRowsReadAsQuery: what an export reads of each feature is what
// Query reads, texts of its date columns that are not in their canonical
// form included (the export reads them as text, Query as the driver
// parses them).
func TestExportRowsReadAsQuery(t *testing.T) {
	ws := newWorkspace(t)
	ctx := context.Background()
	err := ws.Edit(ctx, func(tx *Tx) error {
		for i := range 12 {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9 + float64(i)*0.001, 46.55},
				Properties: map[string]any{"nom": "PEI «n°" + string(rune('A'+i)) + "»", "debit": 60.5, "date_ct": "2024-03-01", "nb_ct": i,
					"maj": "2024-03-01T08:15:00Z", "disponible": i%2 == 0}}); err != nil {
				return err
			}
		}
		_, err := tx.Create("pei", Feature{Properties: map[string]any{"nom": "sans géométrie"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Texts another tool or an older Terrimap may have left in the columns.
	odd := [][2]string{{"2024-02-30", "2024-02-30 10:00"}, {"2024-1-5", "2024-03-01T08:15:00.123Z"}, {"20240301", "2024-03-01 08:15:00+02:00"},
		{"", "2024-03-01T08:15"}, {"2024-03-01 00:00:00", "n'importe quoi"}, {"2024-13-01", "2024-03-01T25:00:00Z"}}
	for i, o := range odd {
		if _, err := ws.db.Exec(`UPDATE pei SET date_ct = ?, maj = ? WHERE fid = ?`, o[0], o[1], i+1); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := ws.Layer("pei")
	want, err := ws.Query(ctx, Query{Layer: "pei"})
	if err != nil {
		t.Fatal(err)
	}
	got := exportedFeatures(t, ws, l)
	if len(got) != len(want) {
		t.Fatalf("%d rows read, Query reads %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\nexport reads %#v\nQuery reads  %#v", i, got[i], want[i])
		}
	}
}

// TestExportGeoPackageBare: the GeoPackage of a whole layer, of a commune
// and of a foreign layer is a valid GeoPackage 1.3 (validate_gpkg.py)
// whose R*Tree GDAL uses and finds every feature in, with none of a
// desk's derived tables, and which opens as a workspace holding the same
// features.
func TestExportGeoPackageBare(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	python := requireTool(t, "python3")
	dir := t.TempDir()
	src := filepath.Join(dir, "ccmt.gpkg")
	copyFile(t, "testdata/ccmt-communes.gpkg", src)
	ws, err := Create(filepath.Join(dir, "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	if _, err := ws.ImportFile(ctx, src, ImportOptions{Layer: "communes"}); err != nil {
		t.Fatal(err)
	}
	foreign, err := Open(src, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer foreign.Close()
	for _, c := range []struct {
		name    string
		ws      *Workspace
		layer   string
		commune string
		count   int
	}{{"whole", ws, "communes", "", 24}, {"commune", ws, "communes", "71543", 6}, {"foreign", foreign, "ccmt_communes", "", 24}} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".gpkg")
			rep, err := c.ws.Export(ctx, out, ExportOptions{Layers: []string{c.layer}, Commune: c.commune})
			if err != nil || rep.Features[c.layer] != c.count {
				t.Fatalf("%+v %v", rep, err)
			}
			if b, err := exec.Command(python, "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py", out).CombinedOutput(); err != nil || strings.Contains(string(b), "rror") {
				t.Errorf("validate_gpkg.py: %v\n%s", err, b)
			}
			b, err := exec.Command(ogrinfo, "-q", out, "-sql", "SELECT HasSpatialIndex('"+c.layer+"', 'geom')").CombinedOutput()
			if err != nil || !strings.Contains(string(b), "= 1") {
				t.Errorf("HasSpatialIndex: %v\n%s", err, b)
			}
			// The R*Tree answers GDAL's window as the rows do.
			b, err = exec.Command(ogrinfo, "-so", out, c.layer, "-spat", "4.85", "46.5", "4.95", "46.6").CombinedOutput()
			wantB, _ := exec.Command(ogrinfo, "-so", out, c.layer, "-where", "ST_MaxX(geom) >= 4.85 AND ST_MinX(geom) <= 4.95 AND ST_MaxY(geom) >= 46.5 AND ST_MinY(geom) <= 46.6").CombinedOutput()
			if got, want := featureCount(string(b)), featureCount(string(wantB)); err != nil || got == "" || got != want {
				t.Errorf("window: R*Tree finds %q features, the rows %q: %v\n%s", got, want, err, b)
			}
			if b, _ := exec.Command(ogrinfo, "-q", out).CombinedOutput(); strings.Contains(string(b), "tm_") || strings.Count(string(b), "\n") != 1 {
				t.Errorf("GDAL lists more than the layer:\n%s", b)
			}
			got, err := Open(out, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			var n int
			got.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'tm_search%' OR name LIKE 'tm_overview%'`).Scan(&n)
			if n != 0 {
				t.Errorf("%d derived tables in the export", n)
			}
			gotF, err := got.Query(ctx, Query{Layer: c.layer})
			if err != nil {
				t.Fatal(err)
			}
			q := Query{Layer: c.layer}
			var territory orb.Geometry
			if c.commune != "" {
				territory, _ = c.ws.CommuneTerritory(ctx, c.commune)
			}
			all, _ := c.ws.Query(ctx, q)
			var wantF []Feature
			for _, f := range all {
				if territory == nil || Intersects(territory, f.Geometry) {
					wantF = append(wantF, f)
				}
			}
			if len(gotF) != len(wantF) {
				t.Fatalf("%d features, want %d", len(gotF), len(wantF))
			}
			for i := range wantF {
				w, g := wantF[i], gotF[i]
				if c.name == "foreign" { // a foreign layer's features get a UUID in the export
					if _, err := uuid.Parse(g.UUID); err != nil {
						t.Errorf("feature %d: UUID %q: %v", i, g.UUID, err)
					}
					w.UUID = g.UUID
				}
				if !reflect.DeepEqual(g.Geometry, w.Geometry) || !reflect.DeepEqual(g.Properties, w.Properties) || g.UUID != w.UUID || g.Version != w.Version || g.FID != w.FID {
					t.Errorf("feature %d:\ngot  %v %v %v\nwant %v %v %v", i, g.FID, g.UUID, g.Properties, w.FID, w.UUID, w.Properties)
				}
			}
		})
	}
}

// featureCount is the "Feature Count: n" of ogrinfo -so.
func featureCount(info string) string {
	_, after, ok := strings.Cut(info, "Feature Count: ")
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(after, "\n")
	return n
}

// TestExportFailureLeavesNothing: an export that fails (here cancelled)
// leaves no file, whole or partial, beside its destination.
func TestExportFailureLeavesNothing(t *testing.T) {
	ws := newWorkspace(t)
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		for i := range 2000 {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9 + float64(i)*1e-5, 46.55}, Properties: map[string]any{"nom": "PEI"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, ext := range []string{".geojson", ".csv", ".shp", ".gpkg"} {
		dir := t.TempDir()
		_, err := ws.Export(ctx, filepath.Join(dir, "pei"+ext), ExportOptions{Layers: []string{"pei"}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", ext, err)
		}
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Errorf("%s: left %v", ext, left)
		}
	}
}

// TestExportKeepsOthersFiles: an export writes beside its destination in
// a file of its own; a file of the user's named as the destination plus
// .part is neither removed nor overwritten.
func TestExportKeepsOthersFiles(t *testing.T) {
	ws := newWorkspace(t)
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		_, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"nom": "PEI"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".geojson", ".csv", ".shp", ".gpkg"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "pei"+ext)
		mine := out + ".part"
		if err := os.WriteFile(mine, []byte("le brouillon de quelqu'un"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ws.Export(context.Background(), out, ExportOptions{Layers: []string{"pei"}}); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if b, err := os.ReadFile(mine); err != nil || string(b) != "le brouillon de quelqu'un" {
			t.Errorf("%s: %s is %q, %v", ext, mine, b, err)
		}
	}
}
