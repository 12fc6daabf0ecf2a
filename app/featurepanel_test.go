package app

import (
	"context"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"terrimap/store"
)

// A hydrant whose optional date is empty — as on 222 of Tournus' 235 —
// saves with one tap on «Enregistrer»: the edit reaches the journal and the
// save bar says it is saved.
func TestPanelSavesHydrantWithEmptyOptionalDate(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "tournus.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	v := m.view
	ctx := context.Background()
	t02 := hydrant(t, v.s.ws, "T-02")
	if t02.Properties["date_ct"] != nil {
		t.Fatalf("the fixture's date is set: %v", t02.Properties["date_ct"])
	}
	v.selectFeature(&t02)
	q.runUntil(t, func() bool {
		return v.feature.form != nil && v.feature.current != nil && v.feature.current.UUID == t02.UUID
	})
	form := v.feature.form
	if date := editorOf(t, form, "date_ct").object.(*widget.Entry); date.Text != "" {
		t.Fatalf("the empty date shows %q", date.Text)
	}
	before, _ := v.s.ws.Pending(ctx, 0)

	editorOf(t, form, "debit").object.(*widget.Entry).SetText("5,2")
	if form.save.Disabled() {
		t.Fatal("«Enregistrer» is greyed")
	}
	test.Tap(form.save)
	q.runUntil(t, func() bool { return v.feature.current.Properties["debit"] == 5.2 })
	after, _ := v.s.ws.Pending(ctx, 0)
	if len(after) != len(before)+1 || after[len(after)-1].Op != store.OpUpdate || after[len(after)-1].Properties["debit"] != 5.2 {
		t.Errorf("journal: %d → %d entries", len(before), len(after))
	}
	if !strings.Contains(form.status.Text, "Enregistré") {
		t.Errorf("the save bar says %q", form.status.Text)
	}
	if got := editorOf(t, form, "debit").object.(*widget.Entry).Text; got != "5,2" {
		t.Errorf("the saved debit shows %q", got)
	}
}

// The side panel opens wide enough for the Objet form, and at the width
// the user left it; a damaged width falls back to the default.
func TestPanelWidthIsRemembered(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "tournus.gpkg")
	w, m := newTestShell(t, Options{})
	openInShell(t, m, path)
	if m.split.Offset != defaultPanelShare {
		t.Errorf("first start: the panel takes %v of the window, want %v", m.split.Offset, defaultPanelShare)
	}
	w.Resize(defaultWindowSize)
	if width := m.split.Leading.Size().Width; width < 480 {
		t.Errorf("first start: the panel is %v px wide in a %v window", width, w.Canvas().Size())
	}
	m.split.SetOffset(0.55)
	m.rememberView()
	m.saveSettings()
	if got := loadSettings(m.prefs).panelShare; got != 0.55 {
		t.Errorf("remembered %v, want 0.55", got)
	}
	for _, damaged := range []float64{0.01, 0.99, math.NaN()} {
		m.prefs.SetFloat(prefPanelShare, damaged)
		if got := loadSettings(m.prefs).panelShare; got != defaultPanelShare {
			t.Errorf("stored %v: restored %v", damaged, got)
		}
	}
}
