package fileout

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "carte.pdf")
	if err := os.WriteFile(path, []byte("ancienne carte"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("cancelled")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "moitié")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "ancienne carte" {
		t.Fatalf("a failed write changed the file: %q", b)
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "nouvelle carte"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "nouvelle carte" {
		t.Fatalf("file holds %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".terrimap-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if err := Write(filepath.Join(dir, "no", "such", "dir.pdf"), func(io.Writer) error { return nil }); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}

func TestWriteSetAllOrNone(t *testing.T) {
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "recepisse.pdf"), filepath.Join(dir, "plans.pdf"), filepath.Join(dir, "plans.dxf")}
	if err := os.WriteFile(paths[0], []byte("ancien récépissé"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("plan sheet failed")
	inTheWay := filepath.Join(dir, "in-the-way")
	if err := os.Mkdir(inTheWay, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		fail  int // the file whose write fails; -1 none
		want  string
	}{
		{"the second file fails", paths, 1, "plan sheet failed"},
		{"the last file fails", paths, 2, "plan sheet failed"},
		{"a folder is in the way", []string{paths[0], inTheWay}, -1, "a folder is in the way"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteSet(tc.paths, func(i int, w io.Writer) error {
				io.WriteString(w, "nouveau")
				if i == tc.fail {
					return boom
				}
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if b, _ := os.ReadFile(paths[0]); string(b) != "ancien récépissé" {
				t.Errorf("a failed set changed the first file: %q", b)
			}
			for _, p := range paths[1:] {
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a failed set left %s", p)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".terrimap-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	if err := WriteSet(paths, func(i int, w io.Writer) error { _, err := fmt.Fprintf(w, "fichier %d", i); return err }); err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		if b, _ := os.ReadFile(p); string(b) != fmt.Sprintf("fichier %d", i) {
			t.Errorf("%s holds %q", p, b)
		}
	}
}
