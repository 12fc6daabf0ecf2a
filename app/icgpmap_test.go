package app

import (
	"context"
	"testing"

	"terrimap/icgp"
	"terrimap/store"
)

// TestShowLacksOnMap selects a blocker's features on the map and frames
// them: the map zooms in from the whole workspace to two hydrants.
func TestShowLacksOnMap(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, tableWorkspaceFile(t))
	all, err := m.sess.ws.Query(context.Background(), store.Query{Layer: "pei"})
	if err != nil || len(all) < 2 {
		t.Fatalf("%d hydrants: %v", len(all), err)
	}
	before, _ := m.view.mapw.ScaleBar()
	lacks := []icgp.Lack{{Layer: "pei", FID: all[0].FID, UUID: all[0].UUID}, {Layer: "pei", FID: all[1].FID, UUID: all[1].UUID}}
	m.showLacksOnMap(lacks)
	q.runUntil(t, func() bool { return len(m.sess.tiles.Selection()) == 2 })
	if after, _ := m.view.mapw.ScaleBar(); after >= before {
		t.Errorf("scale bar of %v m after framing two hydrants, %v m before: the map did not zoom to them", after, before)
	}
}
