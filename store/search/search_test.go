package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// square is a commune's outline: a square of side 2·r degrees around c.
func square(c orb.Point, r float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{c[0] - r, c[1] - r}, {c[0] + r, c[1] - r}, {c[0] + r, c[1] + r}, {c[0] - r, c[1] + r}, {c[0] - r, c[1] - r}}}}
}

var (
	tournus = orb.Point{4.91, 46.56}
	lacrost = orb.Point{4.95, 46.56}
)

// smallWorkspace holds two communes, a few buildings located by where they
// are, and hydrants located by their INSEE code.
func smallWorkspace(t testing.TB) *store.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	layers := []schema.Layer{
		{Name: "communes", Title: "Communes", GeometryType: schema.MultiPolygon, Fields: []schema.Field{
			{Name: "insee", Type: schema.Text}, {Name: "nom", Title: "Nom", Type: schema.Text}}},
		{Name: "batiment", Title: "Bâtiments communaux", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "nom", Title: "Nom", Type: schema.Text}, {Name: "adresse", Title: "Adresse", Type: schema.Text},
			{Name: "usage", Title: "Usage", Type: schema.Text, Domain: []schema.CodedValue{{Code: "mairie", Label: "Mairie"}, {Code: "culte", Label: "Lieu de culte"}}}}},
		{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "insee", Type: schema.Text}, {Name: "id_sdis", Title: "Identifiant SDIS", Type: schema.Text},
			{Name: "type_pei", Title: "Type de PEI", Type: schema.Text, Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau d'incendie"}}},
			{Name: "debit", Type: schema.Real}}},
	}
	for _, l := range layers {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	add := func(tx *store.Tx, layer string, g orb.Geometry, props map[string]any) error {
		_, err := tx.Create(layer, store.Feature{Geometry: g, Properties: props})
		return err
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		return firstError(
			add(tx, "communes", square(tournus, 0.02), map[string]any{"insee": "71543", "nom": "Tournus"}),
			add(tx, "communes", square(lacrost, 0.02), map[string]any{"insee": "71251", "nom": "Lacrost"}),
			add(tx, "batiment", orb.Point{4.911, 46.561}, map[string]any{"nom": "Mairie de Tournus", "adresse": "Place de l'Hôtel de Ville", "usage": "mairie"}),
			add(tx, "batiment", orb.Point{4.912, 46.562}, map[string]any{"nom": "Église Saint-Valérien", "adresse": "Rue du Dr Privey", "usage": "culte"}),
			add(tx, "batiment", orb.Point{4.951, 46.561}, map[string]any{"nom": "Mairie", "adresse": "Grande Rue", "usage": "mairie"}),
			add(tx, "batiment", orb.Point{4.913, 46.563}, map[string]any{"nom": "Œuvre de l'Abbaye", "adresse": "Rue Jean-Jacques Rousseau"}),
			add(tx, "pei", orb.Point{4.914, 46.564}, map[string]any{"insee": "71543", "id_sdis": "PI-71543-012", "type_pei": "PI"}),
			add(tx, "pei", orb.Point{4.96, 46.57}, map[string]any{"insee": "71251", "id_sdis": "PI-71251-003", "type_pei": "PI"}),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// names are the results' names, each after its commune.
func names(f Found) []string {
	var out []string
	for _, r := range f.Results {
		out = append(out, r.Name+" @"+r.Commune)
	}
	return out
}

func TestSearchMatchesEveryWordInAnyOrder(t *testing.T) {
	ix := New(smallWorkspace(t))
	for _, tc := range []struct {
		name, query string
		layers      []string
		want        []string // the first results, in order
		total       int
	}{
		{"words apart", "mairie tournus", nil, []string{"Mairie de Tournus @Tournus"}, 1},
		{"stop words", "mairie de tournus", nil, []string{"Mairie de Tournus @Tournus"}, 1},
		{"case", "MAIRIE Tournus", nil, []string{"Mairie de Tournus @Tournus"}, 1},
		{"any order", "tournus mairie", nil, []string{"Mairie de Tournus @Tournus"}, 1},
		{"the commune's name", "mairie lacrost", nil, []string{"Mairie @Lacrost"}, 1},
		{"accents", "eglise valerien", nil, []string{"Église Saint-Valérien @Tournus"}, 1},
		{"saint as st", "st valerien", nil, []string{"Église Saint-Valérien @Tournus"}, 1},
		{"apostrophe", "l'hotel de ville", nil, []string{"Mairie de Tournus @Tournus"}, 1},
		{"œ", "oeuvre abbaye", nil, []string{"Œuvre de l'Abbaye @Tournus"}, 1},
		{"hyphen", "jean jacques", nil, []string{"Œuvre de l'Abbaye @Tournus"}, 1},
		{"word start", "mair", nil, []string{"Mairie @Lacrost", "Mairie de Tournus @Tournus"}, 2},
		{"coded value's label", "poteau lacrost", nil, []string{"PI-71251-003 @Lacrost"}, 1},
		{"hydrant id", "71543-012", nil, []string{"PI-71543-012 @Tournus"}, 1},
		{"inner part", "543", nil, []string{"PI-71543-012 @Tournus", "Tournus @Tournus"}, 2}, // and Tournus' INSEE code
		{"the commune itself first", "tournus", nil, []string{"Tournus @Tournus", "Mairie de Tournus @Tournus"}, 5},
		{"layer filter", "tournus", []string{"pei"}, []string{"PI-71543-012 @Tournus"}, 1},
		{"no such thing", "piscine", nil, nil, 0},
		{"empty", "   ", nil, nil, 0},
		{"punctuation only", "' - ,", nil, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ix.Search(context.Background(), Query{Text: tc.query, Layers: tc.layers})
			if err != nil {
				t.Fatal(err)
			}
			got := names(f)
			if len(got) > len(tc.want) {
				got = got[:len(tc.want)]
			}
			if !slices.Equal(got, tc.want) || f.Total != tc.total {
				t.Errorf("%q: %q (%d in all), want %q first (%d)", tc.query, names(f), f.Total, tc.want, tc.total)
			}
		})
	}
}

// A result says what matched: the naming field first, then the commune
// when the words found it there.
func TestSearchSaysWhatMatched(t *testing.T) {
	ix := New(smallWorkspace(t))
	f, err := ix.Search(context.Background(), Query{Text: "mairie lacrost"})
	if err != nil || len(f.Results) != 1 {
		t.Fatalf("%v %v", names(f), err)
	}
	r := f.Results[0]
	want := []Match{{Field: "Nom", Value: "Mairie"}, {Field: "Usage", Value: "Mairie"}, {Value: "Lacrost", Commune: true}}
	if !slices.Equal(r.Matched, want) || r.Layer != "batiment" || r.LayerTitle != "Bâtiments communaux" || r.UUID == "" || r.FID == 0 {
		t.Errorf("result %+v, want matched %+v", r, want)
	}
	f, _ = ix.Search(context.Background(), Query{Text: "hotel ville"})
	if len(f.Results) != 1 || !slices.Equal(f.Results[0].Matched, []Match{{Field: "Adresse", Value: "Place de l'Hôtel de Ville"}}) {
		t.Errorf("hotel ville: %+v", f.Results)
	}
}

// Edits and the platform's changes show in the next query.
func TestSearchKeepsCurrent(t *testing.T) {
	ctx := context.Background()
	ws := smallWorkspace(t)
	ix := New(ws)
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ := ix.Search(ctx, Query{Text: "eglise"})
	if len(f.Results) != 1 {
		t.Fatalf("eglise: %v", names(f))
	}
	id := f.Results[0].UUID
	err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Update("batiment", id, store.Change{Properties: map[string]any{"nom": "Abbatiale Saint-Philibert"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := ix.Search(ctx, Query{Text: "eglise"}); f.Total != 0 {
		t.Errorf("the old name is still found: %v", names(f))
	}
	if f, _ := ix.Search(ctx, Query{Text: "philibert"}); len(f.Results) != 1 || f.Results[0].UUID != id {
		t.Errorf("the new name is not found: %v", names(f))
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		if err := tx.Delete("batiment", id); err != nil {
			return err
		}
		_, err := tx.ApplyRemoteBatch("batiment", []store.RemoteFeature{{UUID: store.NewID(), Version: 3, Geometry: orb.Point{4.952, 46.562},
			Properties: map[string]any{"nom": "Salle des fêtes"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := ix.Search(ctx, Query{Text: "philibert"}); f.Total != 0 {
		t.Errorf("a deleted feature is found: %v", names(f))
	}
	if f, _ := ix.Search(ctx, Query{Text: "salle fetes lacrost"}); f.Total != 1 {
		t.Errorf("the platform's new feature is not found: %v", names(f))
	}
	if _, err := ws.CreateLayer(ctx, schema.Layer{Name: "eclairage", GeometryType: schema.Point, Fields: []schema.Field{{Name: "numero", Type: schema.Text}}}); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.Create("eclairage", store.Feature{Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"numero": "EP-0042"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := ix.Search(ctx, Query{Text: "ep 0042"}); f.Total != 1 || f.Results[0].Commune != "Tournus" {
		t.Errorf("a new layer's feature: %+v", f)
	}
}
