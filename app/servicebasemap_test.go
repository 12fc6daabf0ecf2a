package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/ogcserve"
	"terrimap/mapview/tiles"
	"terrimap/mapview/tiles/catalog"
)

// A basemap from a real WMS, MapServer's, chosen as a user does: the
// settings' «Une couche d'un service WMS ou WMTS…», its address pasted,
// the layer chosen with its title, abstract and credit shown; the map then
// draws its tiles and credits it.
func TestServiceBasemapFromMapServer(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	s := ogcserve.MapServer(t, ogcserve.CopyCommunes(t), ogcserve.CommunesLayer)
	path := demoWorkspaceFile(t, "wms.gpkg")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	d := m.openSettings()
	d.basemap.SetSelectedIndex(slices.Index(d.basemapNames, tiles.ServicePrefix))
	sd := d.services
	if sd == nil {
		t.Fatal("choosing a WMS or WMTS service opened no dialog")
	}
	if sd.use.Disabled() == false {
		t.Errorf("«Utiliser comme fond de plan» enabled before a layer is chosen")
	}

	// An address that answers no capabilities says so in French.
	sd.address.SetText(s.Base + "/nothing")
	sd.readLayers()
	q.runUntil(t, func() bool { return !sd.read.Disabled() })
	if !strings.Contains(sd.status.Text, "ne donne pas les capacités") && !strings.Contains(sd.status.Text, "a refusé") {
		t.Errorf("a wrong address: %q", sd.status.Text)
	}

	sd.address.SetText(s.WMS)
	sd.readLayers()
	q.runUntil(t, func() bool { return sd.cat != nil })
	// MapServer names its root layer after the map: two layers.
	if !strings.Contains(sd.status.Text, "2 couches, dont 2 affichables") {
		t.Errorf("status %q", sd.status.Text)
	}
	sd.layers.Select(slices.IndexFunc(sd.cat.Layers, func(l catalog.Layer) bool { return l.Name == ogcserve.CommunesLayer }))
	if !strings.Contains(sd.about.Text, ogcserve.MapServerTitle) || !strings.Contains(sd.about.Text, "Source : "+ogcserve.MapServerAttribution) {
		t.Errorf("the layer's description: %q", sd.about.Text)
	}
	if sd.territory.IsZero() || strings.Contains(sd.about.Text, "ne couvre pas") {
		t.Errorf("territory %v: the communes of Saône-et-Loire said not to cover it: %q", sd.territory, sd.about.Text)
	}
	// Seen from Guadeloupe, the layer covers nothing.
	home := sd.territory
	sd.territory = orb.Bound{Min: orb.Point{-61.8, 15.8}, Max: orb.Point{-61.0, 16.5}}
	sd.layerChosen(sd.chosen)
	if !strings.Contains(sd.about.Text, "ne couvre pas le territoire") {
		t.Errorf("a layer far from the territory: %q", sd.about.Text)
	}
	sd.territory = home
	if sd.grid.Selected != "EPSG:3857" || sd.format.Selected != "image/png" || sd.use.Disabled() {
		t.Errorf("choices: CRS %q, format %q, use disabled %v", sd.grid.Selected, sd.format.Selected, sd.use.Disabled())
	}
	sd.useLayer()
	q.runUntil(t, func() bool { return strings.HasPrefix(m.settings.basemap, tiles.ServicePrefix) })
	if got := loadSettings(m.prefs).basemap; got != m.settings.basemap {
		t.Errorf("saved basemap %q", got)
	}
	if d.basemap.Selected != "Une couche d'un service WMS ou WMTS…" || !strings.Contains(d.file.Text, ogcserve.MapServerTitle) {
		t.Errorf("the settings show %q, %q", d.basemap.Selected, d.file.Text)
	}
	src := m.sess.currentBasemap()
	if src == nil {
		t.Fatal("the map has no basemap")
	}
	if src.Info().Attribution != ogcserve.MapServerAttribution {
		t.Errorf("the basemap's attribution: %q", src.Info().Attribution)
	}
	if !strings.Contains(m.view.credits.text.Text, ogcserve.MapServerAttribution) || !m.view.credits.object.Visible() {
		t.Errorf("the map credits %q, want the layer's attribution", m.view.credits.text.Text)
	}
	img, err := src.Tile(t.Context(), maptile.At(orb.Point{4.909, 46.563}, 12))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, a := img.At(128, 128).RGBA(); a>>8 != 255 || r>>8 < 200 || b>>8 > 60 || g>>8 < 150 {
		t.Errorf("the tile over Tournus at its centre: %d %d %d %d, want MapServer's yellow fill", r>>8, g>>8, b>>8, a>>8)
	}
}
