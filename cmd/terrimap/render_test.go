package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// renderWorkspace makes a small workspace: the CCMT communes and the Saône.
func renderWorkspace(t *testing.T) (dir, ws string) {
	t.Helper()
	dir = t.TempDir()
	ws = filepath.Join(dir, "tournus.gpkg")
	for _, args := range [][]string{
		{"import", "--workspace", ws, "--layer", "communes", "--title", "Communes", filepath.Join(sharedCCMT, "ccmt-communes.geojson")},
		{"import", "--workspace", ws, "--layer", "saone", "--title", "La Saône", filepath.Join(sharedCCMT, "ne_10m_saone_ccmt_clip.geojson")},
	} {
		if code, out, errOut := run(t, args...); code != 0 {
			t.Fatalf("%v: %d\n%s%s", args, code, out, errOut)
		}
	}
	return dir, ws
}

func TestRenderPNGAndPDF(t *testing.T) {
	dir, ws := renderWorkspace(t)

	out := filepath.Join(dir, "map.png")
	code, stdout, stderr := run(t, "render", "--workspace", ws, "--bbox", "4.86,46.52,4.96,46.60", "--size", "800x500",
		"--title", "Tournus et ses voisines", "--out", out)
	if code != 0 || !strings.Contains(stdout, "written to "+out) {
		t.Fatalf("render png: %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 500 {
		t.Fatalf("map.png: %v, %v", err, img.Bounds())
	}

	// A3 landscape at 150 dpi, two layers of the default style, over an
	// MBTiles basemap (a world map of low zooms, enlarged).
	pdf := filepath.Join(dir, "map.pdf")
	code, stdout, stderr = run(t, "render", "--workspace", ws, "--paper", "a3", "--landscape", "--dpi", "150",
		"--layers", "saone,communes", "--title", "Tournus et ses voisines", "--attribution", "Régie des eaux du Tournugeois",
		"--basemap", "../../mapview/tiles/testdata/geography-class-png.mbtiles", "--out", pdf)
	if code != 0 {
		t.Fatalf("render pdf: %d\n%s%s", code, stdout, stderr)
	}
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Fatal("pdfinfo is not installed: this test reads the PDF with poppler-utils (apt-get install poppler-utils)")
	}
	info, err := exec.Command(pdfinfo, pdf).CombinedOutput()
	if err != nil || !regexp.MustCompile(`Page size:\s+1190.55 x 841.89 pts`).Match(info) {
		t.Errorf("pdfinfo: %v\n%s", err, info)
	}
	text, err := exec.Command("pdftotext", pdf, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, text)
	}
	words := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{"Tournus et ses voisines", "Légende", "Commune", "La Saône", "Régie des eaux du Tournugeois", "A3 paysage", "Terrimap"} {
		if !strings.Contains(words, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, words)
		}
	}

	// Without --bbox, the extent of the layers drawn.
	code, _, stderr = run(t, "render", "--workspace", ws, "--layers", "saone", "--size", "300x300", "--map-only", "--out", filepath.Join(dir, "saone.png"))
	if code != 0 {
		t.Errorf("render without --bbox: %d %s", code, stderr)
	}
}

func TestRenderErrors(t *testing.T) {
	dir, ws := renderWorkspace(t)
	png := filepath.Join(dir, "m.png")
	notGpkg := filepath.Join(dir, "notes.gpkg")
	os.WriteFile(notGpkg, []byte("pas une base"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"render", "--out", png}, 2, "--workspace is required"},
		{[]string{"render", "--workspace", ws}, 2, "--out is required"},
		{[]string{"render", "--workspace", ws, "--out", filepath.Join(dir, "m.svg")}, 2, "must end in .png or .pdf"},
		{[]string{"render", "--workspace", ws, "--out", png, "--bbox", "4.9,46.6,4.8,46.5"}, 2, "--bbox"},
		{[]string{"render", "--workspace", ws, "--out", png, "--size", "big"}, 2, "--size"},
		{[]string{"render", "--workspace", ws, "--out", png, "--paper", "A5"}, 2, "use A4 or A3"},
		{[]string{"render", "--workspace", ws, "--out", png, "--paper", "A4", "--size", "800x600"}, 2, "not both"},
		{[]string{"render", "--workspace", ws, "--out", png, "--landscape"}, 2, "goes with --paper"},
		{[]string{"render", "--workspace", ws, "--out", png, "--dpi", "5"}, 2, "--dpi"},
		{[]string{"render", "--workspace", ws, "--out", png, "--basemap", "googlemaps"}, 2, "osm, ign-plan"},
		{[]string{"render", "--workspace", ws, "--out", png, "extra"}, 2, "unexpected argument"},
		{[]string{"render", "--workspace", ws, "--out", png, "--layers", "routes"}, 1, `no layer "routes"`},
		{[]string{"render", "--workspace", notGpkg, "--out", png}, 1, "not a GeoPackage"},
		{[]string{"render", "--workspace", ws, "--out", png, "--basemap", filepath.Join(dir, "absent.mbtiles")}, 1, "absent.mbtiles"},
		{[]string{"render", "--workspace", ws, "--out", png, "--basemap", "platform:ftp://x"}, 1, "not an http(s) URL"},
	}
	for _, c := range cases {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args[1:], code, stderr, c.code, c.want)
		}
		if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines > 0 {
			t.Errorf("%v: %d lines of errors, want one sentence:\n%s", c.args[1:], lines+1, stderr)
		}
		if c.code != 0 {
			if _, err := os.Stat(png); err == nil {
				t.Errorf("%v: a failed render left %s", c.args[1:], png)
				os.Remove(png)
			}
		}
	}
}
