package app

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"terrimap/mapview/export"
)

// TestExportTitleAndOneScale checks that an export is titled as the
// secretary names her territory («Plan» when the workspace does not say),
// never after a file, and that its sheet prints one scale only.
func TestExportTitleAndOneScale(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demoWorkspaceFile(t, "terrimap.gpkg"))
	if got := m.sess.exportTitle(); got != "Plan" {
		t.Errorf("title of a workspace without territory %q, want «Plan»", got)
	}
	m.sess.home.name = "Tournus"
	if got := m.sess.exportTitle(); got != "Tournus" {
		t.Errorf("title %q, want the commune «Tournus»", got)
	}

	path := filepath.Join(t.TempDir(), "carte.pdf")
	m.exportTo(path, exportChoice{title: m.sess.exportTitle(), paper: export.A4, landscape: true, format: export.PDF})
	q.runUntil(t, func() bool {
		return strings.Contains(m.status, "Carte enregistrée") || strings.Contains(m.status, "pas pu")
	})
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	if scales := regexp.MustCompile(`1:[0-9]`).FindAllString(text, -1); len(scales) != 1 {
		t.Errorf("the sheet prints %d scales, want one:\n%s", len(scales), text)
	}
	if !strings.Contains(text, "Tournus") || strings.Contains(text, "terrimap") {
		t.Errorf("the sheet is not titled Tournus, or names the file:\n%s", text)
	}
}
