package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

func TestCreateGetUpdateDelete(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	var f Feature
	err := ws.Edit(ctx, func(tx *Tx) error {
		var err error
		f, err = tx.Create("pei", Feature{Geometry: orb.Point{4.9106, 46.5614}, Properties: map[string]any{
			"nom": "Église Saint-Philibert", "debit": "60", "date_ct": "2023-05-04", "nb_ct": 3.0,
		}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ws.Get(ctx, "pei", f.UUID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"nom": "Église Saint-Philibert", "type_pei": "PI", "debit": 60.0, "press_dyn": nil,
		"disponible": true, "date_ct": "2023-05-04", "nb_ct": int64(3), "maj": nil}
	for k, v := range want {
		if got.Properties[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got.Properties[k], v)
		}
	}
	if !orb.Equal(got.Geometry, orb.Point{4.9106, 46.5614}) || got.Version != 0 {
		t.Errorf("geometry %v version %d", got.Geometry, got.Version)
	}

	// An update journals only what changed.
	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", f.UUID, Change{Properties: map[string]any{"nom": "Église Saint-Philibert", "debit": 75}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ws.Pending(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Op != OpCreate || entries[1].Op != OpUpdate {
		t.Fatalf("journal = %+v", entries)
	}
	if len(entries[1].Properties) != 1 || entries[1].Properties["debit"] != 75.0 || entries[1].GeometryChanged {
		t.Errorf("update entry = %+v", entries[1])
	}
	if entries[0].Properties["nb_ct"] != int64(3) || !orb.Equal(entries[0].Geometry, orb.Point{4.9106, 46.5614}) {
		t.Errorf("create entry = %+v", entries[0])
	}

	// A no-op update writes nothing.
	ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", f.UUID, Change{Properties: map[string]any{"debit": 75.0}})
		return err
	})
	if entries, _ := ws.Pending(ctx, 0); len(entries) != 2 {
		t.Errorf("no-op update journaled: %d entries", len(entries))
	}

	// Moving it updates both R-trees.
	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", f.UUID, Change{Geometry: orb.Point{4.92, 46.57}, SetGeometry: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countIndex(ws, "pei", orb.Bound{Min: orb.Point{4.919, 46.569}, Max: orb.Point{4.921, 46.571}}); n != 1 {
		t.Errorf("index after move: %d hits at new place", n)
	}
	if n := countIndex(ws, "pei", orb.Bound{Min: orb.Point{4.91, 46.561}, Max: orb.Point{4.911, 46.562}}); n != 0 {
		t.Errorf("index after move: %d hits at old place", n)
	}
	inBox, err := ws.Query(ctx, Query{Layer: "pei", Bound: &orb.Bound{Min: orb.Point{4.919, 46.569}, Max: orb.Point{4.921, 46.571}}})
	if err != nil || len(inBox) != 1 {
		t.Errorf("SQL rtree query: %d, %v", len(inBox), err)
	}

	if err := ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("pei", f.UUID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Get(ctx, "pei", f.UUID); !errors.Is(err, ErrFeatureNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if ws.Index().Len("pei") != 0 {
		t.Errorf("index still holds %d", ws.Index().Len("pei"))
	}
	entries, _ = ws.Pending(ctx, 0)
	if len(entries) != 4 || entries[3].Op != OpDelete || entries[3].BaseVersion != 0 {
		t.Errorf("journal after delete = %+v", entries)
	}
}

func countIndex(ws *Workspace, layer string, b orb.Bound) int {
	n := 0
	ws.Index().Search(layer, b, func(int64) bool { n++; return true })
	return n
}

func TestValidationChangesNothing(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	cases := []struct {
		name  string
		feat  Feature
		field string
	}{
		{"unknown code", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"type_pei": "XX"}}, "type_pei"},
		{"not a number", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"debit": "beaucoup"}}, "debit"},
		{"bad date", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"date_ct": "31/02/2023x"}}, "date_ct"},
		{"required emptied", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"type_pei": ""}}, "type_pei"},
		{"unknown field", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"couleur": "rouge"}}, "couleur"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ws.Edit(ctx, func(tx *Tx) error {
				_, err := tx.Create("pei", c.feat)
				return err
			})
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidProperties) || ve.Fields[0].Field != c.field {
				t.Fatalf("err = %v, want a validation error on %s", err, c.field)
			}
		})
	}
	badGeoms := map[string]orb.Geometry{
		"line in point layer": orb.LineString{{4.9, 46.5}, {4.91, 46.5}},
		"lambert coordinates": orb.Point{849000, 6614000},
	}
	for name, g := range badGeoms {
		err := ws.Edit(ctx, func(tx *Tx) error {
			_, err := tx.Create("pei", Feature{Geometry: g})
			return err
		})
		if !errors.Is(err, ErrInvalidGeometry) || !errors.Is(err, schema.ErrInvalidGeometry) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	counts, _ := ws.LayerCounts(ctx)
	entries, _ := ws.Pending(ctx, 0)
	if counts["pei"] != 0 || len(entries) != 0 {
		t.Errorf("refused edits left %d features and %d journal entries", counts["pei"], len(entries))
	}
}

