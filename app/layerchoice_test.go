package app

import (
	"slices"
	"testing"

	"terrimap/store"
	"terrimap/store/schema"
)

// A layer choice lists the editable layers by title as a French reader
// looks for one: accents and case aside, numbers by value; the read-only
// ones and those keep refuses are left out, and names follow their titles.
func TestEditableLayersByTitle(t *testing.T) {
	ws := workspaceWithLayers(t,
		schema.Layer{Name: "pei", Title: "Poteaux d'incendie", GeometryType: schema.Point},
		schema.Layer{Name: "eclairage", Title: "Éclairage public", GeometryType: schema.Point},
		schema.Layer{Name: "avaloirs", Title: "avaloirs", GeometryType: schema.Point},
		schema.Layer{Name: "secteur10", Title: "Secteur 10", GeometryType: schema.Point},
		schema.Layer{Name: "secteur2", Title: "Secteur 2", GeometryType: schema.Point},
		schema.Layer{Name: "canalaep", Title: "Canalisations d'eau potable", GeometryType: schema.LineString},
		schema.Layer{Name: "communes", Title: "Communes", GeometryType: schema.MultiPolygon, ReadOnly: true})
	names, titles := editableLayers(ws, nil)
	if want := []string{"avaloirs", "Canalisations d'eau potable", "Éclairage public", "Poteaux d'incendie", "Secteur 2", "Secteur 10"}; !slices.Equal(titles, want) {
		t.Errorf("titles %q, want %q", titles, want)
	}
	if want := []string{"avaloirs", "canalaep", "eclairage", "pei", "secteur2", "secteur10"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	names, _ = editableLayers(ws, func(l *store.Layer) bool { return l.Schema.GeometryType == schema.LineString })
	if !slices.Equal(names, []string{"canalaep"}) {
		t.Errorf("lines only: %q", names)
	}
}
