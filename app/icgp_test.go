package app

import (
	"context"
	"fmt"
	"os/user"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"terrimap/icgp"
	"terrimap/internal/demows"
	"terrimap/store"
	"terrimap/sync/protocol"
)

// TestICGPView scores the Tournus workspace, chooses Tournus, ticks a
// declarable item as its secretary and sees it declared by her, then
// follows a blocker to the map and the table.
func TestICGPView(t *testing.T) {
	test.NewTempApp(t)
	ws := demows.OpenCopy(t, "tournus", demows.Tournus())
	q := make(uiQueue, 8)
	w := test.NewWindow(nil)
	defer w.Close()
	v := newICGPView(w, ws, q.do)
	v.now = func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }
	v.user = func(context.Context) string { return "Marie (secrétaire)" }
	var onMap, inTable []icgp.Lack
	var tableLayer string
	v.showOnMap = func(l []icgp.Lack) { onMap = l }
	v.openTable = func(layer string, l []icgp.Lack) { tableLayer, inTable = layer, l }
	// wait runs what the workers send to the UI goroutine until a report
	// other than before is shown.
	wait := func(before *icgp.Report) {
		t.Helper()
		q.runUntil(t, func() bool { return v.report != before })
	}
	v.start()
	wait(nil)
	if v.report.Water == nil || len(v.water.Objects) == 0 {
		t.Fatalf("no water score shown: %+v", v.report)
	}
	for _, c := range v.checks[icgp.Water] {
		if !c.Disabled() {
			t.Error("the whole intercommunality's checklist can be ticked; each commune declares its own")
		}
	}

	tournus := -1
	for i, c := range v.chooser.communes {
		if c.INSEE == "71543" {
			tournus = i + 1
		}
	}
	if tournus < 0 {
		t.Fatalf("no Tournus among %v", v.chooser.communes)
	}
	before := v.report
	v.chooser.SetSelectedIndex(tournus)
	wait(before)
	check := v.checks[icgp.Water][icgp.ItemModel]
	if check == nil || check.Disabled() {
		t.Fatalf("no box to declare the model: %v", v.checks[icgp.Water])
	}
	want := !check.Checked
	before = v.report
	// The secretary ticks it (or unticks it): the declaration is written,
	// then the score computed again.
	check.SetChecked(want)
	wait(before)
	var model icgp.Item
	for _, it := range v.report.Water.Items {
		if it.Code == icgp.ItemModel {
			model = it
		}
	}
	if model.DeclaredBy != "Marie (secrétaire)" || (model.Points > 0) != want {
		t.Errorf("model after ticking %v: %+v", want, model)
	}
	if got := v.checks[icgp.Water][icgp.ItemModel].Checked; got != want {
		t.Errorf("box shows %v after the declaration, want %v", got, want)
	}

	// A declarable blocker asks, then ticks the item's box.
	if len(v.declareButtons) == 0 {
		t.Fatal("no «Déclarer…» among the blockers of Tournus")
	}
	var asked string
	v.confirm = func(_, message string, answer func(bool)) { asked = message; answer(true) }
	declared := v.report
	test.Tap(v.declareButtons[0])
	wait(declared)
	if asked == "" || v.report.Water.Total <= declared.Water.Total {
		t.Errorf("asked %q; water %d points, was %d", asked, v.report.Water.Total, declared.Water.Total)
	}

	if len(v.mapButtons) == 0 || len(v.tableButtons) != len(v.mapButtons) {
		t.Fatalf("%d map buttons, %d table buttons", len(v.mapButtons), len(v.tableButtons))
	}
	test.Tap(v.mapButtons[0])
	test.Tap(v.tableButtons[0])
	if len(onMap) == 0 || len(inTable) != len(onMap) || tableLayer != onMap[0].Layer {
		t.Errorf("map got %d tronçons, table %d of %q", len(onMap), len(inTable), tableLayer)
	}
	for i := 1; i < len(onMap); i++ {
		if onMap[i].Length > onMap[i-1].Length {
			t.Fatalf("tronçons not longest first: %v then %v", onMap[i-1].Length, onMap[i].Length)
		}
	}
}

// A blocker's tronçons open in the attribute table alone, whatever the
// user's commune.
func TestOpenLacksTable(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, tableWorkspaceFile(t))
	m.sess.access = map[string]protocol.Access{"pei": {Read: true, Update: true, Territory: tournusSquare}}
	all, err := m.sess.ws.Query(context.Background(), store.Query{Layer: "pei"})
	if err != nil || len(all) < 3 {
		t.Fatalf("%d hydrants: %v", len(all), err)
	}
	// Two of them: the table shows those two, in every commune, in the
	// blocker's order (longest first), not the layer's.
	lacks := []icgp.Lack{{Layer: "pei", FID: all[3].FID, UUID: all[3].UUID}, {Layer: "pei", FID: all[0].FID, UUID: all[0].UUID}}
	tb := m.openLacksTable("pei", lacks)
	q.runUntil(t, tb.ready)
	if len(tb.rows) != 2 || tb.count.Text != fmt.Sprintf("2 objets sur %d", len(all)) {
		t.Fatalf("%d rows, count %q; want the two hydrants", len(tb.rows), tb.count.Text)
	}
	f0, _ := tb.feature(0)
	f1, _ := tb.feature(1)
	if first, second := f0.UUID, f1.UUID; first != all[3].UUID || second != all[0].UUID {
		t.Errorf("rows %s, %s; want the blocker's order %s, %s", first, second, all[3].UUID, all[0].UUID)
	}
	if tb.communeChoice == nil || tb.communeChoice.Selected != "Toutes les communes" {
		t.Errorf("the blocker's table opens on %v, not every commune", tb.communeChoice)
	}
}

// A desk not linked to a platform declares in the name of the person at
// the computer, so that the annex says who.
func TestSystemUser(t *testing.T) {
	u, err := user.Current()
	got := systemUser()
	if err != nil {
		if got != "" {
			t.Errorf("systemUser() = %q with no current user (%v)", got, err)
		}
		return
	}
	if got == "" || (got != u.Username && !strings.HasPrefix(u.Name, got)) {
		t.Errorf("systemUser() = %q; user %q, name %q", got, u.Username, u.Name)
	}
}

// With 10 points of plan the inventory does not count toward 40: the
// window says how many points are missing by the arrêté's rule, and why.
func TestICGPPlanGateExplained(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	v := newICGPView(w, nil, func(f func()) { f() })
	items := icgp.Items(icgp.Water)
	for i := range items {
		switch items[i].Code {
		case icgp.ItemPlan:
			items[i].Points = 10
		case icgp.ItemMaterialDiameter:
			items[i].Points, items[i].Gated = 14, true
		case icgp.ItemLayingDate:
			items[i].Points, items[i].Gated = 12, true
		}
	}
	v.show(&icgp.Report{Water: &icgp.Score{Service: icgp.Water, Items: items, Total: 10}})
	var texts []string
	for _, o := range v.water.Objects {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"il manque 30 points", "Le plan n'a que 10 points sur 15"} {
		if !strings.Contains(all, want) {
			t.Errorf("the window does not say %q:\n%s", want, all)
		}
	}
}
