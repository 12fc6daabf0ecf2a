package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/server"
)

// A layer made on the desk of a user who may not publish stays on that
// desk: its changes are not sent, stay pending (neither dropped nor
// refused), the summary says how many wait and why, and the platform
// layer's edits go as usual. Once an admin has published the layer, the
// next sync sends them.
func TestChangesOfAnUnpublishedLayerWaitForIt(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		// A small batch: the held changes, first in the journal, fill the
		// head the push reads several times over.
		d := openDesk(t, "tournus", filepath.Join(t.TempDir(), "tournus.gpkg"), p.http.URL, client.Options{PushBatch: 100, Backoff: 5 * time.Millisecond})
		pei := d.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "T1"})
		d.sync()

		releves := schema.Layer{Name: "releves_terrain", Title: "Relevés de terrain", GeometryType: schema.Point, Fields: []schema.Field{{Name: "note", Type: schema.Text}}}
		d.edit(func(tx *store.Tx) error {
			if _, err := tx.CreateLayer(releves); err != nil {
				return err
			}
			for i := range 600 {
				f := store.Feature{Geometry: orb.Point{4.86 + float64(i)*0.0001, 46.55}, Properties: map[string]any{"note": fmt.Sprint("relevé ", i)}}
				if _, err := tx.Create("releves_terrain", f); err != nil {
					return err
				}
			}
			return nil
		})
		d.update("pei", pei, map[string]any{"debit": 60}, nil)
		d.create("pei", orb.Point{4.91, 46.56}, map[string]any{"numero": "T2"})

		preview, err := d.c.Preview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if preview.Held["releves_terrain"] != 600 || preview.ToSend["releves_terrain"] != nil || preview.ToSend["pei"]["update"]+preview.ToSend["pei"]["create"] != 2 {
			t.Errorf("preview: held %v, to send %v", preview.Held, preview.ToSend)
		}

		sum := d.sync()
		if err := sum.Layers.Publish["releves_terrain"]; err == nil || !strings.Contains(err.Error(), "administrateur") {
			t.Errorf("an editor's new layer: %v", err)
		}
		d.checkHeld(sum, 2, "releves_terrain", 600)
		if f, _ := p.newDesk("elu").get("pei", pei); f.Properties["debit"] != 60.0 {
			t.Errorf("the platform layer's edit: %v", f.Properties)
		}

		// An admin publishes the layer: the next sync sends the 600.
		if err := p.st.PutLayer(ctx, server.LayerRecord{Schema: releves}); err != nil {
			t.Fatal(err)
		}
		sum = d.sync()
		if sum.Push.Sent != 600 || sum.Push.Applied != 600 || len(sum.Push.Held) != 0 {
			t.Errorf("push once published: %+v", sum.Push)
		}
		if n := d.pending(); n[store.StatePending] != 0 || n[store.StateRejected] != 0 {
			t.Errorf("journal once published: %v", n)
		}
		if n := p.newDesk("elu").ws.Index().Len("releves_terrain"); n != 600 {
			t.Errorf("a viewer sees %d features of the published layer", n)
		}
	})
}

// A layer made while a sync runs, after its layers step (the user imports
// a file into a new layer meanwhile), was not offered to the platform:
// its changes wait, pending, for the next sync to offer it — none sent,
// none refused — and the summary counts them held, with no refusal.
func TestChangesOfALayerMadeDuringTheSyncWait(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := openDesk(t, "tournus", filepath.Join(t.TempDir(), "tournus.gpkg"), p.http.URL, client.Options{Backoff: 5 * time.Millisecond})
		d.sync()
		d.create("pei", orb.Point{4.91, 46.56}, map[string]any{"numero": "T3"})

		made := false
		sum, err := d.c.SyncWithProgress(ctx, func(pr client.Progress) {
			if pr.Stage != "push" || made {
				return
			}
			made = true
			d.edit(func(tx *store.Tx) error {
				if _, err := tx.CreateLayer(schema.Layer{Name: "import_en_cours", Title: "Import en cours", GeometryType: schema.Point, Fields: []schema.Field{{Name: "note", Type: schema.Text}}}); err != nil {
					return err
				}
				for i := range 3 {
					if _, err := tx.Create("import_en_cours", store.Feature{Geometry: orb.Point{4.86 + float64(i)*0.001, 46.55}, Properties: map[string]any{"note": fmt.Sprint("objet ", i)}}); err != nil {
						return err
					}
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if !made {
			t.Fatal("the push stage was never reported")
		}
		if _, offered := sum.Layers.Publish["import_en_cours"]; offered {
			t.Errorf("a layer made after the layers step was offered: %v", sum.Layers.Publish)
		}
		d.checkHeld(sum, 1, "import_en_cours", 3)
		preview, err := d.c.Preview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if preview.Held["import_en_cours"] != 3 || preview.ToSend["import_en_cours"] != nil {
			t.Errorf("preview: held %v, to send %v", preview.Held, preview.ToSend)
		}
	})
}

// checkHeld checks that a sync sent and applied sent changes, refused
// none, and held the n changes of layer alone, still pending.
func (d *desk) checkHeld(sum client.Summary, sent int, layer string, n int) {
	d.t.Helper()
	if sum.Push.Sent != sent || sum.Push.Applied != sent || sum.Push.Rejected != 0 {
		d.t.Errorf("push: %+v", sum.Push)
	}
	if len(sum.Push.Held) != 1 || sum.Push.Held[layer] != n {
		d.t.Errorf("held: %v", sum.Push.Held)
	}
	if c := d.pending(); c[store.StatePending] != n || c[store.StateRejected] != 0 || sum.Rejected != 0 {
		d.t.Errorf("journal after the sync: %v (summary: %d rejected)", c, sum.Rejected)
	}
}
