package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs a terrimap command line and returns its exit status and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runCommand(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const sharedCCMT = "../../store/testdata"

func TestImportLayersExport(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "tournus.gpkg")

	code, out, errOut := run(t, "import", "--workspace", ws, "--layer", "communes", "--title", "Communes de la CCMT",
		filepath.Join(sharedCCMT, "shp_l93/ccmt_communes_l93.shp"))
	if code != 0 || !strings.Contains(out, "24 features imported into the new layer communes") || !strings.Contains(out, "EPSG:2154") {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	// Flags after the file work too.
	code, out, errOut = run(t, "import", filepath.Join(sharedCCMT, "ne_10m_saone_ccmt_clip.geojson"), "--workspace", ws, "--layer", "saone")
	if code != 0 {
		t.Fatalf("import saone: %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = run(t, "layers", "--workspace", ws)
	if code != 0 {
		t.Fatalf("layers: %d %s", code, errOut)
	}
	for _, want := range []string{"communes", "Communes de la CCMT", "POLYGON", "24", "saone", "editable"} {
		if !strings.Contains(out, want) {
			t.Errorf("layers output lacks %q:\n%s", want, out)
		}
	}

	// The communes layer was imported from the Shapefile: its code field is "code".
	gj := filepath.Join(dir, "tournus.geojson")
	code, out, errOut = run(t, "export", "--workspace", ws, "--layer", "communes", "--commune", "71543", gj)
	if code != 0 || !strings.Contains(out, "in commune 71543") {
		t.Fatalf("export geojson: %d\n%s%s", code, out, errOut)
	}
	data, _ := os.ReadFile(gj)
	if !strings.Contains(string(data), `"Tournus"`) || !strings.Contains(string(data), `"FeatureCollection"`) {
		t.Errorf("export lacks Tournus: %.300s", data)
	}
	all := filepath.Join(dir, "tournus-all.gpkg")
	code, out, errOut = run(t, "export", "--workspace", ws, "--commune", "71543", all)
	if code != 0 || !strings.Contains(out, "of 2 layer(s)") {
		t.Fatalf("export gpkg: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, "layers", "--workspace", all)
	if code != 0 || !strings.Contains(out, "communes") || !strings.Contains(out, "saone") {
		t.Errorf("exported GeoPackage layers:\n%s", out)
	}
	// A Shapefile: the 10-character names are said.
	shp := filepath.Join(dir, "tournus.shp")
	code, out, errOut = run(t, "export", "--workspace", ws, "--layer", "communes", shp)
	if code != 0 || !strings.Contains(out, "24 features of 1 layer(s) written") {
		t.Fatalf("export shp: %d\n%s%s", code, out, errOut)
	}
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		if _, err := os.Stat(strings.TrimSuffix(shp, ".shp") + ext); err != nil {
			t.Error(err)
		}
	}
	code, out, errOut = run(t, "export", "--workspace", ws, "--layer", "communes", "--srs", "EPSG:2154", filepath.Join(dir, "tournus-l93.shp"))
	if prj, _ := os.ReadFile(filepath.Join(dir, "tournus-l93.prj")); code != 0 || !strings.Contains(string(prj), "Lambert_93") {
		t.Errorf("export shp in Lambert-93: %d %s\n%s%s", code, prj, out, errOut)
	}
	code, out, errOut = run(t, "export", "--workspace", ws, "--layer", "communes", "--csv", "xy", filepath.Join(dir, "tournus.csv"))
	if code != 0 || !strings.Contains(out, "Warning: 24 features are written without their geometry") {
		t.Errorf("export csv xy of polygons: %d\n%s%s", code, out, errOut)
	}
}

func TestStoreCommandErrors(t *testing.T) {
	dir := t.TempDir()
	notGpkg := filepath.Join(dir, "notes.gpkg")
	os.WriteFile(notGpkg, []byte("pas une base"), 0o644)
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[849000,6614000]},"properties":{}}]}`), 0o644)
	ws := filepath.Join(dir, "ws.gpkg")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"layers"}, 2, "--workspace is required"},
		{[]string{"layers", "--workspace", notGpkg}, 1, "not a GeoPackage"},
		{[]string{"layers", "--workspace", filepath.Join(dir, "missing.gpkg")}, 1, "no such file"},
		{[]string{"import", "--workspace", ws}, 2, "give exactly one file"},
		{[]string{"import", "--workspace", ws, "--srs", "EPSG:9999", bad}, 2, "EPSG:2154"},
		{[]string{"import", "--workspace", ws, "--layer", "pei", bad}, 1, "wrong projection"},
		{[]string{"import", "--workspace", ws, filepath.Join(dir, "nothing.geojson")}, 1, "nothing was imported"},
		{[]string{"export", "--workspace", filepath.Join(sharedCCMT, "ccmt-communes.gpkg"), filepath.Join(dir, "out.kml")}, 1, ".gpkg, .geojson, .shp or .csv"},
		{[]string{"export", "--workspace", filepath.Join(sharedCCMT, "ccmt-communes.gpkg"), "--commune", "99999", filepath.Join(dir, "out.gpkg")}, 1, "99999"},
		{[]string{"frobnicate"}, 2, "not a command"},
	}
	for _, c := range cases {
		code, out, errOut := run(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want exit %d mentioning %q", c.args, code, errOut, out, c.code, c.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: error is more than one line: %q", c.args, errOut)
		}
	}
	// The refused imports left no workspace behind.
	if _, err := os.Stat(ws); !os.IsNotExist(err) {
		t.Errorf("a refused import created %s: %v", ws, err)
	}
}
