// Package fileout writes a file whole or not at all: what a map export or
// a report writes goes to a temporary file beside its destination, which
// replaces the destination only once everything was written. A failed or
// cancelled write leaves neither half a file nor the temporary one.
package fileout

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write calls write with a file beside path, then puts it in place.
func Write(path string, write func(w io.Writer) error) error {
	return WriteSet([]string{path}, func(_ int, w io.Writer) error { return write(w) })
}

// WriteSet writes several files that go together (an answer's récépissé,
// plans and vector files) all or none: write(i, w) writes paths[i] to a
// file beside it; only once every one is written, and no destination is a
// folder in the way, do they replace their destinations.
func WriteSet(paths []string, write func(i int, w io.Writer) error) error {
	tmps := make([]string, 0, len(paths))
	defer func() {
		for _, tmp := range tmps {
			os.Remove(tmp) // a no-op once renamed
		}
	}()
	for i, path := range paths {
		tmp, err := writeBeside(path, func(w io.Writer) error { return write(i, w) })
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp)
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			return fmt.Errorf("fileout: %s: a folder is in the way", path)
		}
	}
	for i, tmp := range tmps {
		if err := os.Rename(tmp, paths[i]); err != nil {
			return fmt.Errorf("fileout: %s: %w", paths[i], err)
		}
	}
	return nil
}

// writeBeside calls write with a temporary file beside path and returns
// its name, closed and readable by all; nothing is left on failure.
func writeBeside(path string, write func(w io.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".terrimap-*.part")
	if err != nil {
		return "", fmt.Errorf("fileout: %s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("fileout: %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("fileout: %s: %w", path, err)
	}
	ok = true
	return tmp.Name(), nil
}

// Sync flushes to disk a file another program or library wrote at path
// (a VACUUM INTO copy, a pg_dump archive) before it replaces anything.
func Sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fileout: sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fileout: sync %s: %w", path, err)
	}
	return nil
}
