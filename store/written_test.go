package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// Every way a feature row is written — a local edit of its fields only, a
// creation, a deletion, the platform's versions — is listed once committed,
// and a rolled-back transaction lists nothing.
func TestWrittenSinceListsCommittedRows(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	_, mark, complete := ws.WrittenSince(0)
	if !complete || mark != 2 { // the two layers created
		t.Fatalf("after the layers: mark %d, complete %v", mark, complete)
	}
	var a Feature
	err := ws.Edit(ctx, func(tx *Tx) error {
		var err error
		a, err = tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}, Properties: map[string]any{"nom": "A"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, mark, complete := ws.WrittenSince(mark)
	if want := []Written{{Layer: "pei", FID: a.FID}}; !complete || !slices.Equal(rows, want) {
		t.Fatalf("after a creation: %v %v, want %v", rows, complete, want)
	}

	err = ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Update("pei", a.UUID, Change{Properties: map[string]any{"nom": "B"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, mark, _ = ws.WrittenSince(mark)
	if want := []Written{{Layer: "pei", FID: a.FID}}; !slices.Equal(rows, want) {
		t.Fatalf("after a change of a field: %v, want %v", rows, want)
	}

	failed := errors.New("given up")
	_ = ws.Edit(ctx, func(tx *Tx) error {
		if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5}}); err != nil {
			return err
		}
		return failed
	})
	if rows, _, _ := ws.WrittenSince(mark); len(rows) != 0 {
		t.Fatalf("a rolled-back transaction lists %v", rows)
	}

	err = ws.Edit(ctx, func(tx *Tx) error {
		if _, err := tx.ApplyRemoteBatch("canalaep", []RemoteFeature{{UUID: NewID(), Version: 1, Geometry: orb.LineString{{4.9, 46.5}, {4.91, 46.5}}}}); err != nil {
			return err
		}
		return tx.Delete("pei", a.UUID)
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, _ = ws.WrittenSince(mark)
	if len(rows) != 2 || rows[0].Layer != "canalaep" || rows[1] != (Written{Layer: "pei", FID: a.FID}) {
		t.Fatalf("after a download and a deletion: %v", rows)
	}
}

// A reader that fell behind the log, or holds a mark from elsewhere, is
// told to read everything again.
func TestWrittenSinceFallsBehind(t *testing.T) {
	var ws Workspace
	rows := make([]Written, writtenLogSize+1)
	ws.written.add(rows[:10])
	if _, mark, complete := ws.WrittenSince(0); !complete || mark != 10 {
		t.Fatalf("mark %d complete %v", mark, complete)
	}
	ws.written.add(rows)
	if _, mark, complete := ws.WrittenSince(10); complete || mark != writtenLogSize+11 {
		t.Fatalf("behind the log: mark %d complete %v", mark, complete)
	}
	if got, _, complete := ws.WrittenSince(11); !complete || len(got) != writtenLogSize {
		t.Fatalf("at the log's start: %d rows, complete %v", len(got), complete)
	}
	if _, _, complete := ws.WrittenSince(1 << 40); complete {
		t.Fatal("a mark ahead of the log is taken as complete")
	}
}