func TestEditRollsBackAsAWhole(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	boom := errors.New("boom")
	err := ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 10; i++ {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}}); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	counts, _ := ws.LayerCounts(ctx)
	entries, _ := ws.Pending(ctx, 0)
	if counts["pei"] != 0 || len(entries) != 0 || ws.Index().Len("pei") != 0 {
		t.Errorf("rolled-back edit left %d features, %d entries, %d index entries", counts["pei"], len(entries), ws.Index().Len("pei"))
	}
}

// An edit whose context ends while it writes fails with the context's
// error and leaves nothing, its transaction ended by Edit alone: bound to
// the context, database/sql rolled it back on a goroutine of its own as
// soon as the context ended, the next statement failed with «sql:
// statement is closed» (a cancelled import read so at times, not «Import
// cancelled») and the file stayed locked a while after Edit returned.
func TestEditCancelledSaysSo(t *testing.T) {
	ws := newWorkspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := ws.Edit(ctx, func(tx *Tx) error {
		if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}}); err != nil {
			return err
		}
		cancel()
		// Time for database/sql's goroutine to roll back a transaction
		// bound to ctx, were it.
		time.Sleep(50 * time.Millisecond)
		if _, err := tx.tx.ExecContext(context.Background(), "SELECT 1"); err != nil {
			t.Errorf("the transaction ended before the edit did: %v", err)
		}
		_, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want %v", err, context.Canceled)
	}
	if counts, _ := ws.LayerCounts(context.Background()); counts["pei"] != 0 {
		t.Errorf("the cancelled edit left %d features", counts["pei"])
	}
}

func TestReadOnlyFieldAndLayer(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	var f Feature
	ws.Edit(ctx, func(tx *Tx) (err error) {
		f, err = tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}})
		return err
	})
	err := ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", f.UUID, Change{Properties: map[string]any{"maj": "2024-01-01T00:00:00Z"}})
		return err
	})
	if !errors.Is(err, schema.ErrReadOnlyField) {
		t.Errorf("read-only field: %v", err)
	}
	ro := pipeSchema()
	ro.Name, ro.ReadOnly = "zones", true
	if _, err := ws.CreateLayer(ctx, ro); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Create("zones", Feature{Geometry: orb.LineString{{4.9, 46.5}, {4.91, 46.5}}})
		return err
	})
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only layer: %v", err)
	}
}

