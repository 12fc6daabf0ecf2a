package store

import (
	"context"
	"errors"
	"path/filepath"
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

// A bulk import lists each row it created, in order; one that created
// more rows than the log keeps moves the mark by as many and makes every
// reader behind it read everything again (no mark falls inside a
// transaction, so none of its rows would be read).
func TestWrittenSinceListsABulkImport(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	_, mark, _ := ws.WrittenSince(0)
	path := filepath.Join(t.TempDir(), "pei.geojson")
	writeHydrants(t, path, 2*bulkThreshold, "")
	if _, err := ws.ImportFile(ctx, path, ImportOptions{Layer: "pei"}); err != nil {
		t.Fatal(err)
	}
	rows, next, complete := ws.WrittenSince(mark)
	if !complete || len(rows) != 2*bulkThreshold || next != mark+2*bulkThreshold {
		t.Fatalf("%d rows, mark %d → %d, complete %v", len(rows), mark, next, complete)
	}
	for i, r := range rows {
		if r != (Written{Layer: "pei", FID: int64(i + 1)}) {
			t.Fatalf("row %d: %+v", i, r)
		}
	}

	tx := &Tx{newLayers: []*Layer{{Schema: hydrantSchema()}}, writtenRows: []Written{{Layer: "pei", FID: 1}},
		bulkRows: []fidRange{{"pei", 2, writtenLogSize}, {"pei", writtenLogSize + 10, writtenLogSize + 19}}}
	ws.written.addAfter(tx.writtenOf())
	if _, now, complete := ws.WrittenSince(next); complete || now != next+writtenLogSize+11 {
		t.Fatalf("behind a transaction larger than the log: mark %d → %d, complete %v", next, now, complete)
	}
}
