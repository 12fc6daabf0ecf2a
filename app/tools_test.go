package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"terrimap/mapview/export"
	"terrimap/report"
)

// F11 shows the map alone, full screen, with a legend; Escape (or F11)
// brings the panels back.
func TestPresentationMode(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	openInShell(t, m, demoWorkspaceFile(t, "seance.gpkg"))
	m.typedKey(&fyne.KeyEvent{Name: fyne.KeyF11})
	if !m.presenting() || !w.FullScreen() || w.Content() != m.presentation {
		t.Fatalf("F11: presenting %v, full screen %v", m.presenting(), w.FullScreen())
	}
	if got := m.legend.titles; len(got) != 1 {
		t.Errorf("legend of a one-layer workspace has %d rows", len(got))
	}
	m.view.mapw.OnKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // the map has the focus
	if m.presenting() || w.FullScreen() || w.Content() != m.root {
		t.Fatalf("Escape: presenting %v, full screen %v", m.presenting(), w.FullScreen())
	}
}

// The map on screen exported to an A4 PDF: a whole file, with its title.
func TestExportFromTheView(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "export.gpkg"))
	path := filepath.Join(t.TempDir(), "carte.pdf")
	m.exportTo(path, exportChoice{title: "Poteaux de Tournus", paper: export.A4, landscape: true, format: export.PDF})
	q.runUntil(t, func() bool {
		return strings.Contains(m.status, "Carte enregistrée") || strings.Contains(m.status, "exportée") || strings.Contains(m.status, "annulé")
	})
	if !strings.Contains(m.status, "Carte enregistrée dans "+path) {
		t.Fatalf("status: %q", m.status)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil || !strings.Contains(string(out), "Poteaux de Tournus") {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".terrimap-export-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A zone drawn on the map goes to the report, not into a layer; the report
// lists the hydrant under it.
func TestReportFromADrawnZone(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "travaux.gpkg"))
	v := m.view
	var zone orb.Geometry
	v.drawFor = func(g orb.Geometry) { zone = g }
	square := orb.Polygon{{{4.9095, 46.5635}, {4.9105, 46.5635}, {4.9105, 46.5645}, {4.9095, 46.5645}, {4.9095, 46.5635}}}
	v.sketchDone(square)
	if !orb.Equal(zone, square) {
		t.Fatalf("the report got %v, not the zone drawn", zone)
	}
	path := filepath.Join(t.TempDir(), "avant-travaux.pdf")
	m.writeReport(path, report.Zone{Geometry: orb.MultiPolygon{square}}, "rue de la République", "Rapport avant travaux", 5)
	q.runUntil(t, func() bool { return strings.Contains(m.status, "Rapport enregistré") })
	if !strings.Contains(m.status, "1 objets trouvés") {
		t.Errorf("status: %q", m.status)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil || !strings.Contains(string(out), "T-02") {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if _, err := os.Stat(geoJSONBeside(path)); err != nil {
		t.Errorf("no GeoJSON beside the report: %v", err)
	}
}

func TestExportFileName(t *testing.T) {
	c := exportChoice{title: " Réseau d'eau : Tournus/Uchizy ", format: export.PNG}
	if got := c.fileName(fixedDay); got != "Réseau-d'eau---Tournus-Uchizy-2026-11-26.png" {
		t.Errorf("file name %q", got)
	}
	if got := (exportChoice{format: export.PDF}).fileName(fixedDay); got != "carte-2026-11-26.pdf" {
		t.Errorf("file name of an untitled map %q", got)
	}
}

var fixedDay = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
