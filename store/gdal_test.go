package store

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// requireTool finds an outside tool the test needs; `make test` installs it.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run `make deps` (make test installs gdal-bin and python3-gdal)", name)
	}
	return p
}

// sampleWorkspace writes a workspace with every field type, a coded-value
// domain, points and lines, edits and deletions.
func sampleWorkspace(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "terrimap.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, s := range [](func() schema.Layer){hydrantSchema, pipeSchema} {
		if _, err := ws.CreateLayer(ctx, s()); err != nil {
			t.Fatal(err)
		}
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 50; i++ {
			x, y := 4.9+float64(i)*0.001, 46.55+float64(i%7)*0.001
			f, err := tx.Create("pei", Feature{Geometry: orb.Point{x, y}, Properties: map[string]any{
				"nom": "Poteau n°" + string(rune('A'+i%26)), "debit": 60 + i, "date_ct": "2024-03-01", "nb_ct": i}})
			if err != nil {
				return err
			}
			if _, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{x, y}, {x + 0.001, y + 0.0005}},
				Properties: map[string]any{"materiau": "05", "diametre": 110}}); err != nil {
				return err
			}
			if i%10 == 0 {
				if err := tx.Delete("pei", f.UUID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOGRInfoReadsWorkspace(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	path := sampleWorkspace(t)
	cmd := exec.Command(ogrinfo, "-al", "-so", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, stderr.String())
	}
	if s := stderr.String(); s != "" {
		t.Errorf("ogrinfo printed warnings:\n%q", s)
	}
	text := string(out)
	for _, want := range []string{
		"Layer name: pei", "Geometry: Point", "Feature Count: 45",
		"Layer name: canalaep", "Geometry: Line String", "Feature Count: 50",
		"nom: String", "debit: Real", "disponible: Integer(Boolean)", "date_ct: Date", "nb_ct: Integer64",
		"maj: DateTime", "uuid: String", "tm_version: Integer64", "diametre: Integer64",
		"EPSG\",4326",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
	// GDAL sees the spatial index.
	sqlOut, err := exec.Command(ogrinfo, path, "-sql", "SELECT HasSpatialIndex('pei', 'geom')", "-q").CombinedOutput()
	if err != nil || !strings.Contains(string(sqlOut), "= 1") {
		t.Errorf("HasSpatialIndex: %v\n%s", err, sqlOut)
	}
	// GDAL's spatial filter goes through our R*Tree.
	spatOut, err := exec.Command(ogrinfo, path, "pei", "-spat", "4.9", "46.5", "4.905", "46.6", "-so").CombinedOutput()
	if err != nil || !strings.Contains(string(spatOut), "Feature Count: 5") {
		t.Errorf("spatial filter: %v\n%s", err, spatOut)
	}
}

func TestValidateGPKG(t *testing.T) {
	python := requireTool(t, "python3")
	path := sampleWorkspace(t)
	script := "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	out, err := exec.Command(python, script, "-v", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "rror") {
		t.Fatalf("validate_gpkg.py: %v\n%s", err, out)
	}
	t.Logf("validate_gpkg.py: %s", strings.TrimSpace(string(out)))
}
