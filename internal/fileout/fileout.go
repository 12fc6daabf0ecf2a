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
	tmp, err := os.CreateTemp(filepath.Dir(path), ".terrimap-*.part")
	if err != nil {
		return fmt.Errorf("fileout: %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("fileout: %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("fileout: %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("fileout: %s: %w", path, err)
	}
	return nil
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
