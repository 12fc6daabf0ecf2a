package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestHydrantCheckDue(t *testing.T) {
	today := date("2026-06-15")
	for _, c := range []struct {
		name  string
		props map[string]any
		want  checkDue
	}{
		{"checked last year", map[string]any{"date_ct": "2025-06-15", "disponible": true}, checkNotDue},
		{"two years ago to the day", map[string]any{"date_ct": "2024-06-15"}, checkNotDue},
		{"two years and a day ago", map[string]any{"date_ct": "2024-06-14"}, checkOverdue},
		{"long ago", map[string]any{"date_ct": "2019-01-01", "disponible": true}, checkOverdue},
		{"never checked", map[string]any{"disponible": true}, checkNever},
		{"empty date", map[string]any{"date_ct": ""}, checkNever},
		{"unreadable date", map[string]any{"date_ct": "15/06/2025"}, checkNever},
		{"nothing known", map[string]any{}, checkNever},
		{"unavailable, checked last month", map[string]any{"date_ct": "2026-05-15", "disponible": false}, checkUnavailable},
		{"unavailable, never checked", map[string]any{"disponible": false}, checkUnavailable},
		{"availability unknown", map[string]any{"date_ct": "2026-05-15", "disponible": nil}, checkNotDue},
		{"checked today", map[string]any{"date_ct": "2026-06-15"}, checkNotDue},
		{"checked in the future (typo)", map[string]any{"date_ct": "2027-06-15"}, checkNotDue},
	} {
		if got := hydrantCheckDue(c.props, today); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// A check on 29 February is due on the first of March two years on.
	leap := map[string]any{"date_ct": "2024-02-29"}
	if got := hydrantCheckDue(leap, date("2026-02-28")); got != checkNotDue {
		t.Errorf("29/02/2024 on 28/02/2026: %v", got)
	}
	if got := hydrantCheckDue(leap, date("2026-03-02")); got != checkOverdue {
		t.Errorf("29/02/2024 on 02/03/2026: %v", got)
	}
	// Today is a day, whatever the hour and time zone.
	late := time.Date(2026, 6, 15, 23, 59, 0, 0, time.FixedZone("CEST", 2*3600))
	if got := hydrantCheckDue(map[string]any{"date_ct": "2024-06-15"}, late); got != checkNotDue {
		t.Errorf("late in the evening: %v", got)
	}
}

func TestWeekOf(t *testing.T) {
	for _, c := range []struct{ today, monday, sunday string }{
		{"2026-06-15", "2026-06-15", "2026-06-21"}, // a Monday
		{"2026-06-17", "2026-06-15", "2026-06-21"},
		{"2026-06-21", "2026-06-15", "2026-06-21"}, // a Sunday: the week that ends
		{"2026-06-22", "2026-06-22", "2026-06-28"},
		{"2026-12-31", "2026-12-28", "2027-01-03"}, // across the new year
		{"2028-03-01", "2028-02-28", "2028-03-05"}, // across a 29 February
	} {
		monday, sunday := weekOf(date(c.today))
		if monday != date(c.monday) || sunday != date(c.sunday) {
			t.Errorf("week of %s: %s to %s, want %s to %s", c.today, monday.Format(time.DateOnly), sunday.Format(time.DateOnly), c.monday, c.sunday)
		}
	}
}

func TestPlannedThisWeek(t *testing.T) {
	today := date("2026-06-17") // a Wednesday
	for _, c := range []struct {
		name  string
		props map[string]any
		want  bool
	}{
		{"Monday", map[string]any{"statut": "planifiee", "date": "2026-06-15"}, true},
		{"Sunday", map[string]any{"statut": "planifiee", "date": "2026-06-21"}, true},
		{"the Sunday before", map[string]any{"statut": "planifiee", "date": "2026-06-14"}, false},
		{"the Monday after", map[string]any{"statut": "planifiee", "date": "2026-06-22"}, false},
		{"today", map[string]any{"statut": "planifiee", "date": "2026-06-17"}, true},
		{"under way", map[string]any{"statut": "en_cours", "date": "2026-06-17"}, false},
		{"done", map[string]any{"statut": "terminee", "date": "2026-06-16"}, false},
		{"no date", map[string]any{"statut": "planifiee"}, false},
		{"no status", map[string]any{"date": "2026-06-17"}, false},
	} {
		if got := plannedThisWeek(c.props, today); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// hitsHydrant reports whether the map, as the session shows it, finds a
// hydrant at p.
func hitsHydrant(t *testing.T, s *session, p orb.Point) bool {
	t.Helper()
	vp := mapview.Viewport{Center: p, Zoom: 17, Width: 400, Height: 300, Scale: 1}
	hits, err := s.tiles.HitTest(context.Background(), vp, vp.LonLatToPixel(p), 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Layer == "pei" {
			return true
		}
	}
	return false
}

// "Poteaux incendie à contrôler" lists the hydrants due; a tap selects
// one; "Filtrer la carte" leaves only them on the map until the filter is
// removed. "Interventions prévues cette semaine" lists the week's.
func TestMaintenanceViewsListAndFilter(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "vues.gpkg"))
	v := m.view
	p := v.maint
	p.now = func() time.Time { return time.Date(2026, 6, 17, 9, 30, 0, 0, time.Local) }
	ws := v.s.ws
	t01, t02, t03 := hydrant(t, ws, "T-01"), hydrant(t, ws, "T-02"), hydrant(t, ws, "T-03")

	p.choice.SetSelectedIndex(0)
	if p.search.Visible() || !p.results.Visible() {
		t.Fatal("the view does not replace the search")
	}
	q.runUntil(t, func() bool { return len(p.found) > 0 })
	var got []string
	for _, f := range p.found {
		got = append(got, p.describe(f))
	}
	// T-01 last checked more than two years before, T-03 unavailable.
	if len(got) != 2 || got[0] != "Poteau d'incendie n° T-03 · indisponible" || got[1] != "Poteau d'incendie n° T-01 · dernier contrôle le 14/06/2024" {
		t.Fatalf("hydrants to check: %q", got)
	}
	if p.info.Text != "2 résultats" {
		t.Errorf("info %q", p.info.Text)
	}

	p.list.Select(1)
	if v.selected == nil || v.selected.UUID != t01.UUID {
		t.Errorf("a tap selects %+v", v.selected)
	}

	for _, h := range []store.Feature{t01, t02, t03} {
		if !hitsHydrant(t, v.s, h.Geometry.(orb.Point)) {
			t.Fatalf("hydrant %v not on the map before filtering", h.Properties["numero"])
		}
	}
	p.applyFilter()
	if !p.bar.Visible() || p.item.Icon == nil {
		t.Error("the filter is not shown")
	}
	for _, c := range []struct {
		h     store.Feature
		shown bool
	}{{t01, true}, {t02, false}, {t03, true}} {
		if got := hitsHydrant(t, v.s, c.h.Geometry.(orb.Point)); got != c.shown {
			t.Errorf("filtered map: hydrant %v shown %v, want %v", c.h.Properties["numero"], got, c.shown)
		}
	}
	// The filter stays while the search is back, and goes on request.
	p.choice.ClearSelected()
	if !p.search.Visible() || !p.bar.Visible() {
		t.Error("back to the search, the filter is not shown")
	}
	p.clearFilter()
	if p.bar.Visible() || p.item.Icon != nil || !hitsHydrant(t, v.s, t02.Geometry.(orb.Point)) {
		t.Error("the filter is still on")
	}

	p.choice.SetSelectedIndex(1)
	q.runUntil(t, func() bool { return len(p.found) > 0 })
	if len(p.found) != 1 || p.found[0].Properties["equipement_uuid"] != t02.UUID {
		t.Fatalf("interventions this week: %+v", p.found)
	}
	if got := p.describe(p.found[0]); got != "19/06/2026 · Contrôle · C. Martin\nPoteau d'incendie n° T-02" {
		t.Errorf("line %q", got)
	}
	// The next week, nothing.
	p.now = func() time.Time { return time.Date(2026, 6, 22, 8, 0, 0, 0, time.Local) }
	p.reload()
	q.runUntil(t, func() bool { return p.info.Text != "Chargement…" })
	if len(p.found) != 0 || p.info.Text != "Rien à faire : la liste est vide." {
		t.Errorf("the week after: %d found, %q", len(p.found), p.info.Text)
	}
}

// communesLayerSchema is the platform's communes layer (sync/server/demo).
func communesLayerSchema() schema.Layer {
	return schema.Layer{Name: "communes", Title: "Communes", GeometryType: schema.MultiPolygon, ReadOnly: true, Fields: []schema.Field{
		{Name: "insee", Title: "Code INSEE", Type: schema.Text, Required: true},
		{Name: "nom_officiel", Title: "Nom officiel", Type: schema.Text, Required: true},
	}}
}

// tournusSquare and uchizySquare are the two communes' territories of
// communesWorkspaceFile: T-01 and T-02 lie in Tournus, T-03 in Uchizy.
var (
	tournusSquare = orb.Polygon{{{4.90, 46.55}, {4.912, 46.55}, {4.912, 46.57}, {4.90, 46.57}, {4.90, 46.55}}}
	uchizySquare  = orb.Polygon{{{4.912, 46.55}, {4.93, 46.55}, {4.93, 46.57}, {4.912, 46.57}, {4.912, 46.55}}}
)

// communesWorkspaceFile is maintenanceWorkspaceFile with the communes of
// Tournus (T-01, T-02) and Uchizy (T-03).
func communesWorkspaceFile(t *testing.T, name string) string {
	t.Helper()
	path := maintenanceWorkspaceFile(t, name)
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	addTestCommunes(t, ws)
	return path
}

// addTestCommunes adds to ws the communes layer with Tournus and Uchizy.
func addTestCommunes(t *testing.T, ws *store.Workspace) {
	t.Helper()
	ctx := context.Background()
	l := communesLayerSchema()
	l.ReadOnly = false
	if _, err := ws.CreateLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		for _, c := range []struct {
			insee, name string
			area        orb.Polygon
		}{{"71543", "Tournus", tournusSquare}, {"71550", "Uchizy", uchizySquare}} {
			if _, err := tx.Create("communes", store.Feature{Geometry: orb.MultiPolygon{c.area}, Properties: map[string]any{"insee": c.insee, "nom_officiel": c.name}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The Tournus editor's list of hydrants to check shows Tournus' only, by
// name and place; «Toutes les communes» shows them all; going through the
// list selects and frames each without leaving it; «Ouvrir la fiche» opens
// the form.
func TestMaintenanceListInTheUsersCommune(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, communesWorkspaceFile(t, "tournus.gpkg"))
	v := m.view
	v.s.access = map[string]protocol.Access{"pei": {Read: true, Update: true, Territory: tournusSquare}}
	p := v.maint
	p.now = func() time.Time { return time.Date(2026, 6, 17, 9, 30, 0, 0, time.Local) }
	t01 := hydrant(t, v.s.ws, "T-01")
	v.tabs.Select(p.item)

	p.choice.SetSelectedIndex(0)
	q.runUntil(t, func() bool { return p.info.Text != "Chargement…" })
	if p.communeChoice.Selected != "Tournus" {
		t.Errorf("the commune chosen is %q, not the user's", p.communeChoice.Selected)
	}
	if got := p.communeChoice.Options; strings.Join(got, ",") != "Toutes les communes,Tournus,Uchizy" {
		t.Errorf("communes offered %q", got)
	}
	if len(p.found) != 1 || p.found[0].UUID != t01.UUID {
		t.Fatalf("in Tournus: %d found", len(p.found))
	}
	if got := p.describe(p.found[0]); got != "Poteau d'incendie n° T-01 · dernier contrôle le 14/06/2024\nTournus" {
		t.Errorf("line %q", got)
	}

	p.communeChoice.SetSelected("Toutes les communes")
	q.runUntil(t, func() bool { return len(p.found) == 2 })
	if got := p.describe(p.found[0]); got != "Poteau d'incendie n° T-03 · indisponible\nUchizy" {
		t.Errorf("line %q", got)
	}

	for i := range p.found {
		p.list.Select(i)
		if v.selected == nil || v.selected.UUID != p.found[i].UUID {
			t.Fatalf("item %d: selected %v", i, v.selected)
		}
		if v.tabs.Selected() != p.item {
			t.Fatalf("item %d: going through the list left it for %q", i, v.tabs.Selected().Text)
		}
		if c := v.mapw.Viewport.Center; c.Bound().Pad(0.001).Contains(p.found[i].Geometry.(orb.Point)) == false {
			t.Errorf("item %d at %v, the map at %v", i, p.found[i].Geometry, c)
		}
	}
	test.Tap(p.open)
	if v.tabs.Selected() != v.featTab || v.feature.current == nil || v.feature.current.UUID != p.found[1].UUID {
		t.Error("«Ouvrir la fiche» did not open the form")
	}
}

// A user whose edit territories differ by layer has the communes of all of
// them: no list opens on whichever one the access map gave first.
func TestUserCommunesUnionOfTerritories(t *testing.T) {
	square := func(x float64) orb.Polygon {
		return orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}
	}
	communes := communeIndex{
		names: map[string]string{"71543": "Tournus", "71106": "Chardonnay"},
		areas: []communeArea{{insee: "71543", name: "Tournus", geom: square(0)}, {insee: "71106", name: "Chardonnay", geom: square(2)}},
	}
	access := map[string]protocol.Access{
		"pei":            {Update: true, Territory: square(0)},
		"eclairage":      {Update: true, Territory: square(2)},
		"assainissement": {Update: true},
	}
	if got := userCommunes(context.Background(), nil, access, communes); len(got) != 2 {
		t.Errorf("userCommunes = %v, want both communes", got)
	}
	if got := userCommune(context.Background(), nil, access, communes); got != "" {
		t.Errorf("userCommune = %q, want all communes", got)
	}
}
