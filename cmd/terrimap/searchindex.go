package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"terrimap/store"
	"terrimap/store/search"
)

// openSearchable opens a workspace to search it: read-only when its text
// index is whole; else, once, for writing, to build the index a workspace
// of an older Terrimap lacks (saying so on stderr: it takes a minute on a
// million features). A workspace that cannot be written is searched as it
// is, with a warning.
func openSearchable(path string, stderr io.Writer) (*store.Workspace, error) {
	ctx := context.Background()
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	if ready, err := search.New(ws).Ready(ctx); err != nil || ready {
		return ws, err
	}
	ws.Close()
	w, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "search: the search index of this workspace is not built and cannot be (%v): some features will not be found\n", err)
		return store.Open(path, store.Options{ReadOnly: true})
	}
	fmt.Fprintln(stderr, "search: building the search index of this workspace (once)…")
	start := time.Now()
	if err := search.New(w).Refresh(ctx); err != nil {
		w.Close()
		return nil, err
	}
	fmt.Fprintf(stderr, "search: index built in %s\n", time.Since(start).Round(100*time.Millisecond))
	return w, nil
}
