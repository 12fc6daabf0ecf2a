package app

import (
	"testing"

	"terrimap/store"
	"terrimap/store/schema"
)

// A hydrant bears one name everywhere: the search panel's rows (results and
// «À proximité») name it as the maintenance lists do, «Poteau d'incendie
// n° 94», never by its manager's code; features without a number on the
// ground keep the search's name.
func TestSearchNamesEquipmentAsMaintenanceDoes(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	pei := schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "id_gestion", Type: schema.Text},
		{Name: "ref_terr", Type: schema.Text},
		{Name: "type_pei", Type: schema.Text, Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau d'incendie"}, {Code: "BI", Label: "Bouche d'incendie"}}},
	}}
	batiment := schema.Layer{Name: "batiment", Title: "Bâtiments communaux", GeometryType: schema.Polygon, Fields: []schema.Field{
		{Name: "nom", Type: schema.Text},
	}}
	cases := []struct {
		name  string
		layer schema.Layer
		props map[string]any
		want  string
		same  bool // the maintenance lists name it alike
	}{
		{"hydrant with a number", pei, map[string]any{"id_gestion": "PEI-71543-094", "ref_terr": "94", "type_pei": "PI"}, "Poteau d'incendie n° 94", true},
		{"underground hydrant", pei, map[string]any{"id_gestion": "PEI-71543-012", "ref_terr": "12", "type_pei": "BI"}, "Bouche d'incendie n° 12", true},
		{"hydrant without a number", pei, map[string]any{"id_gestion": "PEI-71543-095", "type_pei": "PI"}, "PEI-71543-095", false},
		{"building", batiment, map[string]any{"nom": "Mairie de Tournus"}, "Mairie de Tournus", false},
	}
	for _, c := range cases {
		f := store.Feature{UUID: store.NewID(), Layer: c.layer.Name, Properties: c.props}
		got := searchName(nil, c.layer, f)
		if got != c.want {
			t.Errorf("%s: the search names it %q, want %q", c.name, got, c.want)
		}
		if maint := equipmentName(nil, c.layer, f); (maint == got) != c.same {
			t.Errorf("%s: the search names it %q, the maintenance lists %q", c.name, got, maint)
		}
	}
}
