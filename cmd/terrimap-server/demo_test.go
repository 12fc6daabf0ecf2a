package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// In a pipe (a log, a service's journal), the demo's progress is one line
// per step, never lines run together by carriage returns.
func TestDemoProgressInAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	var stdout bytes.Buffer
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	code := run(context.Background(), []string{"demo", "--db", db, "--scale", "0.02"}, nil, &stdout, w)
	w.Close()
	progress := string(<-got)
	if code != 0 {
		t.Fatalf("demo exited with %d: %s", code, progress)
	}
	if strings.Contains(progress, "\r") {
		t.Errorf("progress holds carriage returns: %q", progress)
	}
	lines := strings.Split(strings.TrimSuffix(progress, "\n"), "\n")
	if len(lines) < 5 {
		t.Fatalf("%d progress lines, want one per step: %q", len(lines), progress)
	}
	for _, l := range lines {
		if fields := strings.Fields(l); len(fields) != 3 || fields[2] != "features" {
			t.Errorf("progress line %q is not «layer count features»", l)
		}
	}
	if !strings.Contains(stdout.String(), "Demo platform") {
		t.Errorf("stdout: %q", stdout.String())
	}
}

// Only a terminal gets the line rewritten in place.
func TestProgressLineOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p := &progressLine{w: &b, terminal: true}
	p.step("communes 24 features")
	p.step("canalisation_aep 120 features")
	p.end()
	if got, want := b.String(), "\rcommunes 24 features\rcanalisation_aep 120 features\n"; got != want {
		t.Errorf("on a terminal: %q, want %q", got, want)
	}
	if isTerminal(&b) {
		t.Error("a buffer taken for a terminal")
	}
}
