// Package fileout writes a file whole or not at all: what a map export or
// a report writes goes to a temporary file beside its destination, which
// replaces the destination only once everything was written. A failed or
// cancelled write leaves neither half a file nor the temporary one.
package fileout

import (
	"fmt"
	"io"
	"os"
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
	s, err := NewSet(paths)
	if err != nil {
		return err
	}
	for i := range paths {
		if err := write(i, s.File(i)); err != nil {
			s.Abort()
			return err
		}
	}
	return s.Commit()
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
