package fileout

import (
	"fmt"
	"os"
	"path/filepath"
)

// Set is a set of files that go together, written at the same time (a
// Shapefile's .shp, .shx and .dbf, record by record) each to a temporary
// file beside its destination; Commit puts them all in place, Abort
// leaves nothing of them.
type Set struct {
	paths []string
	files []*os.File
}

// NewSet creates a temporary file beside each of paths.
func NewSet(paths []string) (*Set, error) {
	s := &Set{paths: paths}
	for _, path := range paths {
		f, err := os.CreateTemp(filepath.Dir(path), ".terrimap-*.part")
		if err != nil {
			s.Abort()
			return nil, fmt.Errorf("fileout: %s: %w", path, err)
		}
		s.files = append(s.files, f)
	}
	return s, nil
}

// File is the temporary file of paths[i], open for writing (and WriteAt).
func (s *Set) File(i int) *os.File { return s.files[i] }

// Commit flushes the files to disk and closes them and, when every one is
// written and no destination is a folder in the way, renames them onto
// their destinations; otherwise it removes them. The flush comes before
// the rename: after a crash a destination holds the old file or the whole
// new one, never a renamed file whose bytes were not yet on disk.
func (s *Set) Commit() error {
	ok := false
	defer func() {
		if !ok {
			s.Abort()
		}
	}()
	for i, f := range s.files {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("fileout: %s: %w", s.paths[i], err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("fileout: %s: %w", s.paths[i], err)
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return fmt.Errorf("fileout: %s: %w", s.paths[i], err)
		}
		if info, err := os.Stat(s.paths[i]); err == nil && info.IsDir() {
			return fmt.Errorf("fileout: %s: a folder is in the way", s.paths[i])
		}
	}
	for i, f := range s.files {
		if err := os.Rename(f.Name(), s.paths[i]); err != nil {
			return fmt.Errorf("fileout: %s: %w", s.paths[i], err)
		}
	}
	ok = true
	return nil
}

// Abort closes and removes the temporary files (a no-op for those already
// in place).
func (s *Set) Abort() {
	for _, f := range s.files {
		f.Close()
		os.Remove(f.Name())
	}
}
