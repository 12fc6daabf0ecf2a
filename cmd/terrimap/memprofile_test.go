package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemProfileFlag(t *testing.T) {
	opts, err := parseOptions([]string{"--workspace", "a.gpkg", "--memprofile", "heap.prof"}, new(bytes.Buffer))
	if err != nil || opts.memProfile != "heap.prof" {
		t.Fatalf("memProfile = %q, err %v; want heap.prof", opts.memProfile, err)
	}
	if opts, _ := parseOptions(nil, new(bytes.Buffer)); opts.memProfile != "" {
		t.Errorf("memProfile = %q without the flag", opts.memProfile)
	}
}

// The file holds a heap profile go tool pprof reads: gzip-compressed
// protobuf whose sample types name what was allocated and what is in use.
func TestStartHeapProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "heap.prof")
	write, err := startHeapProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file is not made at start: %v", err)
	}
	if err := write(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("not a gzip-compressed profile: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alloc_space", "inuse_space"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the profile has no sample type %s", want)
		}
	}
}

func TestStartHeapProfileUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "heap.prof")
	if _, err := startHeapProfile(path); err == nil || !strings.Contains(err.Error(), "--memprofile") {
		t.Errorf("err = %v, want a --memprofile error", err)
	}
}
