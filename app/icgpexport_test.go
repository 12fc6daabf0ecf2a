package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"terrimap/internal/demows"
)

// TestWriteAnnex writes Tournus's RPQS annex as Fichier › Exporter
// l'annexe RPQS does, and reads it back with pdftotext; a commune the
// workspace lacks writes nothing.
func TestWriteAnnex(t *testing.T) {
	ws := demows.Open(t, "tournus", demows.Tournus())
	dir := t.TempDir()
	out := filepath.Join(dir, "annexe.pdf")
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	if err := writeAnnex(context.Background(), ws, out, "71543", 2026, now); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"Annexe au RPQS 2026 — Tournus", "P103.2B", "points"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the annex does not say %q", want)
		}
	}

	missing := filepath.Join(dir, "absente.pdf")
	if err := writeAnnex(context.Background(), ws, missing, "99999", 2026, now); err == nil {
		t.Error("an annex was written for a commune the workspace lacks")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a file was left for the failed annex: %v", err)
	}
}
