package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/mapview/mapui"
	"terrimap/store"
)

// Edit a hydrant's value, move it with the reshaping tool, delete it: Ctrl+Z
// takes each back in turn, Ctrl+Y makes them again, and every step is in the
// workspace (and its journal), not only on screen.
func TestUndoRedoEdits(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "undo.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	v := m.view
	ctx := context.Background()
	at := orb.Point{4.910, 46.564}
	vp := mapview.Viewport{Center: at, Zoom: 16, Width: 800, Height: 600, Scale: 1}
	hits, err := v.s.tiles.HitTest(ctx, vp, vp.LonLatToPixel(at), 6)
	if err != nil || len(hits) == 0 {
		t.Fatalf("hit test: %v %v", hits, err)
	}
	v.identified(at, hits)
	q.runUntil(t, func() bool { return v.selected != nil })
	orig := *v.selected
	get := func() (store.Feature, bool) {
		f, err := v.s.ws.Get(ctx, orig.Layer, orig.UUID)
		return f, err == nil
	}

	// 1. A value.
	v.feature.save(map[string]any{"debit": 91.0})
	q.runUntil(t, func() bool { return len(v.history.done) == 1 })
	if f, _ := get(); f.Properties["debit"] != 91.0 {
		t.Fatalf("the value was not saved: %v", f.Properties["debit"])
	}
	// 2. The shape, with the reshaping tool.
	v.setTool(mapui.ToolEdit)
	if v.mapw.EditTarget.FID != orig.FID {
		t.Fatalf("the reshaping tool edits %+v, not the selected hydrant", v.mapw.EditTarget)
	}
	moved := orb.Point{4.9102, 46.5641}
	v.mapw.OnVertexEdited(v.mapw.EditTarget, moved)
	q.runUntil(t, func() bool { return len(v.history.done) == 2 })
	if f, _ := get(); !orb.Equal(f.Geometry, moved) {
		t.Fatalf("the new shape was not saved: %v", f.Geometry)
	}
	// 3. Deleted.
	if err := v.s.ws.Edit(ctx, func(tx *store.Tx) error { return tx.Delete(orig.Layer, orig.UUID) }); err != nil {
		t.Fatal(err)
	}
	last := v.history.done[len(v.history.done)-1].after
	v.edited(last, store.Feature{Layer: orig.Layer})

	// The keys, as the window's shortcuts get them.
	shortcuts := m.window.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
	ctrl := func(k fyne.KeyName, mods fyne.KeyModifier) {
		t.Helper()
		shortcuts.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: mods})
		q.runUntil(t, func() bool { return !v.reverting })
	}
	ctrl(fyne.KeyZ, fyne.KeyModifierShortcutDefault) // the deletion
	if f, ok := get(); !ok || !orb.Equal(f.Geometry, moved) || f.Properties["debit"] != 91.0 {
		t.Fatalf("after undoing the deletion: %+v %v", f, ok)
	}
	ctrl(fyne.KeyZ, fyne.KeyModifierShortcutDefault) // the move
	if f, _ := get(); !orb.Equal(f.Geometry, orig.Geometry) {
		t.Fatalf("after undoing the move: %v, want %v", f.Geometry, orig.Geometry)
	}
	ctrl(fyne.KeyZ, fyne.KeyModifierShortcutDefault) // the value
	if f, _ := get(); f.Properties["debit"] != orig.Properties["debit"] {
		t.Fatalf("after undoing the value: debit %v, want %v", f.Properties["debit"], orig.Properties["debit"])
	}
	v.undo() // nothing left
	if v.reverting {
		t.Fatal("undo with nothing to undo started something")
	}
	ctrl(fyne.KeyY, fyne.KeyModifierShortcutDefault)                       // the value again
	ctrl(fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift) // the move again
	if f, _ := get(); f.Properties["debit"] != 91.0 || !orb.Equal(f.Geometry, moved) {
		t.Fatalf("after redoing: %+v", f)
	}
	ctrl(fyne.KeyY, fyne.KeyModifierShortcutDefault) // the deletion again
	if _, ok := get(); ok {
		t.Fatal("redoing the deletion left the hydrant")
	}
	// The journal holds what the platform must hear: this hydrant's
	// edits, ending with its deletion.
	es, err := v.s.ws.FeatureJournal(ctx, orig.Layer, orig.UUID)
	if err != nil || len(es) == 0 || es[len(es)-1].Op != store.OpDelete {
		t.Fatalf("journal of the hydrant: %+v %v", es, err)
	}
}
