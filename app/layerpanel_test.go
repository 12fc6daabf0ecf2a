package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestLayerZoomSaysWhenNothingIsOnTheMap: «Zoom to layer» on a layer whose
// rows have no geometry (the one-stop shop's settings) says so in French
// under the list instead of doing nothing; on a layer with features it
// zooms and the note goes.
func TestLayerZoomSaysWhenNothingIsOnTheMap(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.layers
	q.runUntil(t, func() bool { return len(p.rows) > 0 })
	var zoomed []string
	p.onZoom = func(layer string) { zoomed = append(zoomed, layer) }
	tap := func(name string) {
		t.Helper()
		for _, r := range p.rows {
			if r.name == name {
				it := newLayerItem()
				p.updateItem(r, it)
				test.Tap(it.zoom)
				return
			}
		}
		t.Fatalf("no layer %s in the panel: %+v", name, p.rows)
	}

	tap("dtdict_ouvrages")
	want := "« Réseaux déclarés au guichet unique » n'a rien à montrer sur la carte : ses objets n'ont pas de géométrie."
	if len(zoomed) != 0 || p.note.Text != want || !p.note.Visible() {
		t.Errorf("zoom to the settings layer: zoomed %v, note %q (shown %v), want no zoom and %q", zoomed, p.note.Text, p.note.Visible(), want)
	}
	tap("dtdict")
	want = "La couche « Déclarations DT-DICT reçues » n'a encore aucun objet."
	if len(zoomed) != 0 || p.note.Text != want {
		t.Errorf("zoom to the empty register: zoomed %v, note %q, want no zoom and %q", zoomed, p.note.Text, want)
	}
	tap("canalaep")
	if len(zoomed) != 1 || zoomed[0] != "canalaep" || p.note.Visible() {
		t.Errorf("zoom to canalaep: zoomed %v, note %q shown %v, want a zoom and no note", zoomed, p.note.Text, p.note.Visible())
	}
}
