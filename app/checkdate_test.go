package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"terrimap/store"
)

func TestCheckDateUpdate(t *testing.T) {
	l := hydrantLayer()
	for _, tc := range []struct {
		name   string
		stored any
		date   string
		want   any // nil: no change
	}{
		{"never checked", nil, "2026-12-03", "2026-12-03"},
		{"newer", "2025-09-01", "2026-12-03", "2026-12-03"},
		{"the same day", "2026-12-03", "2026-12-03", nil},
		{"older", "2026-12-04", "2026-12-03", nil},
		{"unreadable stored date", "hier", "2026-12-03", "2026-12-03"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, ok := checkDateUpdate(l, map[string]any{"date_ct": tc.stored}, tc.date)
			if tc.want == nil {
				if ok {
					t.Errorf("changes %v", set)
				}
				return
			}
			if !ok || set["date_ct"] != tc.want {
				t.Errorf("got %v %v, want date_ct %v", set, ok, tc.want)
			}
		})
	}
	noCheckField := l
	noCheckField.Fields = noCheckField.Fields[:2]
	if _, ok := checkDateUpdate(noCheckField, nil, "2026-12-03"); ok {
		t.Error("a layer without date_ct changed")
	}
	for props, want := range map[[3]string]bool{
		{"controle", "terminee", "2026-12-03"}:  true,
		{"controle", "planifiee", "2026-12-03"}: false,
		{"entretien", "terminee", "2026-12-03"}: false,
		{"controle", "terminee", ""}:            false,
		{"controle", "terminee", "pas de date"}: false,
	} {
		if _, got := completedCheckDate(map[string]any{"type": props[0], "statut": props[1], "date": props[2]}); got != want {
			t.Errorf("%v: a completed check %v, want %v", props, got, want)
		}
	}
}

// A completed check recorded on T-02 moves its last-check date, in the
// same transaction and journal as the intervention, says so, and one
// undo takes both back (one redo makes both again). An older check
// changes nothing.
func TestCompletedCheckUpdatesTheHydrant(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "controle.gpkg"))
	v := m.view
	ctx := context.Background()
	var status string
	v.setStatus = func(s string) { status = s }
	v.feature.maint.onStatus = v.setStatus
	t02 := hydrant(t, v.s.ws, "T-02") // last checked 2025-09-01
	v.pick(t02)
	sec := v.feature.maint
	q.runUntil(t, func() bool { return len(sec.items) == 1 })
	before, _ := v.s.ws.Pending(ctx, 0)

	record := func(date string) *interventionDialog {
		t.Helper()
		sec.create()
		d := sec.opened
		editorOf(t, d.form, "date").set(date)
		editorOf(t, d.form, "type").set("controle")
		editorOf(t, d.form, "statut").set("terminee")
		n := len(v.history.done)
		d.form.submit()
		q.runUntil(t, func() bool { return len(v.history.done) == n+1 })
		return d
	}
	d := record("2026-12-03")
	if got := hydrant(t, v.s.ws, "T-02").Properties["date_ct"]; got != "2026-12-03" {
		t.Fatalf("date_ct after the check: %v", got)
	}
	want := "Poteau d'incendie n° T-02 : date du dernier contrôle mise à jour au 03/12/2026."
	if status != want {
		t.Errorf("status %q, want %q", status, want)
	}
	after, _ := v.s.ws.Pending(ctx, 0)
	added := after[len(before):]
	if len(added) != 2 || added[0].Layer != "interventions" || added[0].Op != store.OpCreate ||
		added[1].Layer != "pei" || added[1].Op != store.OpUpdate || added[1].UUID != t02.UUID || added[1].Properties["date_ct"] != "2026-12-03" {
		t.Fatalf("journal: %+v", added)
	}

	// Undo takes both back: Ctrl+Z as the desktop driver hands it over
	// (fyne.ShortcutUndo, not a custom Ctrl+Z).
	shortcuts := m.window.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
	shortcuts.TypedShortcut(&fyne.ShortcutUndo{})
	q.runUntil(t, func() bool { return !v.reverting })
	if got := hydrant(t, v.s.ws, "T-02").Properties["date_ct"]; got != "2025-09-01" {
		t.Errorf("date_ct after undo: %v", got)
	}
	if _, err := v.s.ws.Get(ctx, "interventions", d.feature.UUID); err == nil {
		t.Error("the intervention is still there after undo")
	}
	shortcuts.TypedShortcut(&fyne.ShortcutRedo{})
	q.runUntil(t, func() bool { return !v.reverting })
	if got := hydrant(t, v.s.ws, "T-02").Properties["date_ct"]; got != "2026-12-03" {
		t.Errorf("date_ct after redo: %v", got)
	}
	if _, err := v.s.ws.Get(ctx, "interventions", d.feature.UUID); err != nil {
		t.Errorf("the intervention is not back after redo: %v", err)
	}

	// An older check leaves the date.
	v.pick(hydrant(t, v.s.ws, "T-02"))
	q.runUntil(t, func() bool { return len(sec.items) == 2 })
	record("2026-01-15")
	if got := hydrant(t, v.s.ws, "T-02").Properties["date_ct"]; got != "2026-12-03" {
		t.Errorf("an older check moved date_ct to %v", got)
	}
}