func TestSearchIgnoresCaseAndAccents(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	names := []string{"Église Saint-Philibert", "Place de l'Hôtel de Ville", "Mâcon road", "ECOLE", "100%_sûr"}
	ws.Edit(ctx, func(tx *Tx) error {
		for _, n := range names {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"nom": n}}); err != nil {
				return err
			}
		}
		return nil
	})
	cases := []struct {
		q    Query
		want int
	}{
		{Query{Layer: "pei", Text: "eglise"}, 1},
		{Query{Layer: "pei", Text: "HOTEL"}, 1},
		{Query{Layer: "pei", Text: "macon"}, 1},
		{Query{Layer: "pei", Text: "e"}, 3},
		{Query{Layer: "pei", Text: "%_"}, 1},
		{Query{Layer: "pei", Prefix: map[string]string{"nom": "ec"}}, 1},
		{Query{Layer: "pei", Prefix: map[string]string{"nom": "égl"}}, 1},
		{Query{Layer: "pei", Equals: map[string]any{"nom": "ECOLE"}}, 1},
		{Query{Layer: "pei", Equals: map[string]any{"type_pei": "PI"}, Text: "place"}, 1},
		{Query{Layer: "pei", Limit: 2}, 2},
	}
	for _, c := range cases {
		got, err := ws.Query(ctx, c.q)
		if err != nil || len(got) != c.want {
			t.Errorf("%+v: %d results (%v), want %d", c.q, len(got), err, c.want)
		}
	}
}

func TestApplyRemoteRespectsPendingEdits(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	remote := RemoteFeature{UUID: "6f1c2a4e-0000-4000-8000-000000000001", Version: 3, Geometry: orb.Point{4.9, 46.5},
		Properties: map[string]any{"nom": "du serveur", "type_pei": "BI", "debit": 30}}
	if err := ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", remote, false) }); err != nil {
		t.Fatal(err)
	}
	f, err := ws.Get(ctx, "pei", remote.UUID)
	if err != nil || f.Version != 3 || f.Properties["debit"] != 30.0 {
		t.Fatalf("remote feature = %+v, %v", f, err)
	}
	if entries, _ := ws.Pending(ctx, 0); len(entries) != 0 {
		t.Fatalf("remote change journaled: %+v", entries)
	}
	// A local edit, then a remote change for the same feature: refused, reported.
	ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", remote.UUID, Change{Properties: map[string]any{"nom": "local"}})
		return err
	})
	remote.Version, remote.Properties["nom"] = 4, "serveur v4"
	err = ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", remote, false) })
	if !errors.Is(err, ErrPendingEdits) {
		t.Fatalf("err = %v, want ErrPendingEdits", err)
	}
	if f, _ := ws.Get(ctx, "pei", remote.UUID); f.Properties["nom"] != "local" || f.Version != 3 {
		t.Errorf("local edit overwritten: %+v", f)
	}
	// Remote deletion of a feature with no local edits.
	other := RemoteFeature{UUID: "6f1c2a4e-0000-4000-8000-000000000002", Version: 1, Geometry: orb.Point{4.95, 46.55}}
	ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", other, false) })
	other.Deleted = true
	if err := ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", other, false) }); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Get(ctx, "pei", other.UUID); !errors.Is(err, ErrFeatureNotFound) {
		t.Errorf("remote delete: %v", err)
	}
	if ws.Index().Len("pei") != 1 {
		t.Errorf("index holds %d, want 1", ws.Index().Len("pei"))
	}
}

func TestAcknowledgeRemovesOnlyThoseEntries(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	ws.Edit(ctx, func(tx *Tx) error {
		for i := 0; i < 3; i++ {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}}); err != nil {
				return err
			}
		}
		return nil
	})
	entries, _ := ws.Pending(ctx, 0)
	err := ws.Edit(ctx, func(tx *Tx) error {
		if err := tx.SetJournalState(entries[2].ChangeID, StateRejected, "hors du territoire"); err != nil {
			return err
		}
		return tx.Acknowledge(entries[0].ChangeID)
	})
	if err != nil {
		t.Fatal(err)
	}
	counts, _ := ws.JournalCount(ctx)
	if counts[StatePending] != 1 || counts[StateRejected] != 1 {
		t.Errorf("counts = %v", counts)
	}
	rejected, _ := ws.Journal(ctx, 0, StateRejected)
	if len(rejected) != 1 || rejected[0].Reason != "hors du territoire" {
		t.Errorf("rejected = %+v", rejected)
	}
}
