package app

import (
	"strings"
	"testing"
)

// The Objet panel's title names a hydrant as the maintenance lists and the
// search do, «Points d'eau incendie · Poteau d'incendie n° 2», not by its
// manager's code.
func TestPanelTitleNamesHydrantAsMaintenanceDoes(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "tournus.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	v := m.view
	t02 := hydrant(t, v.s.ws, "T-02")
	v.selectFeature(&t02)
	q.runUntil(t, func() bool { return v.feature.current != nil && v.feature.current.UUID == t02.UUID })
	l, err := v.s.ws.Layer(t02.Layer)
	if err != nil {
		t.Fatal(err)
	}
	want := l.Schema.DisplayTitle() + " · " + equipmentName(v.s.ws, l.Schema, t02)
	if got := v.feature.title.Text; got != want || !strings.Contains(got, " n° ") {
		t.Errorf("the panel's title reads %q, want %q", got, want)
	}
}
