package app

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/mapview"
)

// clickAt identifies at p as a click of the map does, at zoom 17, and runs
// the background work until a feature is selected.
func clickAt(t *testing.T, v *workspaceView, q uiQueue, p orb.Point) {
	t.Helper()
	vp := mapview.Viewport{Center: p, Zoom: 17, Width: 800, Height: 600, Scale: 1}
	v.mapw.SetViewport(vp)
	hits, err := v.s.tiles.HitTest(context.Background(), vp, vp.LonLatToPixel(p), 4)
	if err != nil || len(hits) == 0 {
		t.Fatalf("hit test at %v: %v %v", p, hits, err)
	}
	v.selected = nil
	v.identified(p, hits)
	q.runUntil(t, func() bool { return v.selected != nil })
}

// A hydrant with interventions made on it: a click on it picks the
// hydrant, not the intervention drawn at its point, and offers the
// features under the cursor by name; picking the intervention shows its
// equipment's name (never its UUID) and a way back to the equipment.
func TestClickPicksEquipmentAndOffersTheChoice(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "clic.gpkg"))
	v := m.view
	t01, t03 := hydrant(t, v.s.ws, "T-01"), hydrant(t, v.s.ws, "T-03")

	clickAt(t, v, q, t01.Geometry.(orb.Point))
	if v.selected.Layer != "pei" || v.selected.UUID != t01.UUID {
		t.Fatalf("a click on T-01 selected %s %v", v.selected.Layer, v.selected.Properties)
	}
	if v.choice == nil {
		t.Fatal("three features under the cursor, and no choice offered")
	}
	want := "Poteau d'incendie n° T-01\nIntervention du 01/03/2026 · Contrôle\nIntervention du 10/05/2026 · Réparation"
	if got := strings.Join(v.choice.labels, "\n"); got != want {
		t.Errorf("choice:\n%s\nwant:\n%s", got, want)
	}
	if !v.choice.items[0].Checked {
		t.Error("the hydrant selected is not marked in the choice")
	}

	v.choice.pickChoice(2)
	if v.selected.Layer != "interventions" || v.selected.Properties["type"] != "reparation" {
		t.Fatalf("picking the repair selected %s %v", v.selected.Layer, v.selected.Properties)
	}
	sec := v.feature.maint
	q.runUntil(t, func() bool { return sec.ofEquipment.Visible() })
	if got := sec.ofEquipment.Text; got != "Équipement : Poteau d'incendie n° T-01" {
		t.Errorf("the intervention names its equipment %q", got)
	}
	for _, e := range v.feature.form.editors {
		if e.field.Name == fieldEquipmentID {
			t.Errorf("the intervention's form shows the equipment's UUID (%s)", e.field.DisplayTitle())
		}
	}
	if !sec.goEquipment.Visible() {
		t.Fatal("no way to go to the equipment")
	}
	sec.goEquipment.OnTapped()
	if v.selected.UUID != t01.UUID {
		t.Errorf("«Aller à l'équipement» selected %v", v.selected.Properties)
	}

	// One feature under the cursor: no choice.
	clickAt(t, v, q, t03.Geometry.(orb.Point))
	if v.selected.UUID != t03.UUID || v.choice != nil {
		t.Errorf("a click on T-03 alone selected %v, choice %v", v.selected.Properties, v.choice != nil)
	}
}

// underCursor: a point before the polygon it lies in, equipment before
// its interventions, the nearest when nothing is touched.
func TestUnderCursor(t *testing.T) {
	polygonal := func(l string) bool { return l == "communes" }
	intervention := func(l string) bool { return l == "interventions" }
	for _, tc := range []struct {
		name string
		hits []mapview.Hit
		want []string
	}{
		{"nothing", nil, nil},
		{"the commune alone", []mapview.Hit{{Layer: "communes", Distance: 0}}, []string{"communes"}},
		{"a hydrant in the commune", []mapview.Hit{{Layer: "communes"}, {Layer: "pei"}}, []string{"pei"}},
		{"the intervention drawn above", []mapview.Hit{{Layer: "interventions"}, {Layer: "pei"}, {Layer: "communes"}}, []string{"pei", "interventions"}},
		{"near but not on", []mapview.Hit{{Layer: "eclairage", Distance: 2}, {Layer: "pei", Distance: 3}}, []string{"eclairage"}},
		{"on one, near another", []mapview.Hit{{Layer: "pei", Distance: 0}, {Layer: "eclairage", Distance: 2}}, []string{"pei"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, h := range underCursor(tc.hits, polygonal, intervention) {
				got = append(got, h.Layer)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The intervention's dialog names its equipment as the user does.
func TestInterventionDialogNamesItsEquipment(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "nom.gpkg"))
	v := m.view
	sec := showInterventionsOf(t, q, v, "T-01")
	sec.open(sec.items[0])
	if got := sec.opened.heading.Text; got != "Poteau d'incendie n° T-01" {
		t.Errorf("the dialog's heading is %q", got)
	}
}
