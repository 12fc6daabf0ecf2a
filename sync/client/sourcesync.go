package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"terrimap/store"
)

// ErrNothingToSync is returned by SyncSources for a workspace with neither
// a platform nor an outside source.
var ErrNothingToSync = errors.New("client: the workspace has no platform and no outside source")

// HasSources reports whether the workspace subscribes to outside sources
// (OGC API – Features collections, WFS feature types).
func HasSources(ctx context.Context, ws *store.Workspace) bool {
	return len(NewSourceClient(ws, nil).Sources(ctx)) > 0
}

// SyncSources is the sync of a workspace without a platform: it refreshes
// every outside source (Summary.Sources says how each went) and records
// when. It fails only when no source could be refreshed; hc nil uses a
// default client.
func SyncSources(ctx context.Context, ws *store.Workspace, hc *http.Client) (Summary, error) {
	var sum Summary
	if !HasSources(ctx, ws) {
		return sum, ErrNothingToSync
	}
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Minute}
	}
	sum.Sources = NewSourceClient(ws, hc).Refresh(ctx)
	var errs []error
	layers := make([]string, 0, len(sum.Sources))
	for l := range sum.Sources {
		layers = append(layers, l)
	}
	sort.Strings(layers)
	for _, l := range layers {
		if err := sum.Sources[l]; err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l, err))
		}
	}
	if len(errs) == len(layers) {
		return sum, errors.Join(errs...)
	}
	sum.At = time.Now()
	if err := ws.SetMeta(ctx, metaLastSync, sum.At.UTC().Format(time.RFC3339)); err != nil {
		return sum, fmt.Errorf("client: sources: %w", err)
	}
	return sum, nil
}
