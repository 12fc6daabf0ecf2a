package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// entries lists a tree's entries, sorted, to compare trees.
func entries(t *Tree) []string {
	var out []string
	t.Scan(func(min, max [2]float32, fid int64) bool {
		out = append(out, fmt.Sprintf("%d %v %v", fid, min, max))
		return true
	})
	slices.Sort(out)
	return out
}

// A layer's tree is read from the file the first time it is asked for, not
// at open (issue 16); what was committed before holds in it, and its
// extent is known without it.
func TestIndexLoadsALayerWhenAsked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.CreateLayer(ctx, pipeSchema()); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		for i := range 300 {
			x, y := 4.8+float64(i%20)*0.003, 46.5+float64(i/20)*0.003
			if _, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{x, y}, {x + 0.001, y + 0.002}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	if ws, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	lt := ws.index.layer("canalaep")
	if lt.loaded.Load() {
		t.Fatal("the tree was loaded at open")
	}
	b, ok := ws.Index().Bound("canalaep")
	want := orb.Bound{Min: orb.Point{4.8, 46.5}, Max: orb.Point{4.8 + 19*0.003 + 0.001, 46.5 + 14*0.003 + 0.002}}
	if !ok || !b.Pad(1e-5).Contains(want.Min) || !b.Pad(1e-5).Contains(want.Max) || !want.Pad(1e-5).Contains(b.Min) || !want.Pad(1e-5).Contains(b.Max) {
		t.Errorf("Bound = %v, %v; want about %v", b, ok, want)
	}
	if lt.loaded.Load() {
		t.Error("Bound loaded the tree")
	}
	// Edits before the tree is loaded: a deletion, a move, a creation.
	all, err := ws.Query(ctx, Query{Layer: "canalaep"})
	if err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *Tx) error {
		if err := tx.Delete("canalaep", all[0].UUID); err != nil {
			return err
		}
		moved := orb.LineString{{5.2, 46.9}, {5.21, 46.91}}
		if _, err := tx.Update("canalaep", all[1].UUID, Change{Geometry: moved, SetGeometry: true}); err != nil {
			return err
		}
		_, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{5.3, 47.0}, {5.31, 47.01}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if lt.loaded.Load() {
		t.Error("an edit loaded the tree")
	}
	if n := ws.Index().Len("canalaep"); n != 300 {
		t.Errorf("Len = %d, want 300", n)
	}
	if !lt.loaded.Load() {
		t.Error("Len did not load the tree")
	}
	l, err := ws.Layer("canalaep")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := loadTreeFromNodes(ctx, ws.db, l)
	if err != nil {
		t.Fatal(err)
	}
	var found []int64
	ws.Index().Search("canalaep", orb.Bound{Min: orb.Point{5.19, 46.89}, Max: orb.Point{5.22, 46.92}}, func(fid int64) bool {
		found = append(found, fid)
		return true
	})
	if !slices.Equal(found, []int64{all[1].FID}) {
		t.Errorf("at the moved pipe's place the index finds %v, want [%d]", found, all[1].FID)
	}
	if got, want := entries(ws.Index().Snapshot("canalaep")), entries(fromFile); !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("the loaded tree holds %q where the features say %q", got[i], want[i])
				break
			}
		}
	}
	// An edit after the load reaches the tree.
	err = ws.Edit(ctx, func(tx *Tx) error { return tx.Delete("canalaep", all[2].UUID) })
	if err != nil {
		t.Fatal(err)
	}
	if n := ws.Index().Len("canalaep"); n != 299 {
		t.Errorf("Len after a deletion = %d, want 299", n)
	}
}

// A commit may land between a tree's load and its apply: its operations
// are then replayed on a tree that may hold them already, and must leave
// the same tree whether it does or not.
func TestIndexReplayIsIdempotent(t *testing.T) {
	box := func(x float32) ([2]float32, [2]float32) { return [2]float32{x, x}, [2]float32{x + 1, x + 1} }
	base := &Tree{}
	for fid := int64(1); fid <= 200; fid++ {
		min, max := box(float32(fid))
		base.Insert(min, max, fid)
	}
	op := func(kind indexOpKind, fid int64, x float32) indexOp {
		min, max := box(x)
		return indexOp{kind: kind, layer: "l", fid: fid, min: min, max: max, ok: true}
	}
	ops := []indexOp{
		op(indexInsert, 500, 42),                       // a creation
		op(indexDelete, 7, 7), op(indexInsert, 7, 300), // a move
		op(indexDelete, 9, 9),                            // a deletion
		op(indexInsert, 501, 5), op(indexDelete, 501, 5), // created then deleted
		op(indexDelete, 12, 12), op(indexInsert, 12, 12.5), // moved twice
		op(indexDelete, 12, 12.5), op(indexInsert, 12, 13),
	}
	want := base.Copy()
	applyOps(want, ops, false)
	before := base.Copy()
	applyOps(before, ops, true)
	after := want.Copy()
	applyOps(after, ops, true)
	for name, got := range map[string]*Tree{"a tree without the commit": before, "a tree with it": after} {
		if !slices.Equal(entries(got), entries(want)) {
			t.Errorf("replayed on %s: %d entries, want %d", name, got.Len(), want.Len())
		}
	}
}

// A layer whose tree cannot be read (the workspace closed) is an error to
// SnapshotOrErr, not an empty layer; once read, a snapshot holds its boxes.
func TestSnapshotOrErrTellsAnUnreadableLayer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.gpkg")
	ws, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.CreateLayer(ctx, pipeSchema()); err != nil {
		t.Fatal(err)
	}
	if err := ws.Edit(ctx, func(tx *Tx) error {
		_, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{4.9, 46.5}, {4.91, 46.51}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	ws, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := ws.Index().SnapshotOrErr("canalaep")
	if err != nil || tree == nil || tree.Len() != 1 {
		t.Fatalf("open workspace: tree %v (len %d), err %v; want one box", tree, treeLen(tree), err)
	}
	again, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if tree, err := again.Index().SnapshotOrErr("CANALAEP"); err == nil {
		t.Fatalf("closed workspace: tree of %d boxes and no error", treeLen(tree))
	}
	ws.Close()
}

func treeLen(t *Tree) int {
	if t == nil {
		return -1
	}
	return t.Len()
}
