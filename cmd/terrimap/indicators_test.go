package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
)

// TestIndicators writes the RPQS annex of the demo's Tournus and its CSV
// through the command line, reads the PDF back with pdftotext, and checks
// the usage errors in French.
func TestIndicators(t *testing.T) {
	ws, err := demows.Cached("ccmt", orb.Bound{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf, csvPath := filepath.Join(dir, "annexe.pdf"), filepath.Join(dir, "indicateurs.csv")
	var stdout, stderr bytes.Buffer
	code := runCommand([]string{"indicators", "--workspace", ws, "--commune", "71543", "--year", "2026", "--out", pdf, "--csv", csvPath}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "P103.2B (eau) : ") || !strings.Contains(stdout.String(), "P202.2B (assainissement) : ") {
		t.Errorf("stdout: %s", stdout.String())
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Annexe au RPQS 2026 — Tournus", "indice P103.2B", "taux moyen de renouvellement", "Graphiques"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the annex lacks %q", want)
		}
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 20 || rows[0][0] != "indicateur" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"indicators", "--out", pdf}, 2, "--workspace manque"},
		{[]string{"indicators", "--workspace", ws, "--out", filepath.Join(dir, "a.png")}, 2, "ne finit pas par .pdf"},
		{[]string{"indicators", "--workspace", ws, "--out", pdf, "--year", "26"}, 2, "l'année du rapport"},
		{[]string{"indicators", "--workspace", ws, "--out", pdf, "--commune", "99999"}, 1, "la commune 99999 n'est pas dans l'espace de travail"},
		{[]string{"indicators", "--workspace", filepath.Join(dir, "absent.gpkg"), "--out", pdf}, 1, "n'existe pas"},
		{[]string{"indicators", "--workspace", ws, "--out", pdf, "--year", "deux-mille"}, 2, "--year « deux-mille » : un nombre est attendu"},
		{[]string{"indicators", "--workspace", ws, "--out", pdf, "--annee", "2026"}, 2, "option inconnue --annee"},
		{[]string{"indicators", "--workspace", ws, "--out"}, 2, "--out attend une valeur"},
	} {
		stderr.Reset()
		// In French, the command named once, no English from package flag.
		if got := runCommand(c.args, &stdout, &stderr); got != c.code || !strings.Contains(stderr.String(), c.msg) ||
			strings.Count(stderr.String(), "terrimap indicators") != 1 || strings.Contains(stderr.String(), "flag") {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, got, stderr.String(), c.code, c.msg)
		}
	}
}
