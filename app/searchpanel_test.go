package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"terrimap/internal/demows"
	"terrimap/store"
	"terrimap/store/search"
)

// openDemoTournus opens a copy of the demo streets of Tournus in a shell,
// in French, and returns its view and UI queue.
func openDemoTournus(t *testing.T) (*workspaceView, uiQueue) {
	t.Helper()
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, demows.Copy(t, "tournus", demows.Tournus()))
	m.view.search.debounce = 0
	waitIndexed(t, m.view, q)
	return m.view, q
}

// waitIndexed waits until the workspace's search index is whole: the
// cached demo may predate it, and the panel then builds it after opening.
func waitIndexed(t *testing.T, v *workspaceView, q uiQueue) {
	t.Helper()
	q.runUntil(t, func() bool {
		ready, err := v.search.index.Ready(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return ready
	})
}

// typeAndWait types text in the search box and waits for its results.
func typeAndWait(t *testing.T, v *workspaceView, q uiQueue, text string) {
	t.Helper()
	p := v.search
	p.entry.SetText("")
	test.Type(p.entry, text)
	q.runUntil(t, func() bool { return p.timer == nil && p.shown == text && !p.partial })
}

func pressEnter(p *searchPanel) { p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

func TestSearchPanelCountsInFrench(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.search
	for _, tc := range []struct{ text, info, first string }{
		{"salle fetes", "1 résultat", "Salle des fêtes de Tournus"},
		// and the two networks Tournus declares at the guichet unique (their
		// services sit at the mairie), the lights of the Rue de la Mairie
		{"mairie tournus", "20 résultats", "Mairie de Tournus"},
		{"mairie de tournus", "20 résultats", "Mairie de Tournus"},
		{"MAIRIE Tournus", "20 résultats", "Mairie de Tournus"},
		{"piscine olympique", "Aucun résultat pour « piscine olympique »", ""},
		{"poteau", "résultats, les 50 premiers affichés", ""},
	} {
		typeAndWait(t, v, q, tc.text)
		if !strings.HasSuffix(p.info.Text, tc.info) || (tc.info == "1 résultat" && p.info.Text != tc.info) {
			t.Errorf("%q: the panel says %q, want %q", tc.text, p.info.Text, tc.info)
		}
		if tc.first != "" && (len(p.results) == 0 || p.results[0].Name != tc.first) {
			t.Errorf("%q: first result %+v, want %s", tc.text, p.results, tc.first)
		}
	}
	typeAndWait(t, v, q, "mairie tournus")
	row := newResultRow().(*resultRow)
	p.fillRow(row, p.results[0])
	if row.title.Text != "Mairie de Tournus — Tournus" || row.detail.Text != "Bâtiments communaux · Nom : Mairie de Tournus" {
		t.Errorf("the result reads %q / %q", row.title.Text, row.detail.Text)
	}
}

// Entrée opens the first result, however often it is pressed and however
// early: before the results arrive, and again once they have.
func TestSearchPanelEnterOpensTheFirstResult(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.search
	test.Type(p.entry, "mairie tournus")
	pressEnter(p) // before the results are in
	q.runUntil(t, func() bool { return v.selected != nil })
	for range 2 {
		pressEnter(p)
		q.runUntil(t, func() bool { return p.timer == nil && p.opening == 0 })
	}
	if v.selected == nil || v.selected.Layer != "batiment" || v.selected.Properties["nom"] != "Mairie de Tournus" {
		t.Fatalf("Entrée thrice opened %+v", v.selected)
	}
	if v.tabs.Selected() != v.featTab || !strings.Contains(v.feature.title.Text, "Mairie de Tournus") {
		t.Errorf("Objet shows %q", v.feature.title.Text)
	}
	// Entrée on a text that finds nothing opens nothing.
	v.selectFeature(nil)
	test.Type(p.entry, "zzz")
	pressEnter(p)
	q.runUntil(t, func() bool { return p.timer == nil && p.shown == "mairie tournuszzz" && p.opening == 0 })
	if v.selected != nil {
		t.Errorf("Entrée on nothing found opened %+v", v.selected)
	}
}

// A click on the result opened last opens it again.
func TestSearchPanelClickOpensEvenTheOpenedResult(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.search
	typeAndWait(t, v, q, "mairie tournus")
	for i := range 3 {
		v.selectFeature(nil) // the user looked elsewhere
		p.list.Select(0)
		q.runUntil(t, func() bool { return p.opening == 0 })
		if v.selected.Properties["nom"] != "Mairie de Tournus" {
			t.Fatalf("click %d opened %+v", i+1, v.selected.Properties)
		}
	}
}

// «À proximité» lists the features nearest the selected one, nearest
// first, with their distances; a click opens one.
func TestSearchPanelNearby(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.search
	test.Tap(p.near)
	if !strings.Contains(p.info.Text, "Sélectionnez d’abord un objet") {
		t.Errorf("nothing selected: %q", p.info.Text)
	}
	typeAndWait(t, v, q, "mairie tournus")
	pressEnter(p)
	q.runUntil(t, func() bool { return v.selected != nil })
	mairie := *v.selected
	test.Tap(p.near)
	q.runUntil(t, func() bool { return p.near0 && len(p.results) > 0 })
	if p.info.Text != "15 objets à proximité de « Mairie de Tournus »" {
		t.Errorf("nearby says %q", p.info.Text)
	}
	for i, r := range p.results {
		if i > 0 && r.Distance < p.results[i-1].Distance {
			t.Errorf("result %d at %.1f m comes after %.1f m", i, r.Distance, p.results[i-1].Distance)
		}
		if r.Layer == "interventions" || (r.Layer == mairie.Layer && r.FID == mairie.FID) {
			t.Errorf("nearby lists %+v", r)
		}
	}
	row := newResultRow().(*resultRow)
	p.fillRow(row, p.results[0])
	if !strings.HasSuffix(strings.Fields(row.title.Text)[1], "m") || !strings.Contains(row.detail.Text, "Tournus") {
		t.Errorf("a nearby row reads %q / %q", row.title.Text, row.detail.Text)
	}
	p.list.Select(2)
	want := p.results[2]
	q.runUntil(t, func() bool { return v.selected != nil && v.selected.FID == want.FID && v.selected.Layer == want.Layer })
	if !p.near0 || len(p.results) != 15 {
		t.Error("opening a feature nearby changed the list")
	}
	// Only the hydrants near the mairie, still nearest first.
	if !p.nearIn.Visible() {
		t.Fatal("no choice of layer beside the nearby list")
	}
	p.nearIn.SetSelected("Points d'eau incendie")
	q.runUntil(t, func() bool { return p.near0 && p.timer == nil && len(p.results) > 0 && p.results[0].Layer == "pei" })
	for _, r := range p.results {
		if r.Layer != "pei" {
			t.Errorf("the hydrants' list holds %+v", r)
		}
	}
	if p.info.Text != "15 objets à proximité de « Mairie de Tournus »" {
		t.Errorf("the hydrants' list says %q", p.info.Text)
	}
	typeAndWait(t, v, q, "mairie tournus")
	if p.nearIn.Visible() {
		t.Error("the choice of layer stays over a search")
	}
}

func TestDistanceText(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	for d, want := range map[float64]string{0: "0 m", 32.4: "32 m", 999.4: "999 m", 1234: "1,2 km", 15_049: "15,0 km"} {
		if got := distanceText(d); got != want {
			t.Errorf("distanceText(%v) = %q, want %q", d, got, want)
		}
	}
}

// The Objet tab's «À proximité» lists, in the search tab, the features
// nearest the one it shows.
func TestFeaturePanelNearby(t *testing.T) {
	v, q := openDemoTournus(t)
	typeAndWait(t, v, q, "mairie tournus")
	pressEnter(v.search)
	q.runUntil(t, func() bool { return v.selected != nil && v.feature.current != nil })
	if !v.feature.nearby.Visible() {
		t.Fatal("no «À proximité» in the Objet tab for a feature shown")
	}
	v.maint.choice.SetSelectedIndex(0) // a maintenance list in place of the search
	v.tabs.Select(v.featTab)
	test.Tap(v.feature.nearby)
	q.runUntil(t, func() bool { return v.search.near0 && len(v.search.results) > 0 })
	if v.tabs.Selected() != v.maint.item {
		t.Error("«À proximité» left the search tab hidden")
	}
	if v.maint.choice.SelectedIndex() != -1 {
		t.Error("«À proximité» left a maintenance list over the search")
	}
	if v.search.info.Text != "15 objets à proximité de « Mairie de Tournus »" {
		t.Errorf("nearby says %q", v.search.info.Text)
	}
	v.feature.show(nil)
	if v.feature.nearby.Visible() {
		t.Error("«À proximité» shown with no feature")
	}
}

// TestSearchPanelMatchOnOneLine: a matched value written on several lines
// (the recommendations of the one-stop shop's settings) shows on one line,
// cut short with an ellipsis, not over ten lines of the panel.
func TestSearchPanelMatchOnOneLine(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.search
	typeAndWait(t, v, q, "grillage avertisseur")
	if len(p.results) == 0 {
		t.Fatal("no result for «grillage avertisseur»: the settings' recommendations are not searched")
	}
	row := newResultRow().(*resultRow)
	p.fillRow(row, p.results[0])
	if strings.ContainsAny(row.detail.Text, "\n\r\t") || !strings.HasSuffix(row.detail.Text, "…") ||
		len([]rune(row.detail.Text)) > 160 {
		t.Errorf("the matched value reads %q: want one line, cut with «…»", row.detail.Text)
	}
	if h, one := row.detail.MinSize().Height, widget.NewLabel("x").MinSize().Height; h > one*1.5 {
		t.Errorf("the match is %.0f px high, one line is %.0f", h, one)
	}
}

// A workspace of an older Terrimap has no search index: the panel builds
// it once in the background after opening, says in French meanwhile that
// it is being built, and then finds everything.
func TestSearchPanelUpgradesAnOldWorkspace(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demows.Copy(t, "tournus", demows.Tournus())
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.DB().Exec(`DROP TABLE IF EXISTS tm_search_layer; DROP TABLE IF EXISTS tm_search_doc; DROP TABLE IF EXISTS tm_search_value;
		DROP TABLE IF EXISTS tm_search_trigram; DROP TABLE IF EXISTS tm_search_term; DROP TABLE IF EXISTS tm_search_hold`)
	if cerr := ws.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	p := m.view.search
	p.debounce = 0
	p.show(p.gen, false, "mairie", search.Found{Partial: true}, nil)
	if !strings.Contains(p.info.Text, "L'index de recherche de cet espace de travail est en cours de construction") {
		t.Errorf("a partial answer reads %q", p.info.Text)
	}
	typeAndWait(t, m.view, q, "mairie tournus")
	if p.info.Text != "20 résultats" || len(p.results) == 0 || p.results[0].Name != "Mairie de Tournus" {
		t.Errorf("after the upgrade: %q, %+v", p.info.Text, p.results)
	}
	if ready, err := p.index.Ready(context.Background()); !ready || err != nil {
		t.Errorf("the index is not whole after the upgrade: %v %v", ready, err)
	}
}
