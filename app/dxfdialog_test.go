package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// planL93 is the plan de récolement of the store/formats tests, in Lambert-93.
const planL93 = "../store/formats/testdata/dxf/plan_l93.dxf"

// recolementWorkspace writes a workspace with a RAEPA-like pipe layer
// (required identifier and date, coded material) and a read-only layer.
func recolementWorkspace(t *testing.T) *store.Workspace {
	t.Helper()
	return workspaceWithLayers(t,
		schema.Layer{Name: "canalaep", Title: "Canalisations d'eau potable", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "idcana", Title: "Identifiant", Type: schema.Text, Required: true},
			{Name: "materiau", Title: "Matériau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "11", Label: "Fonte ductile"}, {Code: "27", Label: "PVC U lisse"}}},
			{Name: "diametre", Title: "Diamètre", Type: schema.Integer},
		}},
		schema.Layer{Name: "communes", GeometryType: schema.MultiPolygon, ReadOnly: true})
}

// workspaceWithLayers writes a new workspace with the given layers, closed
// at the end of the test.
func workspaceWithLayers(t *testing.T, layers ...schema.Layer) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, s := range layers {
		if _, err := ws.CreateLayer(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// ccmtSquare is the extent of the CCMT as a polygon: the territory where
// the platform lets the tests' user edit, which places plans.
var ccmtSquare = orb.Bound{Min: orb.Point{4.742850, 46.399120}, Max: orb.Point{4.986150, 46.595960}}.ToPolygon()

// dialogWindow is a test window for a dialog, and the queue through which
// the dialog's work comes back to it.
func dialogWindow(t *testing.T) (fyne.Window, uiQueue) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	return w, make(uiQueue, 64)
}

func newTestDXFDialog(t *testing.T, ws *store.Workspace, done func(store.ImportReport)) (*dxfDialog, uiQueue) {
	t.Helper()
	w, q := dialogWindow(t)
	d := newDXFDialog(w, ws, planL93, q.do, done)
	d.territory = (&session{access: map[string]protocol.Access{"canalaep": {Read: true, Update: true, Territory: ccmtSquare}}}).planTerritory()
	d.show()
	q.runUntil(t, func() bool { return d.preview != nil || strings.Contains(d.summary.Text, "DXF") })
	return d, q
}

// The dialog previews the plan, the user gives the values of a DXF layer
// and leaves others out, then imports: the features are in the layer and
// in the journal.
func TestDXFDialogPreviewAndImport(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := recolementWorkspace(t)
	var imported *store.ImportReport
	d, q := newTestDXFDialog(t, ws, func(r store.ImportReport) { imported = &r })

	if len(d.targets) != 1 || d.targets[0] != "canalaep" || d.target.Selected != "Canalisations d'eau potable" {
		t.Errorf("target layers %v, selected %q", d.targets, d.target.Selected)
	}
	if !strings.Contains(d.summary.Text, "Lambert-93 (EPSG:2154), trouvé d'après les coordonnées") ||
		!strings.Contains(d.summary.Text, "6 objets (0 points, 6 lignes)") {
		t.Errorf("summary %q", d.summary.Text)
	}
	for _, want := range []string{
		"2 entité(s) (INSERT) du calque DXF AEP_VANNES ne vont pas dans la couche choisie",
		"1 entité(s) (TEXT) du calque DXF TEXTES sont d'un type que Terrimap n'importe pas",
		"le champ obligatoire idcana n'a pas de valeur",
	} {
		if !strings.Contains(d.problems.Text, want) {
			t.Errorf("problems lack %q:\n%s", want, d.problems.Text)
		}
	}
	if !d.importB.Disabled() {
		t.Error("import offered while a required field has no value")
	}
	if got := d.rowText(1); got != "AEP_FONTE_150 : 1 / 1 à importer" {
		t.Errorf("row text %q", got)
	}

	// Common values: an identifier for every pipe.
	d.layers.Select(0)
	form := d.values.Objects[0].(*widget.Form)
	form.Items[0].Widget.(*widget.Entry).SetText("REC-{n}")
	// AEP_FONTE_150: cast iron, 150 mm.
	d.layers.Select(1)
	form = d.values.Objects[0].(*widget.Form)
	form.Items[1].Widget.(*widget.Select).SetSelected("Fonte ductile")
	form.Items[2].Widget.(*widget.Entry).SetText("150")
	// The building and the street light are left out.
	for _, row := range []int{6, 9} {
		d.layers.Select(row)
		d.include.SetChecked(false)
		q.runUntil(t, func() bool { return d.preview != nil && !strings.Contains(d.summary.Text, "Lecture") })
	}
	if !strings.Contains(d.summary.Text, "4 objets (0 points, 4 lignes)") || d.importB.Disabled() {
		t.Fatalf("after the changes: %q, import disabled %v\n%s", d.summary.Text, d.importB.Disabled(), d.problems.Text)
	}
	if d.rowText(6) != "BATI : non importé" {
		t.Errorf("row text %q", d.rowText(6))
	}

	d.doImport()
	q.runUntil(t, func() bool { return imported != nil })
	if imported.Features != 4 || imported.Layer != "canalaep" {
		t.Errorf("report %+v", imported)
	}
	fs, err := ws.Query(context.Background(), store.Query{Layer: "canalaep"})
	if err != nil || len(fs) != 4 {
		t.Fatalf("%d features, %v", len(fs), err)
	}
	if p := fs[0].Properties; p["idcana"] != "REC-1" || p["materiau"] != "11" || p["diametre"] != int64(150) {
		t.Errorf("first pipe %v", p)
	}
	if p := fs[1].Properties; p["idcana"] != "REC-2" || p["materiau"] != nil {
		t.Errorf("second pipe %v", p)
	}
	pending, _ := ws.Pending(context.Background(), 0)
	if len(pending) != 4 {
		t.Errorf("%d journal entries", len(pending))
	}
}

// A plan read in the wrong coordinate system is refused with what it
// likely is, in the user's language.
func TestDXFDialogWrongCoordinates(t *testing.T) {
	cases := []struct {
		locale string
		want   string
	}{
		{"fr_FR.UTF-8", "Les coordonnées semblent être en Lambert-93 (EPSG:2154) et non en CC47 (EPSG:3947) : choisissez Lambert-93 (EPSG:2154) ou la détection automatique."},
		{"en_US.UTF-8", "The coordinates seem to be in Lambert-93 (EPSG:2154), not in CC47 (EPSG:3947): choose Lambert-93 (EPSG:2154) or automatic detection."},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			useLocale(t, c.locale)
			d, q := newTestDXFDialog(t, recolementWorkspace(t), nil)
			d.crs.SetSelectedIndex(2)
			q.runUntil(t, func() bool { return d.preview == nil && strings.Contains(d.summary.Text, "EPSG:3947") })
			if d.summary.Text != c.want || !d.importB.Disabled() {
				t.Errorf("summary %q (import disabled %v), want %q", d.summary.Text, d.importB.Disabled(), c.want)
			}
		})
	}
}

