package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/server"
)

// An admin evolves a schema on the platform; desks with pending edits adopt
// it at their next sync, keep their edits, and send them.
func TestSchemaEvolvesWithoutBreakingAnyone(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := p.newDesk("agent")
		id := d.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "A"})
		d.sync()
		d.update("pei", id, map[string]any{"debit": 45}, nil) // pending, made on the old schema
		s := peiSchema()
		s.Title = "Défense extérieure contre l'incendie"
		s.Fields[1].Domain = append(s.Fields[1].Domain, schema.CodedValue{Code: "CI", Label: "Citerne"})
		s.Fields = append(s.Fields, schema.Field{Name: "observations", Title: "Observations", Type: schema.Text})
		if err := p.st.PutLayer(ctx, server.LayerRecord{Schema: s}); err != nil {
			t.Fatal(err)
		}
		sum := d.sync()
		if sum.Push.Applied != 1 || len(sum.Layers.Updated) != 1 {
			t.Fatalf("sync after the schema change: %+v", sum)
		}
		l, _ := d.ws.Layer("pei")
		if l.Schema.Title != s.Title || len(l.Schema.Fields) != len(s.Fields) {
			t.Fatalf("local schema: %+v", l.Schema)
		}
		// The new field and code are usable at once, and reach the platform.
		d.update("pei", id, map[string]any{"type_pei": "CI", "observations": "citerne souple"}, nil)
		if sum := d.sync(); sum.Push.Applied != 1 {
			t.Fatalf("edit with the new field: %+v", sum.Push)
		}
		other := p.newDesk("elu")
		f, _ := other.get("pei", id)
		if f.Properties["observations"] != "citerne souple" || f.Properties["type_pei"] != "CI" || f.Properties["debit"] != 45.0 {
			t.Errorf("platform feature: %+v", f.Properties)
		}
	})
}

// A surveyor's file imported into a synced workspace is sent at the next
// sync; a new layer is published by an admin, kept local for anyone else
// (its features wait, pending, until the platform has it).
func TestImportedFeaturesAndLayersAreSent(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		file := filepath.Join(t.TempDir(), "recolement.geojson")
		os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.90,46.55],[4.91,46.56]]},"properties":{"materiau":"PVC","diametre":110}},
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[4.91,46.56],[4.92,46.56]]},"properties":{"materiau":"PEHD","diametre":90}}]}`), 0o644)

		editor := p.newDesk("tournus")
		if _, err := editor.ws.ImportFile(ctx, file, store.ImportOptions{Layer: "canalaep"}); err != nil {
			t.Fatal(err)
		}
		if _, err := editor.ws.ImportFile(ctx, file, store.ImportOptions{Layer: "releves_terrain"}); err != nil {
			t.Fatal(err)
		}
		sum := editor.sync()
		if sum.Push.Applied != 2 {
			t.Errorf("imported pipes: %+v", sum.Push)
		}
		if err := sum.Layers.Publish["releves_terrain"]; err == nil || !strings.Contains(err.Error(), "administrateur") {
			t.Errorf("an editor's new layer: %v", err)
		}
		if sum.Push.Rejected != 0 || sum.Push.Held["releves_terrain"] != 2 || editor.pending()[store.StatePending] != 2 {
			t.Errorf("features of the unpublished layer (held, pending): %+v %v", sum.Push, editor.pending())
		}
		if _, err := editor.ws.Layer("releves_terrain"); err != nil {
			t.Errorf("the layer is no longer kept locally: %v", err)
		}

		admin := p.newDesk("admin")
		if _, err := admin.ws.ImportFile(ctx, file, store.ImportOptions{Layer: "reseau_neuf", Title: "Réseau neuf (récolement)"}); err != nil {
			t.Fatal(err)
		}
		sum = admin.sync()
		if err, ok := sum.Layers.Publish["reseau_neuf"]; !ok || err != nil {
			t.Fatalf("publish by the admin: %v (%v)", err, sum.Layers.Publish)
		}
		if sum.Push.Applied != 2 {
			t.Errorf("features of the published layer: %+v", sum.Push)
		}
		viewer := p.newDesk("elu")
		if n := viewer.ws.Index().Len("reseau_neuf"); n != 2 {
			t.Errorf("a viewer sees %d features of the new layer", n)
		}
	})
}

// Photos attached offline reach the platform before the change that refers
// to them, and a second desk.
func TestAttachmentsTravelWithTheirChange(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := p.newDesk("agent")
		photo := []byte("\x89PNG\r\n\x1a\n une photo du poteau")
		var hash string
		d.edit(func(tx *store.Tx) error {
			var err error
			if hash, err = tx.PutBlob("poteau.png", photo); err != nil {
				return err
			}
			_, err = tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": hash}})
			return err
		})
		if sum := d.sync(); sum.Push.Applied != 1 {
			t.Fatalf("push with attachment: %+v", sum.Push)
		}
		if !p.st.Blobs().Complete(hash) {
			t.Fatal("the platform does not hold the photo")
		}
		if held, uploaded, _ := d.ws.HasBlob(ctx, hash); !held || !uploaded {
			t.Errorf("local photo held %v uploaded %v", held, uploaded)
		}
	})
}

// A photo damaged in the workspace (its bytes no longer match its hash)
// cannot be sent; it does not stop the sync: the other edits go, and the
// change that refers to it waits, refused with its reason, for the user.
func TestDamagedPhotoDoesNotStopTheSync(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		p := newPlatform(t, kind)
		d := p.newDesk("agent")
		var hash, other string
		d.edit(func(tx *store.Tx) error {
			var err error
			if hash, err = tx.PutBlob("poteau.png", []byte("\x89PNG\r\n\x1a\n une photo du poteau")); err != nil {
				return err
			}
			if _, err = tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": hash}}); err != nil {
				return err
			}
			f, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.91, 46.55}, Properties: map[string]any{"numero": "T-07"}})
			other = f.UUID
			return err
		})
		if _, err := d.ws.DB().ExecContext(ctx, `UPDATE tm_blobs SET data = ? WHERE sha256 = ?`, []byte("abîmée"), hash); err != nil {
			t.Fatal(err)
		}
		sum, err := d.c.Sync(ctx)
		if err != nil {
			t.Fatalf("a damaged photo stopped the sync: %v", err)
		}
		if sum.Push.Applied != 1 {
			t.Errorf("push: %+v, want the other hydrant applied", sum.Push)
		}
		if _, err := p.st.Feature(ctx, "pei", other); err != nil {
			t.Errorf("the other hydrant did not reach the platform: %v", err)
		}
		if waiting, _ := d.ws.PendingBlobs(ctx); len(waiting) != 1 {
			t.Errorf("%d photos waiting, want the damaged one kept", len(waiting))
		}
	})
}
