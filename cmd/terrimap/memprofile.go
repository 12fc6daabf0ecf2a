package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startHeapProfile creates path now, so that a path that cannot be written
// fails before the run rather than after it, and returns write, which
// writes the heap profile of the run there (go tool pprof reads it: what
// the run allocated, -sample_index=alloc_space; what was live at the last
// garbage collection, the default) and closes the file.
func startHeapProfile(path string) (write func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--memprofile: %w", err)
	}
	return func() error {
		err := pprof.Lookup("heap").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
		return nil
	}, nil
}
