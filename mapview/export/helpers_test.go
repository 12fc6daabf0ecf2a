package export

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
)

// The synthetic workspace lies in Tournus, around testCentre: a flood zone
// in two hazard bands, three pipes of different materials and sizes, a
// row of hydrants (one unavailable), and two layers the legend must leave
// out: street lights drawn only close up, and buildings far away.
var testCentre = orb.Point{4.9085, 46.5640}

// testBound is the extent the tests export: about 1.5 × 1 km.
var testBound = orb.Bound{Min: orb.Point{4.899, 46.560}, Max: orb.Point{4.918, 46.568}}

// testDate is the date printed on the test maps.
var testDate = time.Date(2026, time.November, 26, 10, 0, 0, 0, time.UTC)

func testSchemas() []schema.Layer {
	return []schema.Layer{
		{Name: "zones", Title: "Zones inondables", GeometryType: schema.Polygon,
			Description: "Zones inondables de la Saône (données de démonstration, non réglementaires).",
			Fields:      []schema.Field{{Name: "alea", Title: "Aléa", Type: schema.Text}}},
		{Name: "reseau", Title: "Réseau d'eau", GeometryType: schema.LineString,
			Description: "Canalisations (IGN et Régie des eaux, Licence Ouverte).",
			Fields: []schema.Field{
				{Name: "materiau", Title: "Matériau", Type: schema.Text, Domain: []schema.CodedValue{
					{Code: "11", Label: "Fonte ductile"}, {Code: "18", Label: "PEHD lisse"}, {Code: "99", Label: "Autre"}}},
				{Name: "diametre", Title: "Diamètre", Type: schema.Integer}}},
		{Name: "poteaux", Title: "Poteaux", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "type", Type: schema.Text}, {Name: "disponible", Title: "Disponible", Type: schema.Boolean}}},
		{Name: "lampes", Title: "Lampes", GeometryType: schema.Point},
		{Name: "loin", Title: "Bâtiments lointains", GeometryType: schema.Polygon},
	}
}

// testStyles styles the synthetic layers: reseau's classes take their
// names from the code list, poteaux's from the rules' titles.
func testStyles(t testing.TB) map[string]*mapview.Style {
	t.Helper()
	src := map[string]string{
		"zones": `{"title":"Zone inondable","stroke":"#2c7fb8","width":1,"fill":"#7fcdbb99",
			"rules":[{"field":"alea","values":{"fort":{"fill":"#2c7fb8aa","title":"Aléa fort"},"faible":{"title":"Aléa faible"}}}]}`,
		"reseau": `{"stroke":"#1f78b4","width":2,
			"rules":[{"field":"materiau","values":{"11":{"stroke":"#08306b"},"18":{"stroke":"#1aa3e8","dash":[8,4]}}},
			         {"field":"diametre","ranges":[{"max":100,"width":1.5},{"min":100,"width":4}]}]}`,
		"poteaux": `{"symbol":"circle","fill":"#e31a1c","stroke":"#ffffff","width":1.5,"size":12,
			"rules":[{"field":"type","values":{"PI":{"title":"Poteau d'incendie"},"BI":{"symbol":"square","title":"Bouche d'incendie"}}},
			         {"field":"disponible","values":{"false":{"fill":"#9e9e9e","title":"Indisponible"}}}]}`,
		"lampes": `{"symbol":"star","fill":"#ffd92f","minzoom":18}`,
		"loin":   `{"fill":"#cab2d6"}`,
	}
	out := map[string]*mapview.Style{}
	for name, s := range src {
		st, err := mapview.ParseStyle([]byte(s))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = st
	}
	return out
}

// ll returns the point dx, dy metres east and north of testCentre.
func ll(dx, dy float64) orb.Point {
	return orb.Point{testCentre[0] + dx/(111320*0.6878), testCentre[1] + dy/111320}
}

func newTestWorkspace(t testing.TB) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	for _, l := range testSchemas() {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	rf := func(g orb.Geometry, props map[string]any) store.RemoteFeature {
		n++
		return store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), Version: 1, Geometry: g, Properties: props}
	}
	ring := func(pts ...orb.Point) orb.Polygon { return orb.Polygon{append(orb.Ring(pts), pts[0])} }
	batches := map[string][]store.RemoteFeature{
		"zones": {
			rf(ring(ll(200, -400), ll(650, -400), ll(650, 400), ll(200, 400)), map[string]any{"alea": "faible"}),
			rf(ring(ll(350, -300), ll(550, -300), ll(550, 300), ll(350, 300)), map[string]any{"alea": "fort"}),
		},
		"reseau": {
			rf(orb.LineString{ll(-600, 0), ll(-200, 50), ll(100, -50), ll(400, 0)}, map[string]any{"materiau": "11", "diametre": 150}),
			rf(orb.LineString{ll(-200, 50), ll(-150, 300)}, map[string]any{"materiau": "18", "diametre": 63}),
			rf(orb.LineString{ll(100, -50), ll(150, -300)}, map[string]any{"materiau": "07", "diametre": 80}),
		},
		"poteaux": {
			rf(ll(-400, 40), map[string]any{"type": "PI", "disponible": true}),
			rf(ll(-100, 20), map[string]any{"type": "BI", "disponible": true}),
			rf(ll(200, -20), map[string]any{"type": "PI", "disponible": false}),
		},
		"lampes": {rf(ll(0, 30), nil)},
		"loin":   {rf(ring(ll(9000, 9000), ll(9100, 9000), ll(9100, 9100)), nil)},
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for name, batch := range batches {
			if _, err := tx.ApplyRemoteBatch(name, batch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// testLayers lists the synthetic layers, bottom first, with their styles.
func testLayers(t testing.TB) []mapview.Layer {
	st := testStyles(t)
	var out []mapview.Layer
	for _, n := range []string{"loin", "zones", "reseau", "lampes", "poteaux"} {
		out = append(out, mapview.Layer{Name: n, Style: st[n]})
	}
	return out
}
