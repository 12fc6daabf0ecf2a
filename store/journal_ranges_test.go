package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
)

// countRows counts the rows of a table of ws.
func countRows(t *testing.T, ws *Workspace, table string) int {
	t.Helper()
	var n int
	if err := ws.db.QueryRow(`SELECT count(*) FROM ` + quoteIdent(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rangedImport imports n points into a new layer «pts» of a fresh
// workspace, past the bulk threshold: their creations past it are
// journaled as ranges. It returns the workspace and the features by fid
// order.
func rangedImport(t *testing.T, n int) (*Workspace, []Feature) {
	t.Helper()
	ws := newWorkspace(t)
	ds := &formats.Dataset{Name: "pts", SRS: SRSWGS84, Fields: []formats.Field{{Name: "numero", Type: schema.Text}, {Name: "debit", Type: schema.Integer}}}
	for i := range n {
		ds.Features = append(ds.Features, formats.Feature{ID: fmt.Sprint(i), Geometry: orb.Point{4.9 + float64(i)/1e5, 46.55},
			Properties: map[string]any{"numero": fmt.Sprintf("PEI-%04d", i), "debit": int64(60 + i%7)}})
	}
	if rep, err := ws.Import(context.Background(), ds, ImportOptions{Layer: "pts"}); err != nil || rep.Features != n {
		t.Fatal(rep, err)
	}
	fs, err := ws.Query(context.Background(), Query{Layer: "pts"})
	if err != nil || len(fs) != n {
		t.Fatal(len(fs), err)
	}
	return ws, fs
}

// An import's creations kept as ranges count as pending everywhere the
// journal is counted or asked about, without being unfolded.
func TestJournalRangesCountAsPending(t *testing.T) {
	ctx := context.Background()
	const n = 3 * bulkBatch
	ws, fs := rangedImport(t, n)
	if got := countRows(t, ws, "tm_journal_ranges"); got != 1 {
		t.Fatalf("%d ranges, want 1 (the batches past the threshold are consecutive)", got)
	}
	if got := countRows(t, ws, "tm_journal"); got != 0 {
		t.Fatalf("%d entries written out, want none: the first batch is past the threshold already", got)
	}
	counts, err := ws.JournalCount(ctx)
	if err != nil || counts[StatePending] != n {
		t.Errorf("JournalCount = %v, %v; want %d pending", counts, err, n)
	}
	byLayer, err := ws.PendingByLayer(ctx)
	if err != nil || byLayer["pts"] != n {
		t.Errorf("PendingByLayer = %v, %v; want pts: %d", byLayer, err, n)
	}
	last := fs[n-1] // in the range
	err = ws.Edit(ctx, func(tx *Tx) error {
		return tx.ApplyRemote("pts", RemoteFeature{UUID: last.UUID, Version: 3, Geometry: orb.Point{5, 46}, Properties: map[string]any{}}, false)
	})
	if !errors.Is(err, ErrPendingEdits) {
		t.Errorf("ApplyRemote over a feature created in a range: %v, want ErrPendingEdits", err)
	}
	var pending []string
	err = ws.Edit(ctx, func(tx *Tx) error {
		var err error
		pending, err = tx.ApplyRemoteBatch("pts", []RemoteFeature{{UUID: fs[0].UUID, Version: 2}, {UUID: last.UUID, Version: 2}})
		return err
	})
	if err != nil || len(pending) != 2 {
		t.Errorf("ApplyRemoteBatch left %v pending (%v), want both features", pending, err)
	}
	if got := countRows(t, ws, "tm_journal_ranges"); got != 1 {
		t.Errorf("%d ranges after the questions, want 1: nothing asked for them to be unfolded", got)
	}
	// The journal read without the layer leaves its range as it is.
	if es, err := ws.JournalExcept(ctx, 0, []string{"pts"}); err != nil || len(es) != 0 {
		t.Errorf("JournalExcept(pts) = %d entries, %v", len(es), err)
	}
	if got := countRows(t, ws, "tm_journal_ranges"); got != 1 {
		t.Errorf("%d ranges after reading the journal of the other layers, want 1", got)
	}
	// Read, it is unfolded, and the counts stay the same.
	es, err := ws.Journal(ctx, 0, StatePending)
	if err != nil || len(es) != n {
		t.Fatalf("Journal = %d entries, %v; want %d", len(es), err, n)
	}
	for i, e := range es {
		if e.Op != OpCreate || e.UUID != fs[i].UUID || e.Properties["numero"] != fs[i].Properties["numero"] || !orb.Equal(e.Geometry, fs[i].Geometry) {
			t.Fatalf("entry %d = %s, want the creation of %v", i, entryString(e), fs[i])
		}
	}
	if got := countRows(t, ws, "tm_journal_ranges"); got != 0 {
		t.Errorf("%d ranges once the journal was read", got)
	}
	if counts, err := ws.JournalCount(ctx); err != nil || counts[StatePending] != n {
		t.Errorf("JournalCount once unfolded = %v, %v", counts, err)
	}
}

// A feature of a range edited, deleted or restored keeps its entries in
// the order they were made: its creation first.
func TestJournalRangeUnfoldedBeforeAnEditOfItsFeature(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(tx *Tx, f Feature) error
		ops  []Op
	}{
		{"update", func(tx *Tx, f Feature) error {
			_, err := tx.Update("pts", f.UUID, Change{Properties: map[string]any{"debit": int64(120)}})
			return err
		}, []Op{OpCreate, OpUpdate}},
		{"delete", func(tx *Tx, f Feature) error { return tx.Delete("pts", f.UUID) }, []Op{OpCreate, OpDelete}},
		{"delete then restore", func(tx *Tx, f Feature) error {
			if err := tx.Delete("pts", f.UUID); err != nil {
				return err
			}
			_, err := tx.Restore(f)
			return err
		}, []Op{OpCreate}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, fs := rangedImport(t, 2*bulkBatch)
			f := fs[len(fs)-2]
			if err := ws.Edit(ctx, func(tx *Tx) error { return tc.edit(tx, f) }); err != nil {
				t.Fatal(err)
			}
			es, err := ws.FeatureJournal(ctx, "pts", f.UUID)
			if err != nil {
				t.Fatal(err)
			}
			var ops []Op
			for _, e := range es {
				ops = append(ops, e.Op)
			}
			if fmt.Sprint(ops) != fmt.Sprint(tc.ops) {
				t.Errorf("entries of the feature: %v, want %v", ops, tc.ops)
			}
			if es[0].Properties["debit"] != f.Properties["debit"] {
				t.Errorf("its creation has debit %v, want %v (the value it was imported with)", es[0].Properties["debit"], f.Properties["debit"])
			}
			if counts, err := ws.JournalCount(ctx); err != nil || counts[StatePending] != len(fs)+len(tc.ops)-1 {
				t.Errorf("JournalCount = %v, %v; want %d pending", counts, err, len(fs)+len(tc.ops)-1)
			}
		})
	}
}

// A feature's creation in a range dropped with its journal (the user gave
// up its local edits) leaves the range's other features pending.
func TestDropFeatureJournalOfARangedFeature(t *testing.T) {
	ctx := context.Background()
	ws, fs := rangedImport(t, 2*bulkBatch)
	if err := ws.Edit(ctx, func(tx *Tx) error { return tx.DropFeatureJournal("pts", fs[len(fs)-1].UUID) }); err != nil {
		t.Fatal(err)
	}
	if es, err := ws.FeatureJournal(ctx, "pts", fs[len(fs)-1].UUID); err != nil || len(es) != 0 {
		t.Errorf("journal of the dropped feature: %d entries, %v", len(es), err)
	}
	if counts, err := ws.JournalCount(ctx); err != nil || counts[StatePending] != len(fs)-1 {
		t.Errorf("JournalCount = %v, %v; want %d pending", counts, err, len(fs)-1)
	}
}

// A new field added to a layer after an import does not reach the
// creations the import journaled: they are unfolded before, as they were
// made.
func TestJournalRangeUnfoldedBeforeASchemaChange(t *testing.T) {
	ctx := context.Background()
	ws, fs := rangedImport(t, 2*bulkBatch)
	l, err := ws.Layer("pts")
	if err != nil {
		t.Fatal(err)
	}
	next := l.Schema
	next.Fields = append(append([]schema.Field{}, next.Fields...), schema.Field{Name: "etat", Type: schema.Text, Default: "bon"})
	if err := ws.UpdateLayerSchema(ctx, next); err != nil {
		t.Fatal(err)
	}
	es, err := ws.Journal(ctx, 0)
	if err != nil || len(es) != len(fs) {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	for _, e := range es {
		if _, ok := e.Properties["etat"]; ok {
			t.Fatalf("entry of %s has the field added after the import: %s", e.UUID, entryString(e))
		}
	}
}

// A workspace opened read-only counts an import's ranges but cannot
// unfold them: reading its pending entries says so rather than leave them
// out.
func TestJournalRangesReadOnly(t *testing.T) {
	ctx := context.Background()
	ws, fs := rangedImport(t, 2*bulkBatch)
	path := ws.path
	ws.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if counts, err := ro.JournalCount(ctx); err != nil || counts[StatePending] != len(fs) {
		t.Errorf("JournalCount = %v, %v", counts, err)
	}
	if _, err := ro.Journal(ctx, 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Journal on a read-only workspace with ranges: %v, want ErrReadOnly", err)
	}
	if _, err := ro.FeatureJournal(ctx, "pts", fs[len(fs)-1].UUID); !errors.Is(err, ErrReadOnly) {
		t.Errorf("FeatureJournal of a ranged feature, read-only: %v, want ErrReadOnly", err)
	}
	if es, err := ro.Journal(ctx, 0, StateRejected); err != nil || len(es) != 0 {
		t.Errorf("rejected entries: %d, %v", len(es), err)
	}
}
