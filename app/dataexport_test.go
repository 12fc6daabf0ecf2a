package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// TestExportLayerShapefile exports the hydrants as a Shapefile in
// Lambert-93 from the app: the files are there, GDAL reads the three
// hydrants in EPSG:2154, and the user is
// told in French that the date-times of «Mis à jour» went out as text.
func TestExportLayerShapefile(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "tournus.gpkg"))
	l, err := m.sess.ws.Layer("pei")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pei") // the extension is added
	m.exportLayerTo(path, l, dataFormats[2], srs.Lambert93)
	q.runUntil(t, func() bool { return strings.Contains(m.status, "écrits dans") || strings.Contains(m.status, "pas pu") })
	if want := "3 objets de « Points d'eau incendie » écrits dans " + path + ".shp."; m.status != want {
		t.Errorf("status %q, want %q", m.status, want)
	}
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		if _, err := os.Stat(path + ext); err != nil {
			t.Error(err)
		}
	}
	out, err := exec.Command("ogrinfo", "-al", "-so", path+".shp").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: 3") || !strings.Contains(string(out), "Geometry: Point") || !strings.Contains(string(out), `ID["EPSG",2154]`) {
		t.Errorf("ogrinfo: %v\n%s", err, out)
	}
	if got := warningText(l, formats.Warning{Kind: formats.WarnDateTimeAsText, Field: "maj"}); got != "les dates et heures de « Mis à jour » sont écrites en texte" {
		t.Errorf("warning %q", got)
	}
}

// TestExportWarningsWorded: every warning a file writer gives is worded.
func TestExportWarningsWorded(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	openInShell(t, m, demoWorkspaceFile(t, "tournus.gpkg"))
	l, _ := m.sess.ws.Layer("pei")
	seen := map[string]bool{}
	for k := formats.WarnFieldRenamed; k <= formats.WarnNumberTooWide; k++ {
		got := warningText(l, formats.Warning{Kind: k, Field: "debit", Name: "debit", Count: 2})
		if got == "" || seen[got] || strings.Contains(got, "{{") {
			t.Errorf("warning %d worded %q", k, got)
		}
		seen[got] = true
	}
}
