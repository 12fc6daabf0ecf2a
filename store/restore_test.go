package store

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

// Undoing a deletion: before it is sent, it is taken back (same id, no
// journal entry left for it); after the platform applied it, the feature
// comes back as a new one.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	remote := RemoteFeature{UUID: "01920000-0000-7000-8000-0000000000aa", Version: 3, Geometry: orb.Point{4.91, 46.56},
		Properties: map[string]any{"nom": "PI 7", "type_pei": "BI"}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", remote, false) }))
	before, err := ws.Get(ctx, "pei", remote.UUID)
	must(err)
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("pei", remote.UUID) }))

	var restored Feature
	must(ws.Edit(ctx, func(tx *Tx) error {
		var err error
		restored, err = tx.Restore(before)
		return err
	}))
	if restored.UUID != before.UUID || restored.Version != 3 || restored.Properties["nom"] != "PI 7" {
		t.Fatalf("restored %+v, want the feature as it was", restored)
	}
	if n := pendingCount(t, ws); n != 0 {
		t.Fatalf("%d journal entries left: the deletion should be taken back", n)
	}
	if got, err := ws.Query(ctx, Query{Layer: "pei", Bound: &orb.Bound{Min: orb.Point{4.9, 46.55}, Max: orb.Point{4.92, 46.57}}}); err != nil || len(got) != 1 {
		t.Fatalf("the restored feature is not found where it was (%d, %v)", len(got), err)
	}
	// Restoring what exists is refused.
	err = ws.Edit(ctx, func(tx *Tx) error { _, err := tx.Restore(before); return err })
	if !errors.Is(err, ErrFeatureExists) {
		t.Fatalf("restoring an existing feature: %v", err)
	}
	// A deletion already acknowledged: the feature comes back as a new one.
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("pei", remote.UUID) }))
	must(ws.Edit(ctx, func(tx *Tx) error { _, err := tx.SQL().ExecContext(ctx, `DELETE FROM tm_journal`); return err }))
	must(ws.Edit(ctx, func(tx *Tx) error {
		var err error
		restored, err = tx.Restore(before)
		return err
	}))
	if restored.UUID == before.UUID || restored.Version != 0 || restored.Properties["nom"] != "PI 7" {
		t.Fatalf("restored %+v, want a new feature with the same values", restored)
	}
	if n := pendingCount(t, ws); n != 1 {
		t.Fatalf("%d journal entries, want the new feature's creation", n)
	}
}

func pendingCount(t *testing.T, ws *Workspace) int {
	t.Helper()
	es, err := ws.Pending(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// A feature pulled back as it already is (after its own push) is not
// written again; a changed one is.
func TestApplyRemoteSkipsWhatIsAlreadySo(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	rf := RemoteFeature{UUID: "01920000-0000-7000-8000-0000000000bb", Version: 2, Geometry: orb.Point{4.91, 46.56},
		Properties: map[string]any{"nom": "PI 9", "type_pei": "PI", "debit": 60.0}}
	apply := func(rf RemoteFeature) {
		t.Helper()
		if err := ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", rf, false) }); err != nil {
			t.Fatal(err)
		}
	}
	apply(rf)
	for _, q := range []string{`CREATE TABLE updates (n INTEGER)`, `CREATE TRIGGER count_updates AFTER UPDATE ON pei BEGIN INSERT INTO updates VALUES (1); END`} {
		if _, err := ws.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	updates := func() (n int) {
		ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM updates`).Scan(&n)
		return n
	}
	apply(rf)
	if n := updates(); n != 0 {
		t.Fatalf("the same version applied again wrote %d updates", n)
	}
	rf.Properties = map[string]any{"nom": "PI 9", "type_pei": "PI", "debit": 75.0}
	apply(rf) // same version number, other content: written
	rf.Version = 3
	apply(rf)
	if n := updates(); n == 0 {
		t.Fatal("a changed feature was not written")
	}
	if f, _ := ws.Get(ctx, "pei", rf.UUID); f.Properties["debit"] != 75.0 || f.Version != 3 {
		t.Fatalf("feature after the changes: %+v", f)
	}
}
