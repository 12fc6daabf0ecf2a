package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
)

// The offline preparation offers the area on screen, the communes and an
// area drawn on the map, and says how much each would weigh before
// anything is downloaded.
func TestOfflinePreparationAreas(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	openInShell(t, m, demoWorkspaceFile(t, "horsligne.gpkg"))
	m.settings.basemap = "osm"
	tournus := offlineArea{name: "Tournus", area: orb.Polygon{{{4.88, 46.54}, {4.93, 46.54}, {4.93, 46.58}, {4.88, 46.58}, {4.88, 46.54}}}}
	f := m.offlineDialogWith(nil, []offlineArea{tournus})
	if got := f.area.Options; len(got) != 2 || got[1] != "Tournus" {
		t.Fatalf("areas offered: %v", got)
	}
	f.area.SetSelected("Tournus")
	if !strings.Contains(f.estimate.Text, "tuiles de fond de plan") || !strings.Contains(f.estimate.Text, "Mo") {
		t.Fatalf("estimate: %q", f.estimate.Text)
	}
	// Draw an area: the next polygon drawn reopens the dialog with it first.
	test.Tap(f.draw)
	if m.view.drawFor == nil {
		t.Fatal("the draw button did not wait for a shape")
	}
	m.view.sketchDone(orb.Polygon{{{4.90, 46.56}, {4.91, 46.56}, {4.91, 46.57}, {4.90, 46.56}}})
	top := m.window.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(test.RenderObjectToMarkup(top), "La zone dessinée sur la carte") {
		t.Fatal("the dialog did not come back with the drawn area first")
	}
	// A basemap file needs no preparation: the dialog says so.
	m.settings.basemap = "/cartes/fond.mbtiles"
	f = m.offlineDialogWith(nil, nil)
	if !strings.Contains(f.estimate.Text, "hors ligne") {
		t.Errorf("estimate with a tile file: %q", f.estimate.Text)
	}
}
