package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// The changes of a layer the platform does not have are not sent: the dry
// run says they stay on this computer (it said «To send: nothing.» and no
// more), and the sync says how many its refused layer keeps (and no
// «0 pending changes» for a layer without any).
func TestSyncSaysWhatStaysOnThisComputer(t *testing.T) {
	url := testplatform.Start(t, nil, map[string]protocol.Membership{"tournus": {Org: "71543", Role: protocol.RoleEditor}})
	ws := filepath.Join(t.TempDir(), "tournus.gpkg")
	syncDesk(t, url, ws, "tournus", testplatform.Password)
	w, err := store.Open(ws, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Edit(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.CreateLayer(schema.Layer{Name: "releves", GeometryType: schema.Point, Fields: []schema.Field{{Name: "note", Type: schema.Text}}}); err != nil {
			return err
		}
		if _, err := tx.CreateLayer(schema.Layer{Name: "vide", GeometryType: schema.Point, Fields: []schema.Field{{Name: "note", Type: schema.Text}}}); err != nil {
			return err
		}
		for i := range 2 {
			if _, err := tx.Create("releves", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"note": fmt.Sprint(i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "sync", "--workspace", ws, "--dry-run")
	if code != 0 || !strings.Contains(out, "To send: nothing.") || !strings.Contains(out, "Kept on this computer, releves: 2 changes") {
		t.Errorf("dry run: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = run(t, "sync", "--workspace", ws)
	if code != 0 || !strings.Contains(out, "Layer releves stays on this computer, its 2 pending changes kept until the platform has it") ||
		!strings.Contains(out, "Layer vide stays on this computer: ") {
		t.Errorf("sync: exit %d, %q %q", code, out, errs)
	}
}