// Before importing, the dialog draws the plan's features over the map
// around them, in the colour of the edits to come.
func TestDXFDialogShowsThePlanOnTheMap(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := recolementWorkspace(t)
	w, q := dialogWindow(t)
	d := newDXFDialog(w, ws, planL93, q.do, nil)
	d.territory = ccmtSquare.Bound()
	d.renderer, d.mapLayers = mapview.NewRenderer(ws, mapview.RendererOptions{}), mapview.DefaultLayers(ws, nil)
	d.show()
	q.runUntil(t, func() bool { return len(d.mapBox.Objects) > 0 })
	lines := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Line:
			if x.StrokeColor == mineColour {
				lines++
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(d.mapBox)
	if lines == 0 {
		t.Fatal("the plan's pipes are not drawn on the map")
	}
}

// A refused plan's systems are named as everywhere else (systemName).
func TestDXFCoordinateTextNamesTheSystems(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	for _, c := range []struct {
		err  store.DXFCoordinateError
		want string
	}{
		{store.DXFCoordinateError{Declared: 2154, Likely: store.LikelyCC47}, "Les coordonnées semblent être en CC47 (EPSG:3947) et non en Lambert-93 (EPSG:2154) : choisissez CC47 (EPSG:3947) ou la détection automatique."},
		{store.DXFCoordinateError{Likely: store.LikelyLambert93}, "Les coordonnées semblent être en Lambert-93 (EPSG:2154) et non en Lambert-93 ou CC47 : choisissez Lambert-93 (EPSG:2154) ou la détection automatique."},
		{store.DXFCoordinateError{Likely: store.LikelyUTM31}, "Les coordonnées semblent être en UTM 31 Nord (EPSG:32631), que Terrimap ne convertit pas : demandez au géomètre un plan en Lambert-93 ou en CC47."},
		{store.DXFCoordinateError{Likely: store.LikelyWebMercator}, "Les coordonnées semblent être en Web Mercator (EPSG:3857), que Terrimap ne convertit pas : demandez au géomètre un plan en Lambert-93 ou en CC47."},
	} {
		if got := dxfCoordinateText(&c.err); got != c.want {
			t.Errorf("%+v:\n%q\nwant\n%q", c.err, got, c.want)
		}
	}
}
