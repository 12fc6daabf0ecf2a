package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terrimap import says when the coordinate system was deduced, not
// declared: a Shapefile in Lambert-93 without its .prj.
func TestImportSaysTheSystemWasDeduced(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(sharedCCMT, "shp_l93", "ccmt_communes_l93")
	for _, ext := range []string{".shp", ".shx", ".dbf", ".cpg"} {
		b, err := os.ReadFile(src + ext)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "communes"+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := filepath.Join(dir, "ws.gpkg")
	code, out, errOut := run(t, "import", "--workspace", ws, filepath.Join(dir, "communes.shp"))
	if want := "24 features imported into the new layer communes (coordinates read in EPSG:2154, stored in EPSG:4326).\nThe file does not declare its coordinate system: EPSG:2154 was deduced from its coordinates (--srs chooses another).\n"; code != 0 || !strings.Contains(out, want) {
		t.Fatalf("import: %d\n%s%s\nwant %q", code, out, errOut, want)
	}
	// With the .prj, declared: said as before.
	code, out, errOut = run(t, "import", "--workspace", ws, "--layer", "communes_prj", src+".shp")
	if code != 0 || !strings.Contains(out, "(coordinates read in EPSG:2154, stored in EPSG:4326).") || strings.Contains(out, "deduced") {
		t.Fatalf("import with .prj: %d\n%s%s", code, out, errOut)
	}
}
