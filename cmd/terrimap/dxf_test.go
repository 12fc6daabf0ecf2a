package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/store"
	"terrimap/sync/server/demo"
)

// The DXF plans of the store/formats tests: the same plan de récolement
// in Lambert-93 and in CC47, in local coordinates, and a file that is not DXF.
const dxfPlans = "../../store/formats/testdata/dxf"

// dxfMapping is the mapping a user writes for the plan, for RAEPA canalaep.
const dxfMapping = `calque;champ;valeur
# Plan de récolement, rue du Docteur Privey
*;datemaj;2024-06-01
*;idcana;REC-{fichier}-{n}
*;qualglocxy;Classe A (< 40 cm)
AEP_FONTE_150;materiau;Fonte ductile
AEP_FONTE_150;diametre;150
AEP_PVC_110;materiau;PVC U lisse
AEP_PVC_110;diametre;110
AEP_PEHD_63;materiau;18
AEP_PEHD_63;diametre;63
AEP_PEHD_63;branchemnt;O
*;;ignorer
`

// ccmtExtent is the --dxf-extent of the CCMT.
const ccmtExtent = "4.7428,46.3991,4.9862,46.5960"

// demoWorkspace writes a workspace with the demo territory's layer schemas
// (RAEPA canalaep, apparaep…), without features.
func demoWorkspace(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tournus.gpkg")
	ws, err := store.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, s := range demo.Layers() {
		if _, err := ws.CreateLayer(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// A plan previewed, then imported into the RAEPA canalaep layer with a
// mapping: GDAL sees the features with their values, in longitude and
// latitude, and the journal holds one creation each.
func TestImportDXFEndToEnd(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatal("ogrinfo is not installed: run `make deps` (make test installs gdal-bin)")
	}
	ws := demoWorkspace(t)
	mapping := filepath.Join(t.TempDir(), "correspondance.csv")
	os.WriteFile(mapping, []byte(dxfMapping), 0o644)

	code, out, errOut := run(t, "import", "--workspace", ws, "--layer", "canalaep", "--dxf-extent", ccmtExtent, "--dxf-map", mapping, "--dry-run",
		filepath.Join(dxfPlans, "plan_l93.dxf"))
	if code != 0 {
		t.Fatalf("dry run: %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Plan plan_l93.dxf into layer canalaep (LINESTRING)",
		"Coordinates: EPSG:2154 Lambert-93, found from the coordinates",
		"Extent: x 846250.00 to 846500.00, y 6608690.00 to 6608950.00 (EPSG:2154); lon 4.909",
		"To import: 4 features (0 points, 4 lines)",
		"AEP_FONTE_150", "diametre=150 materiau=Fonte ductile",
		"Dry run: nothing was imported.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := pendingCount(t, ws); n != 0 {
		t.Fatalf("the dry run journaled %d changes", n)
	}

	code, out, errOut = run(t, "import", "--workspace", ws, "--layer", "canalaep", "--dxf-extent", ccmtExtent, "--dxf-crs", "3947", "--dxf-map", mapping,
		filepath.Join(dxfPlans, "plan_cc47_r12.dxf"))
	if code != 0 || !strings.Contains(out, "4 features added to canalaep from plan_cc47_r12.dxf (coordinates read in EPSG:3947 CC47, as given") {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	if n := pendingCount(t, ws); n != 4 {
		t.Errorf("%d changes journaled, want 4", n)
	}

	info, err := exec.Command(ogrinfo, "-ro", "-q", ws, "-sql",
		"SELECT idcana, materiau, diametre, branchemnt, qualglocxy, datemaj, geom FROM canalaep ORDER BY idcana").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	text := string(info)
	for _, want := range []string{
		"idcana (String) = REC-plan_cc47_r12-1", "materiau (String) = 11", "diametre (Integer64) = 150",
		"idcana (String) = REC-plan_cc47_r12-4", "materiau (String) = 18", "diametre (Integer64) = 63", "branchemnt (String) = O",
		"qualglocxy (String) = 01", "datemaj (Date) = 2024/06/01",
		"LINESTRING (4.909421",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q", want)
		}
	}
	if strings.Count(text, "LINESTRING") != 4 {
		t.Errorf("ogrinfo sees %d lines, want 4", strings.Count(text, "LINESTRING"))
	}
	if t.Failed() {
		t.Log(text)
	}
}

func pendingCount(t *testing.T, path string) int {
	t.Helper()
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	pending, err := ws.Pending(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(pending)
}

func TestImportDXFErrors(t *testing.T) {
	ws := demoWorkspace(t)
	dir := t.TempDir()
	twoColumns := filepath.Join(dir, "bad.csv")
	os.WriteFile(twoColumns, []byte("AEP_FONTE_150;materiau\n"), 0o644)
	geojson := filepath.Join(dir, "points.geojson")
	os.WriteFile(geojson, []byte(`{"type":"FeatureCollection","features":[]}`), 0o644)
	missing := filepath.Join(dir, "missing.gpkg")
	l93 := filepath.Join(dxfPlans, "plan_l93.dxf")
	cc47 := filepath.Join(dxfPlans, "plan_cc47_r12.dxf")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--layer", "canalaep", "--dxf-crs", "2154", cc47}, 1, "the coordinates seem to be in CC47 (EPSG:3947), not in Lambert-93 (EPSG:2154)"},
		{[]string{"--layer", "canalaep", filepath.Join(dxfPlans, "plan_local.dxf")}, 1, "local coordinates (not georeferenced)"},
		{[]string{"--layer", "canalaep", filepath.Join(dxfPlans, "garbage.dxf")}, 1, "not a DXF drawing"},
		{[]string{"--layer", "canalaep", filepath.Join(dxfPlans, "binary.dxf")}, 1, "save the drawing as ASCII DXF"},
		{[]string{"--layer", "canalaep", l93}, 1, `required field "idcana" gets no value`},
		{[]string{"--layer", "apparaep", "--dxf-map", twoColumns, l93}, 1, "line 1: 2 columns, want 3"},
		{[]string{"--layer", "nulle_part", l93}, 1, "no such layer"},
		{[]string{"--layer", "communes", l93}, 1, "read-only"},
		{[]string{"--layer", "canalaep", "--dxf-crs", "3857", l93}, 2, "give auto, 2154 (Lambert-93) or 3947 (CC47)"},
		{[]string{l93}, 2, "--layer is required"},
		{[]string{"--layer", "canalaep", "--srs", "EPSG:2154", l93}, 2, "takes --dxf-crs, not --srs"},
		{[]string{"--dry-run", geojson}, 2, "are for DXF plans"},
	}
	for _, c := range cases {
		args := append([]string{"import", "--workspace", ws, "--dxf-extent", ccmtExtent}, c.args...)
		code, out, errOut := run(t, args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want exit %d mentioning %q", c.args, code, errOut, out, c.code, c.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: error is more than one line: %q", c.args, errOut)
		}
		if c.code == 1 && !strings.Contains(errOut, "nothing was imported") && !strings.Contains(errOut, "no such layer") && !strings.Contains(errOut, "read-only") {
			t.Errorf("%v: %q does not say nothing was imported", c.args, errOut)
		}
	}
	if n := pendingCount(t, ws); n != 0 {
		t.Errorf("refused imports journaled %d changes", n)
	}
	// A DXF plan needs an existing workspace: none is created.
	if code, _, errOut := run(t, "import", "--workspace", missing, "--layer", "canalaep", l93); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing workspace: %d %q", code, errOut)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a refused import created %s", missing)
	}
	code, out, _ := run(t, "import", "--help")
	if code != 0 || !strings.Contains(out, "calque;champ;valeur") || !strings.Contains(out, "--dxf-crs auto|2154|3947") {
		t.Errorf("import --help: %d\n%s", code, out)
	}
}
