package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/internal/ogcserve"
	"terrimap/store"
)

// «Ajouter une source…» against QGIS Server: Connexion lists the WFS's
// layers, choosing one shows its title and abstract, «Ajouter la couche»
// downloads the communes in the area shown into a read-only layer; the
// synchronisation panel of this workspace without platform then refreshes
// it (it could not sync at all).
func TestSourceDialogAddsAWFSLayerAndSyncRefreshesIt(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	gpkg := ogcserve.CopyCommunes(t)
	srv := ogcserve.QGIS(t, gpkg, ogcserve.CommunesLayer)
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(fyne.NewSize(900, 700))
	q := make(uiQueue, 64)
	added := ""
	tournus := orb.Bound{Min: orb.Point{4.85, 46.5}, Max: orb.Point{4.95, 46.6}}
	d := newSourceDialog(w, ws, q.do, tournus, func(l string) { added = l })
	d.show()

	test.Tap(d.connect)
	if !strings.Contains(d.status.Text, "adresse") {
		t.Errorf("no address: %q", d.status.Text)
	}
	test.Type(d.address, srv.WFS)
	test.Tap(d.connect)
	q.runUntil(t, func() bool { return !d.busy.Visible() })
	if len(d.items) != 1 || d.items[0].name != ogcserve.CommunesLayer {
		t.Fatalf("layers listed: %+v (status %q)", d.items, d.status.Text)
	}
	if !d.add.Disabled() || d.status.Text != ogcserve.QGISTitle+", WFS 1.1.0" {
		t.Errorf("«Ajouter» enabled %v before a layer is chosen; status %q", !d.add.Disabled(), d.status.Text)
	}
	d.layers.Select(0)
	if !strings.Contains(d.about.Text, ogcserve.QGISTitle) || !strings.Contains(d.about.Text, ogcserve.QGISAbstract) {
		t.Errorf("about: %q", d.about.Text)
	}
	d.onlyView.SetChecked(true)
	test.Tap(d.add)
	q.runUntil(t, func() bool { return !d.busy.Visible() })
	if added == "" || !strings.Contains(d.status.Text, "ajoutée : 16 objets") {
		t.Fatalf("added %q, status %q", added, d.status.Text)
	}
	l, err := ws.Layer(added)
	if err != nil || !l.ReadOnly() || l.Schema.Title != ogcserve.QGISTitle {
		t.Fatalf("layer %q: %v", added, err)
	}

	// Another address that does not answer: the layers listed go.
	d.address.SetText("http://127.0.0.1:1/ows")
	test.Tap(d.connect)
	q.runUntil(t, func() bool { return !d.busy.Visible() })
	if len(d.items) != 0 || !d.add.Disabled() || !strings.Contains(d.status.Text, "ne répond pas") {
		t.Errorf("after a server that does not answer: %d layers, status %q", len(d.items), d.status.Text)
	}

	// The workspace has no platform: the panel syncs its source.
	ogcserve.EditWithOGR(t, gpkg, "UPDATE communes_71 SET nom = 'Tournus-sur-Saône' WHERE code = '71543'")
	p, pq := newTestPanel(t, ws, nil)
	if p.syncButton.Disabled() {
		t.Fatal("Synchroniser is greyed for a workspace with a source")
	}
	p.start()
	pq.runUntil(t, func() bool { return !p.state.running && p.idle() })
	if p.stage.Text != "Sources extérieures mises à jour : 1 sur 1." {
		t.Errorf("after the sync: %q", p.stage.Text)
	}
	fs, err := ws.Query(context.Background(), store.Query{Layer: added})
	if err != nil {
		t.Fatal(err)
	}
	renamed := false
	for _, f := range fs {
		renamed = renamed || f.Properties["nom"] == "Tournus-sur-Saône"
	}
	if !renamed || len(fs) != 16 {
		t.Errorf("after the sync: %d communes, Tournus renamed %v", len(fs), renamed)
	}
}
