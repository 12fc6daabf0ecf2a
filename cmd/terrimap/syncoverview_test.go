package main

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/store"
)

// A first sync leaves the map's overview built and clean for the layers
// the map shows at low zooms (the pipes), and none to keep up for those it
// draws only from zoom 16 (the meters): the first opening draws the
// territory from it at once.
func TestSyncPreparesTheMapOverview(t *testing.T) {
	url, passwords := demoPlatform(t)
	path := filepath.Join(t.TempDir(), "admin.gpkg")
	syncDesk(t, url, path, "admin", passwords["admin"])
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	for _, c := range []struct {
		layer string
		built bool
	}{{"canalaep", true}, {"canalass", true}, {"apparaep", false}} {
		if _, ok, err := ws.OverviewFields(ctx, c.layer); err != nil || ok != c.built {
			t.Errorf("%s: overview registered %v (err %v), want %v", c.layer, ok, err, c.built)
		}
	}
	if n, err := ws.OverviewDirty(ctx); err != nil || n != 0 {
		t.Errorf("after the sync: %d dirty overview pieces (err %v), want none", n, err)
	}
}
