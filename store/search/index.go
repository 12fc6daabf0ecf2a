package search

import (
	"context"
	"fmt"

	"terrimap/store"
	"terrimap/store/schema"
)

// Index finds the features of one workspace by the text index the
// workspace keeps itself, written in the same transaction as every edit
// and sync (store: tm_search_*): it holds nothing of the features in
// memory, and a query always sees the last committed edit. It is safe for
// concurrent use.
type Index struct {
	ws   *store.Workspace
	name Namer // nil: DisplayName
}

// New returns the text index of ws.
func New(ws *store.Workspace) *Index { return &Index{ws: ws} }

// Namer names a feature in the results; "" leaves it the name DisplayName
// gives.
type Namer func(l schema.Layer, f store.Feature) string

// NewNamed is New with the results named by name: the application names
// some features as its other views do («Poteau d'incendie n° 94»).
func NewNamed(ws *store.Workspace, name Namer) *Index { return &Index{ws: ws, name: name} }

// Refresh builds what the workspace's index lacks — all of it in a
// workspace written by an older Terrimap, a layer whose schema changed —
// a few thousand features per transaction (store.Workspace.BuildSearchText);
// queries meanwhile answer from what is indexed, and say so
// (Found.Partial). It returns at once when the index is whole, or when the
// workspace is open read-only (it cannot be built then).
func (ix *Index) Refresh(ctx context.Context) error {
	if ix.ws.ReadOnly() {
		return nil
	}
	if err := ix.ws.BuildSearchText(ctx, nil); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}

// Ready reports whether the workspace's index holds every feature.
func (ix *Index) Ready(ctx context.Context) (bool, error) {
	ready, err := ix.ws.SearchTextReady(ctx)
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	return ready, nil
}
