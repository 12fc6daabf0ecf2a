package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// The index is written with the features: whoever writes — an edit, a
// deletion, the platform's changes one by one or by the thousand, an
// import — the next search finds what was committed, and only that.
func TestSearchSeesEveryWriteAtOnce(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	ix := New(ws)
	find := func(text string) []string {
		t.Helper()
		f, err := ix.Search(ctx, Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if f.Partial {
			t.Errorf("%q: the index of a workspace made by this Terrimap says it is partial", text)
		}
		return names(f)
	}
	edit := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := ws.Edit(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	church := ""
	if f, _ := ix.Search(ctx, Query{Text: "eglise"}); len(f.Results) == 1 {
		church = f.Results[0].UUID
	} else {
		t.Fatalf("eglise: %v", names(f))
	}

	edit(func(tx *store.Tx) error {
		_, err := tx.Update("batiment", church, store.Change{Properties: map[string]any{"nom": "Abbatiale Saint-Philibert"}})
		return err
	})
	if got := find("eglise"); len(got) != 0 {
		t.Errorf("an edit: the old name still finds %v", got)
	}
	if got := find("philibert"); !slices.Equal(got, []string{"Abbatiale Saint-Philibert @Tournus"}) {
		t.Errorf("an edit: the new name finds %v", got)
	}

	edit(func(tx *store.Tx) error { return tx.Delete("batiment", church) })
	if got := find("philibert"); len(got) != 0 {
		t.Errorf("a deletion: still found %v", got)
	}

	hall := store.NewID()
	edit(func(tx *store.Tx) error {
		return tx.ApplyRemote("batiment", store.RemoteFeature{UUID: hall, Version: 2, Geometry: orb.Point{4.952, 46.562},
			Properties: map[string]any{"nom": "Salle des fêtes"}}, false)
	})
	if got := find("salle fetes lacrost"); !slices.Equal(got, []string{"Salle des fêtes @Lacrost"}) {
		t.Errorf("the platform's feature: %v", got)
	}
	edit(func(tx *store.Tx) error {
		return tx.ApplyRemote("batiment", store.RemoteFeature{UUID: hall, Version: 3, Deleted: true}, false)
	})
	if got := find("salle fetes"); len(got) != 0 {
		t.Errorf("deleted by the platform, still found: %v", got)
	}

	batch := make([]store.RemoteFeature, 1000)
	for i := range batch {
		batch[i] = store.RemoteFeature{UUID: store.NewID(), Version: 1, Geometry: orb.Point{4.9 + float64(i)/100_000, 46.56},
			Properties: map[string]any{"insee": "71543", "id_sdis": fmt.Sprintf("PI-71543-%04d", 1000+i), "type_pei": "PI"}}
	}
	edit(func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("pei", batch)
		return err
	})
	if got := find("71543-1777"); !slices.Equal(got, []string{"PI-71543-1777 @Tournus"}) {
		t.Errorf("a batch of 1000 from the platform: %v", got)
	}
	if f, _ := ix.Search(ctx, Query{Text: "poteau tournus"}); f.Total != 1001 {
		t.Errorf("a batch of 1000: %d hydrants in Tournus, want 1001", f.Total)
	}

	geojson := filepath.Join(t.TempDir(), "arbres.geojson")
	err := os.WriteFile(geojson, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[4.953,46.563]},"properties":{"essence":"Tilleul argenté"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[4.912,46.561]},"properties":{"essence":"Platane"}}]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.ImportFile(ctx, geojson, store.ImportOptions{Layer: "arbres"}); err != nil {
		t.Fatal(err)
	}
	if got := find("tilleul"); !slices.Equal(got, []string{"Tilleul argenté @Lacrost"}) {
		t.Errorf("an import: %v", got)
	}
}

// An edit rolled back leaves the index as it was: the index is written in
// the edit's own transaction, so no crash or error can leave it ahead of
// (or behind) the features.
func TestSearchRolledBackEditLeavesTheIndex(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	ix := New(ws)
	before := indexRows(t, ws)
	f, err := ix.Search(ctx, Query{Text: "eglise"})
	if err != nil || len(f.Results) != 1 {
		t.Fatalf("eglise: %v %v", names(f), err)
	}
	failed := errors.New("the user cancelled")
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		if _, err := tx.Update("batiment", f.Results[0].UUID, store.Change{Properties: map[string]any{"nom": "Abbatiale Saint-Philibert"}}); err != nil {
			return err
		}
		if _, err := tx.Create("batiment", store.Feature{Geometry: orb.Point{4.911, 46.562}, Properties: map[string]any{"nom": "Kiosque"}}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("the edit: %v", err)
	}
	for _, text := range []string{"philibert", "kiosque"} {
		if f, _ := ix.Search(ctx, Query{Text: text}); f.Total != 0 {
			t.Errorf("%q, written by an edit rolled back, is found: %v", text, names(f))
		}
	}
	if f, _ := ix.Search(ctx, Query{Text: "eglise"}); f.Total != 1 {
		t.Errorf("eglise, as before the edit rolled back: %v", names(f))
	}
	if after := indexRows(t, ws); after != before {
		t.Errorf("the index's rows: %v before, %v after an edit rolled back", before, after)
	}
}

