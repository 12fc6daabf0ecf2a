package app

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
)

// pipesWorkspaceFile writes a workspace with hydrants and a sewer pipe
// (dashed on the map) in Tournus.
func pipesWorkspaceFile(t *testing.T) (path, hydrant string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "reseaux.gpkg")
	ws, err := store.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	sewer := schema.Layer{Name: "canalass", Title: "Canalisations d'assainissement", GeometryType: schema.LineString,
		Fields: []schema.Field{{Name: "typreseau", Type: schema.Text}}}
	for _, l := range []schema.Layer{sewer, hydrantLayer()} {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		if _, err := tx.Create("canalass", store.Feature{Geometry: orb.LineString{{4.904, 46.560}, {4.916, 46.568}},
			Properties: map[string]any{"typreseau": "02"}}); err != nil {
			return err
		}
		f, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.910, 46.564},
			Properties: map[string]any{"numero": "T-01", "type_pei": "PI"}})
		hydrant = f.UUID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, hydrant
}

// samePixels reports whether two images are the same picture.
func samePixels(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			if a.At(ab.Min.X+x, ab.Min.Y+y) != b.At(bb.Min.X+x, bb.Min.Y+y) {
				return false
			}
		}
	}
	return true
}

// TestPresentationModeForAMeeting checks the presentation mode as an élu's meeting
// needs it: the legend's swatches are the map engine's (the sewer pipe
// dashed), the legend is small and folds away, the selection ring goes,
// and leaving puts symbols and labels back to their size and the
// selection back.
func TestPresentationModeForAMeeting(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	path, id := pipesWorkspaceFile(t)
	openInShell(t, m, path)
	v := m.view
	hydrant, err := m.sess.ws.Get(context.Background(), "pei", id)
	if err != nil {
		t.Fatal(err)
	}
	v.highlight(&hydrant)
	ring := []mapview.FeatureRef{{Layer: "pei", FID: hydrant.FID}}

	zoom := max(v.mapw.Viewport.Zoom, legendMinSwatchZoom) // the zoom the legend is drawn for
	m.togglePresentation()
	if !m.presenting() || m.legend == nil {
		t.Fatal("the presentation mode did not start")
	}
	if sel := m.sess.tiles.Selection(); len(sel) != 0 {
		t.Errorf("the selection ring stays in the presentation: %v", sel)
	}
	if k := m.sess.tiles.Magnification(); k != presentationMagnification {
		t.Errorf("magnification %g in the presentation, want %g", k, presentationMagnification)
	}
	if len(m.legend.titles) != 2 || m.legend.titles[0] != "Points d'eau incendie" || m.legend.titles[1] != "Canalisations d'assainissement" {
		t.Fatalf("legend %q, want the hydrants then the sewer pipes", m.legend.titles)
	}
	for i, name := range []string{"pei", "canalass"} {
		l, _ := m.sess.ws.Layer(name)
		want := mapview.DrawSwatch(m.sess.styles[name], mapview.SwatchKindOf(l.Schema.GeometryType), nil, zoom,
			legendSwatchWidth, legendSwatchHeight, 2)
		if !samePixels(m.legend.swatches[i].Image, want) {
			t.Errorf("the legend's %s swatch is not the one the map engine draws", name)
		}
	}
	if h, wh := m.legend.object.MinSize().Height, w.Canvas().Size().Height; h > wh/4 {
		t.Errorf("the legend is %g high in a window of %g: it hides the map", h, wh)
	}
	test.Tap(m.legend.toggle)
	if m.legend.list.Visible() {
		t.Error("the legend does not fold")
	}
	test.Tap(m.legend.toggle)
	if !m.legend.list.Visible() {
		t.Error("the folded legend does not open again")
	}

	m.togglePresentation()
	if m.presenting() {
		t.Fatal("the presentation mode did not end")
	}
	if k := m.sess.tiles.Magnification(); k != 1 {
		t.Errorf("magnification %g after the presentation, want 1", k)
	}
	if sel := m.sess.tiles.Selection(); len(sel) != 1 || sel[0] != ring[0] {
		t.Errorf("selection %v after the presentation, want %v back", sel, ring)
	}
}

// TestPresentationBannerBelowTheHint checks that the word of an unreachable
// basemap, in the presentation, is under the «Échap ou F11» hint and its
// button, not over them.
func TestPresentationBannerBelowTheHint(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	w.Resize(fyne.NewSize(1366, 768))
	path, _ := pipesWorkspaceFile(t)
	openInShell(t, m, path)
	m.view.banner.text.SetText("Fond de plan inaccessible (OpenStreetMap) — hors ligne ? Vos données restent affichées.")
	m.view.banner.object.Show()
	m.togglePresentation()
	var hint fyne.CanvasObject
	for _, o := range test.LaidOutObjects(m.presentation) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "Présentation") {
			hint = l
		}
	}
	if hint == nil {
		t.Fatal("no hint in the presentation")
	}
	d := fyne.CurrentApp().Driver()
	hintBottom := d.AbsolutePositionForObject(hint).Y + hint.Size().Height
	if top := d.AbsolutePositionForObject(m.view.banner.text).Y; top < hintBottom {
		t.Errorf("the banner's text starts at %g, over the hint that ends at %g", top, hintBottom)
	}
}
