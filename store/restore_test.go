package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// Undoing a deletion. A feature the platform never had comes back with
// its id, its deletion taken back (the platform hears of neither). A
// feature the platform has comes back as a new feature, its deletion kept
// in the journal: it may be on its way to the platform already, and only
// the platform's acknowledgement removes a journal entry.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	restore := func(f Feature) Feature {
		t.Helper()
		var out Feature
		must(ws.Edit(ctx, func(tx *Tx) error {
			var err error
			out, err = tx.Restore(f)
			return err
		}))
		return out
	}
	journal := func(id string) []Op {
		t.Helper()
		es, err := ws.FeatureJournal(ctx, "pei", id)
		must(err)
		var ops []Op
		for _, e := range es {
			ops = append(ops, e.Op)
		}
		return ops
	}

	// Made here, deleted, restored: as if never deleted.
	var local Feature
	must(ws.Edit(ctx, func(tx *Tx) error {
		var err error
		local, err = tx.Create("pei", Feature{Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"nom": "PI 8", "type_pei": "PI"}})
		return err
	}))
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("pei", local.UUID) }))
	back := restore(local)
	if back.UUID != local.UUID || back.Properties["nom"] != "PI 8" || fmt.Sprint(journal(local.UUID)) != "[create]" {
		t.Fatalf("restored %+v with journal %v, want the same feature, its creation alone waiting", back, journal(local.UUID))
	}
	if got, err := ws.Query(ctx, Query{Layer: "pei", Bound: &orb.Bound{Min: orb.Point{4.9, 46.55}, Max: orb.Point{4.92, 46.57}}}); err != nil || len(got) != 1 {
		t.Fatalf("the restored feature is not found where it was (%d, %v)", len(got), err)
	}
	// Restoring what exists is refused.
	if err := ws.Edit(ctx, func(tx *Tx) error { _, err := tx.Restore(local); return err }); !errors.Is(err, ErrFeatureExists) {
		t.Fatalf("restoring an existing feature: %v", err)
	}

	// The platform's feature, deleted, restored: a new feature; the
	// deletion still waits to be sent.
	remote := RemoteFeature{UUID: "01920000-0000-7000-8000-0000000000aa", Version: 3, Geometry: orb.Point{4.95, 46.58},
		Properties: map[string]any{"nom": "PI 7", "type_pei": "BI"}}
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.ApplyRemote("pei", remote, false) }))
	before, err := ws.Get(ctx, "pei", remote.UUID)
	must(err)
	must(ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("pei", remote.UUID) }))
	back = restore(before)
	if back.UUID == before.UUID || back.Version != 0 || back.Properties["nom"] != "PI 7" {
		t.Fatalf("restored %+v, want a new feature with the same values", back)
	}
	if fmt.Sprint(journal(remote.UUID)) != "[delete]" || fmt.Sprint(journal(back.UUID)) != "[create]" {
		t.Fatalf("journal: old %v, new %v", journal(remote.UUID), journal(back.UUID))
	}
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
	if n := updates(); n == 0 {
		t.Fatal("the same version with other values was not written")
	}
	rf.Version = 3
	apply(rf)
	if f, _ := ws.Get(ctx, "pei", rf.UUID); f.Properties["debit"] != 75.0 || f.Version != 3 {
		t.Fatalf("feature after the changes: %+v", f)
	}
}