// indexRows counts the rows of the index's tables.
func indexRows(t *testing.T, ws *store.Workspace) [4]int {
	t.Helper()
	var n [4]int
	for i, table := range []string{"tm_search_doc", "tm_search_value", "tm_search_hold", "tm_search_term"} {
		if err := ws.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n[i]); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// Accents and case do not count, either way; a pipe's identifier is found
// whole or by its number; a commune by its name.
func TestSearchAccentsPipeIDsAndCommunes(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	if _, err := ws.CreateLayer(ctx, schema.Layer{Name: "canalaep", Title: "Canalisations d'eau potable", GeometryType: schema.LineString,
		Fields: []schema.Field{{Name: "idcana", Title: "Identifiant de la canalisation", Type: schema.Text},
			{Name: "materiau", Title: "Matériau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "FTD", Label: "Fonte ductile"}}}}}); err != nil {
		t.Fatal(err)
	}
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		for _, f := range []struct {
			layer string
			g     orb.Geometry
			props map[string]any
		}{
			{"batiment", orb.Point{4.952, 46.562}, map[string]any{"nom": "EGLISE SAINT-MARTIN"}},
			{"canalaep", orb.LineString{{4.90, 46.55}, {4.92, 46.57}}, map[string]any{"idcana": "CAEP71543-016310", "materiau": "FTD"}},
			{"canalaep", orb.LineString{{4.90, 46.55}, {4.91, 46.56}}, map[string]any{"idcana": "CAEP71543-016311", "materiau": "FTD"}},
		} {
			if _, err := tx.Create(f.layer, store.Feature{Geometry: f.g, Properties: f.props}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ix := New(ws)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// equals: the shortest name first
		{"église", []string{"EGLISE SAINT-MARTIN @Lacrost", "Église Saint-Valérien @Tournus"}},
		{"EGLISE martin", []string{"EGLISE SAINT-MARTIN @Lacrost"}},
		{"Église Valérien", []string{"Église Saint-Valérien @Tournus"}},
		{"CAEP71543-016310", []string{"CAEP71543-016310 @Tournus"}},
		{"caep71543 016311", []string{"CAEP71543-016311 @Tournus"}},
		{"16310", []string{"CAEP71543-016310 @Tournus"}},
		{"fonte ductile tournus", []string{"CAEP71543-016310 @Tournus", "CAEP71543-016311 @Tournus"}},
		{"lacrost", []string{"Lacrost @Lacrost", "Mairie @Lacrost", "PI-71251-003 @Lacrost", "EGLISE SAINT-MARTIN @Lacrost"}},
		{"LACRÔST mairie", []string{"Mairie @Lacrost"}},
	} {
		f, err := ix.Search(ctx, Query{Text: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(f); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
}

// A commune's outline or name changed, or the commune gone: the features
// it held are placed again in the same transaction.
func TestSearchFollowsTheCommunes(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	ix := New(ws)
	communes, err := ws.Query(ctx, store.Query{Layer: "communes"})
	if err != nil || len(communes) != 2 {
		t.Fatalf("%d communes, %v", len(communes), err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for _, c := range communes {
			switch c.Properties["nom"] {
			case "Tournus":
				if err := tx.Delete("communes", c.UUID); err != nil {
					return err
				}
			case "Lacrost": // renamed, and grown over the whole of Tournus' buildings
				g := square(orb.Point{4.93, 46.56}, 0.04)
				if _, err := tx.Update("communes", c.UUID, store.Change{Geometry: g, SetGeometry: true,
					Properties: map[string]any{"nom": "Lacrost-Tournus"}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"eglise", []string{"Église Saint-Valérien @Lacrost-Tournus"}},
		{"abbaye lacrost", []string{"Œuvre de l'Abbaye @Lacrost-Tournus"}},
		// the hydrant of code 71543: no commune has the code now, it is
		// placed by where it lies
		{"pi 71543", []string{"PI-71543-012 @Lacrost-Tournus"}},
	} {
		f, err := ix.Search(ctx, Query{Text: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(f); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
}

// A workspace of an older Terrimap has no index: a search says so, an
// edit indexes what it writes, and Refresh builds the rest once, in
// transactions of a few thousand rows.
func TestSearchUpgradesAnOldWorkspace(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	if _, err := ws.DB().ExecContext(ctx, dropIndexSQL); err != nil {
		t.Fatal(err)
	}
	ix := New(ws)
	if f, err := ix.Search(ctx, Query{Text: "mairie"}); err != nil || !f.Partial || f.Total != 0 {
		t.Fatalf("no index: %+v %v, want partial and nothing", f, err)
	}
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Create("batiment", store.Feature{Geometry: orb.Point{4.911, 46.562}, Properties: map[string]any{"nom": "Mairie annexe"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := ix.Search(ctx, Query{Text: "mairie"}); err != nil || !f.Partial || !slices.Equal(names(f), []string{"Mairie annexe @Tournus"}) {
		t.Errorf("the index begun by an edit: %q partial %v, %v", names(f), f.Partial, err)
	}
	if ready, err := ix.Ready(ctx); ready || err != nil {
		t.Errorf("ready %v %v before the build", ready, err)
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if ready, err := ix.Ready(ctx); !ready || err != nil {
		t.Errorf("ready %v %v after the build", ready, err)
	}
	f, err := ix.Search(ctx, Query{Text: "mairie"})
	if want := []string{"Mairie @Lacrost", "Mairie annexe @Tournus", "Mairie de Tournus @Tournus"}; err != nil || f.Partial || !slices.Equal(names(f), want) {
		t.Errorf("after the build: %q partial %v %v, want %q", names(f), f.Partial, err, want)
	}
	// and it is written as a new workspace's is
	fresh := smallWorkspace(t)
	if got, want := indexRows(t, ws), indexRows(t, fresh); got[0] != want[0]+1 || got[2] != want[2]+1 {
		t.Errorf("the upgraded index holds %v rows, a new one %v (+1 feature)", got, want)
	}
}

// A layer whose fields change is indexed again in the same transaction.
func TestSearchAfterASchemaChange(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	l, err := ws.Layer("batiment")
	if err != nil {
		t.Fatal(err)
	}
	s := l.Schema
	s.Fields = append(slices.Clone(s.Fields[:1]), append([]schema.Field{{Name: "gestionnaire", Title: "Gestionnaire", Type: schema.Text}}, s.Fields[1:]...)...)
	if err := ws.UpdateLayerSchema(ctx, s); err != nil {
		t.Fatal(err)
	}
	ix := New(ws)
	f, err := ix.Search(ctx, Query{Text: "hotel ville"})
	if err != nil || f.Partial || len(f.Results) != 1 || !slices.Equal(f.Results[0].Matched, []Match{{Field: "Adresse", Value: "Place de l'Hôtel de Ville"}}) {
		t.Errorf("after a field was added before it: %+v %v", f, err)
	}
}

// A word of one or two letters that starts thousands of words is matched
// whole only: «z», the first key typed, must not read every feature.
func TestSearchShortWordStartingTooManyWords(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	batch := make([]store.RemoteFeature, valueCap+10)
	for i := range batch {
		batch[i] = store.RemoteFeature{UUID: store.NewID(), Version: 1, Geometry: orb.Point{4.91, 46.56},
			Properties: map[string]any{"insee": "71543", "id_sdis": fmt.Sprintf("ZA%05d", i), "type_pei": "PI"}}
	}
	batch[7].Properties["id_sdis"] = "Z 7" // «z» whole
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("pei", batch)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ix := New(ws)
	for _, tc := range []struct {
		query string
		total int
	}{{"z", 1}, {"za", 0}, {"za00042", 1}, {"za0004", 10}} {
		f, err := ix.Search(ctx, Query{Text: tc.query})
		if err != nil || f.Total != tc.total {
			t.Errorf("%q: %d found (%v), want %d", tc.query, f.Total, err, tc.total)
		}
	}
}

// A workspace that keeps no text index (the platform's storage) drops the
// one it has and writes none; a desk opening the file later builds it
// whole again rather than reading a stale one.
func TestDropSearchTextThenBuildAgain(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	if err := ws.DropSearchText(ctx); err != nil {
		t.Fatal(err)
	}
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Create("batiment", store.Feature{Geometry: orb.Point{4.911, 46.562}, Properties: map[string]any{"nom": "Mairie annexe"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'tm_search%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after DropSearchText and an edit: %d tables of the index (%v), want none", n, err)
	}
	if err := New(ws).Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if ready, err := New(ws).Ready(ctx); ready || err != nil {
		t.Errorf("ready %v %v on a workspace that keeps no index", ready, err)
	}
	path := ws.Path()
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	desk, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	ix := New(desk)
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := ix.Search(ctx, Query{Text: "mairie"})
	if want := []string{"Mairie @Lacrost", "Mairie annexe @Tournus", "Mairie de Tournus @Tournus"}; err != nil || f.Partial || !slices.Equal(names(f), want) {
		t.Errorf("built again on a desk: %q partial %v %v, want %q", names(f), f.Partial, err, want)
	}
}
