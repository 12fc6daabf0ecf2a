package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/srs"
	"terrimap/sync/protocol"
)

// Real files of the territory, copied in the store's testdata (see its SOURCE.txt).
const (
	communesShapefileL93 = "../store/testdata/shp_l93/ccmt_communes_l93.shp"
	communesGeoPackage93 = "../store/testdata/ccmt-communes-l93.gpkg"
	communesCSV          = "../store/testdata/ccmt-communes.csv"
	gdalSampleGeoPackage = "../store/testdata/gdal_sample.gpkg"
)

// writeFile writes content to name in a temporary folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// hydrantsGeoJSON is a surveyor's file of three hydrants at Tournus.
const hydrantsGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"PEI-1","geometry":{"type":"Point","coordinates":[4.9089,46.5645]},"properties":{"numero":"94","debit":60,"controle":"2025-03-12"}},
{"type":"Feature","id":"PEI-2","geometry":{"type":"Point","coordinates":[4.9120,46.5601]},"properties":{"numero":"95","debit":120,"controle":"2025-03-12"}},
{"type":"Feature","id":"PEI-3","geometry":{"type":"Point","coordinates":[4.9051,46.5702]},"properties":{"numero":"96","debit":null,"controle":null}}]}`

// newTestImportDialog opens the dialog on path and waits for the first
// pass over the file (or its error).
func newTestImportDialog(t *testing.T, ws *store.Workspace, path string, done func(store.ImportReport)) (*fileImportDialog, uiQueue) {
	t.Helper()
	w, q := dialogWindow(t)
	d := newFileImportDialog(w, ws, path, q.do, done)
	d.show()
	t.Cleanup(d.dialog.Hide) // releases the file
	q.runUntil(t, func() bool { return d.src != nil || d.srcErr != nil || d.gpkgLayers != nil })
	return d, q
}

// hydrantWorkspace is a workspace with a layer of hydrants (points), one
// of pipes (lines) and a read-only layer of communes.
func hydrantWorkspace(t *testing.T) *store.Workspace {
	t.Helper()
	return workspaceWithLayers(t,
		schema.Layer{Name: "pei", Title: "Poteaux d'incendie", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "numero", Title: "Numéro", Type: schema.Text},
			{Name: "debit", Title: "Débit", Type: schema.Integer},
		}},
		schema.Layer{Name: "canalaep", Title: "Canalisations d'eau potable", GeometryType: schema.LineString},
		schema.Layer{Name: "communes", GeometryType: schema.MultiPolygon, ReadOnly: true})
}

// importAndWait taps Import and waits for the import's end.
func importAndWait(t *testing.T, d *fileImportDialog, q uiQueue) {
	t.Helper()
	if d.importB.Disabled() {
		t.Fatalf("import not offered: %q %q", d.check.Text, d.state.Text)
	}
	test.Tap(d.importB)
	q.runUntil(t, func() bool { return !d.running })
}

// pendingCount is how many local changes wait to be sent.
func pendingCount(t *testing.T, ws *store.Workspace) int {
	t.Helper()
	counts, err := ws.JournalCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[store.StatePending]
}

// A GeoJSON into a new layer: the summary says what the file holds, the
// name offered comes from the file's, the import creates the layer with
// its features as local creations.
func TestFileImportGeoJSONIntoNewLayer(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	path := writeFile(t, "poteaux_incendie-2025.geojson", hydrantsGeoJSON)
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, path, func(r store.ImportReport) { done = &r })

	for _, c := range []struct{ what, got, want string }{
		{"count", d.count.Text, "3 objets"},
		{"geometry", d.kinds.Text, "points"},
		{"system", d.system.Text, "Longitude/latitude (WGS84), indiqué par le fichier"},
		{"fields", d.fields.Text, "numero (texte), debit (nombre entier), controle (date)"},
		{"title", d.title.Text, "Poteaux incendie 2025"},
		{"check", d.check.Text, "Une nouvelle couche «\u00a0Poteaux incendie 2025\u00a0» est créée avec les champs du fichier."},
		{"sync", d.syncNote.Text, "Cet espace de travail n'est relié à aucune plateforme : les objets importés restent sur cet ordinateur."},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	importAndWait(t, d, q)
	if done == nil {
		t.Fatalf("not imported: %q", d.state.Text)
	}
	if !done.CreatedLayer || done.Features != 3 || done.Layer != "poteaux_incendie_2025" {
		t.Errorf("report %+v", done)
	}
	if got := importDoneText(ws, *done); got != "3 objets importés dans la couche «\u00a0Poteaux incendie 2025\u00a0»." {
		t.Errorf("message %q", got)
	}
	fs, err := ws.Query(context.Background(), store.Query{Layer: "poteaux_incendie_2025"})
	if err != nil || len(fs) != 3 || fs[1].Properties["numero"] != "95" || fs[1].Properties["debit"] != int64(120) {
		t.Fatalf("features %v, %v", fs, err)
	}
	if n := pendingCount(t, ws); n != 3 {
		t.Errorf("%d changes to send, want 3", n)
	}

	// The same file again: its name is taken, so the dialog proposes
	// another and says the file may be imported already.
	d, _ = newTestImportDialog(t, ws, path, nil)
	if want := "Une nouvelle couche «\u00a0Poteaux incendie 2025 2\u00a0» est créée avec les champs du fichier.\nUne couche «\u00a0Poteaux incendie 2025\u00a0» existe déjà : si elle vient de ce fichier, il est déjà importé, et l'importer de nouveau en ferait une copie."; d.check.Text != want {
		t.Errorf("the same file again:\n%q\nwant\n%q", d.check.Text, want)
	}
	// Named otherwise by the user, the warning stays: the file's name is taken.
	d.title.SetText("Poteaux 2025 bis")
	if !strings.Contains(d.check.Text, "existe déjà") {
		t.Errorf("renamed: %q", d.check.Text)
	}
}

// The name of a new layer is checked: empty, or a layer's already, it
// cannot be imported; what the sync does is said for a linked workspace.
func TestFileImportChecksTheNewLayerName(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	d, _ := newTestImportDialog(t, ws, writeFile(t, "pei.geojson", hydrantsGeoJSON), nil)
	d.platform = true
	for _, c := range []struct{ title, check string }{
		{"  ", "⚠ Donnez un nom à la nouvelle couche."},
		{"poteaux d'INCENDIE", "⚠ Une couche s'appelle déjà «\u00a0poteaux d'INCENDIE\u00a0» : choisissez un autre nom, ou importez dans cette couche."},
		{"PEI", "⚠ Une couche s'appelle déjà «\u00a0PEI\u00a0» : choisissez un autre nom, ou importez dans cette couche."},
		{"PEI du SDIS", "Une nouvelle couche «\u00a0PEI du SDIS\u00a0» est créée avec les champs du fichier."},
	} {
		d.title.SetText(c.title)
		if d.check.Text != c.check || d.importB.Disabled() == (c.check[0] != '\xe2') {
			t.Errorf("%q: %q, import disabled %v", c.title, d.check.Text, d.importB.Disabled())
		}
	}
	if opts, _ := d.options(); opts.Layer != "pei_du_sdis" || opts.Title != "PEI du SDIS" {
		t.Errorf("options %+v", opts)
	}
	if !strings.Contains(d.syncNote.Text, "où seul un administrateur peut la publier") ||
		!strings.Contains(d.syncNote.Text, "la couche et ses objets restent sur cet ordinateur (rien n'est perdu)") {
		t.Errorf("sync note %q", d.syncNote.Text)
	}
}

// Into an existing layer: only layers the user may edit, of the file's
// kind of geometry; the fields are matched by name, the others left out.
func TestFileImportIntoExistingLayer(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, writeFile(t, "releve.geojson", hydrantsGeoJSON), func(r store.ImportReport) { done = &r })
	d.platform = true
	d.access["pei"] = protocol.Access{Read: true, Create: true, Territory: ccmtSquare}
	d.where.SetSelected("Dans une couche existante")
	if d.newForm.Visible() || !d.existingForm.Visible() {
		t.Error("the name of a new layer is asked for an existing layer")
	}
	if got := strings.Join(d.existing.Options, "|"); got != "Poteaux d'incendie" {
		t.Errorf("layers offered for points: %s", got)
	}
	if d.check.Text != "⚠ Choisissez la couche où ajouter les objets." || !d.importB.Disabled() {
		t.Errorf("no layer chosen: %q", d.check.Text)
	}
	// A layer of another kind, were it chosen, is refused before the import.
	d.targets = append(d.targets, "canalaep")
	d.existing.SetOptions(append(d.existing.Options, "Canalisations d'eau potable"))
	d.existing.SetSelected("Canalisations d'eau potable")
	if d.check.Text != "⚠ Le fichier contient des points, la couche «\u00a0Canalisations d'eau potable\u00a0» des lignes : choisissez une autre couche, ou une nouvelle couche." || !d.importB.Disabled() {
		t.Errorf("lines for points: %q", d.check.Text)
	}
	d.existing.SetSelected("Poteaux d'incendie")
	if !strings.HasPrefix(d.check.Text, "Les objets sont ajoutés à la couche «\u00a0Poteaux d'incendie\u00a0»") ||
		!strings.Contains(d.syncNote.Text, "La plateforme refuse ceux qui sont hors de votre territoire") {
		t.Errorf("into pei: %q / %q", d.check.Text, d.syncNote.Text)
	}
	importAndWait(t, d, q)
	if done == nil || done.CreatedLayer || done.Features != 3 || strings.Join(done.IgnoredFields, ",") != "controle" {
		t.Fatalf("report %+v, state %q", done, d.state.Text)
	}
	if n := ws.Index().Len("pei"); n != 3 {
		t.Errorf("%d hydrants", n)
	}
}

// Real files of the territory: the Shapefile of the communes in
// Lambert-93 is recognised as such and lands in longitude/latitude.
func TestFileImportShapefileLambert93(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, communesShapefileL93, func(r store.ImportReport) { done = &r })
	if d.count.Text != "24 objets" || d.kinds.Text != "surfaces (polygones)" ||
		d.system.Text != "Lambert-93 (EPSG:2154), indiqué par le fichier" || !strings.Contains(d.fields.Text, "(texte)") {
		t.Errorf("summary %q %q %q %q", d.count.Text, d.kinds.Text, d.system.Text, d.fields.Text)
	}
	d.title.SetText("Communes (IGN)")
	importAndWait(t, d, q)
	if done == nil || done.Features != 24 {
		t.Fatalf("report %+v, state %q", done, d.state.Text)
	}
	b, ok := ws.Index().Bound(done.Layer)
	if !ok || b.Min[0] < 4.6 || b.Max[0] > 5.1 || b.Min[1] < 46.3 || b.Max[1] > 46.7 {
		t.Errorf("extent %v %v: not the CCMT in longitude/latitude", b, ok)
	}
}

// A Shapefile without its .prj in Lambert-93 (a survey firm's, most
// often) is read in Lambert-93, the dialog saying it was deduced from the
// coordinates. One in another system cannot be told: read as
// longitude/latitude it is refused, naming the first object; read in the
// system the user chooses, imported.
func TestFileImportShapefileWithoutPRJ(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, communesWithoutPRJ(t), func(r store.ImportReport) { done = &r })
	if want := "Lambert-93 (EPSG:2154), déduit des coordonnées (le fichier ne l'indique pas)"; d.system.Text != want {
		t.Errorf("system %q, want %q", d.system.Text, want)
	}
	importAndWait(t, d, q)
	if done == nil || done.Features != 24 || done.SourceSRS != 2154 {
		t.Fatalf("Lambert-93 deduced: %+v, %q", done, d.state.Text)
	}
	if b, ok := ws.Index().Bound(done.Layer); !ok || !b.Contains(orb.Point{4.9, 46.55}) || b.Max[0] > 5.1 || b.Min[1] < 46.3 {
		t.Errorf("the communes are not around Tournus: %v", b)
	}

	before := workspaceState(t, ws)
	done = nil
	d, q = newTestImportDialog(t, ws, communesInCC47WithoutPRJ(t), func(r store.ImportReport) { done = &r })
	if d.system.Text != "non indiqué par le fichier : lu en longitude/latitude (WGS84)" {
		t.Errorf("system %q", d.system.Text)
	}
	importAndWait(t, d, q)
	if want := "L'objet n° 1 du fichier ne peut pas être importé : ses coordonnées ne sont pas des longitudes et latitudes.\nRien n'a été importé : l'espace de travail est resté tel quel.\nSi tous les objets sont dans ce cas, le fichier est dans un autre système de coordonnées : choisissez-le dans «\u00a0Lire les coordonnées en\u00a0». Sinon, corrigez cet objet dans le fichier, puis importez-le de nouveau."; d.state.Text != want {
		t.Errorf("read as degrees:\n%q\nwant\n%q", d.state.Text, want)
	}
	if after := workspaceState(t, ws); after != before || done != nil {
		t.Errorf("workspace changed: %s, was %s", after, before)
	}
	d.crs.SetSelected(systemName(srs.CC47))
	importAndWait(t, d, q)
	if done == nil || done.Features != 24 || done.SourceSRS != 3947 {
		t.Fatalf("read as CC47: %+v, %q", done, d.state.Text)
	}
}

// A GeoPackage with several layers: the user chooses one, then sees it.
func TestFileImportGeoPackageLayerChoice(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	d, q := newTestImportDialog(t, ws, gdalSampleGeoPackage, nil)
	if d.count.Text != "Choisissez la couche du GeoPackage à importer." || len(d.sourceLayer.Options) < 10 || !d.importB.Disabled() {
		t.Fatalf("before the choice: %q, %d layers", d.count.Text, len(d.sourceLayer.Options))
	}
	d.sourceLayer.SetSelected("linestring2d")
	q.runUntil(t, func() bool { return d.src != nil || d.srcErr != nil })
	if d.kinds.Text != "lignes" || d.title.Text != "linestring2d" || d.importB.Disabled() {
		t.Errorf("linestring2d: %q %q %q, import disabled %v", d.count.Text, d.kinds.Text, d.title.Text, d.importB.Disabled())
	}
	// A layer in UTM 31: the dialog says which system, and why not.
	d.sourceLayer.SetSelected("polygon2d")
	q.runUntil(t, func() bool { return d.src != nil || d.srcErr != nil })
	if d.system.Text != "UTM 31 Nord (EPSG:32631), que Terrimap ne sait pas convertir" || !d.importB.Disabled() ||
		!strings.HasPrefix(d.state.Text, "Le fichier est dans un système de coordonnées que Terrimap ne sait pas convertir") {
		t.Errorf("polygon2d: %q %q, import disabled %v", d.system.Text, d.state.Text, d.importB.Disabled())
	}

	// A GeoPackage of one layer in Lambert-93 is read at once.
	d2, _ := newTestImportDialog(t, ws, communesGeoPackage93, nil)
	if d2.count.Text != "24 objets" || d2.system.Text != "Lambert-93 (EPSG:2154), indiqué par le fichier" {
		t.Errorf("one layer: %q %q", d2.count.Text, d2.system.Text)
	}
}

// A CSV without coordinates cannot be imported, and the dialog says why
// before anything is tried.
func TestFileImportCSVWithoutCoordinates(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	d, _ := newTestImportDialog(t, ws, communesCSV, nil)
	if d.count.Text != "24 objets" || d.kinds.Text != "aucune géométrie" {
		t.Errorf("summary %q %q", d.count.Text, d.kinds.Text)
	}
	if !strings.HasPrefix(d.check.Text, "⚠ Aucun objet de ce fichier n'a de géométrie.") || !d.importB.Disabled() {
		t.Errorf("check %q, import disabled %v", d.check.Text, d.importB.Disabled())
	}
}

// A file the import cannot read is refused at once, in French: a format
// Terrimap does not import (the store chooses the reader by the
// extension), a file gone.
func TestFileImportRefusedFiles(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	for _, c := range []struct{ path, want string }{
		{"../store/testdata/world_cities.mbtiles", "Terrimap importe les fichiers GeoJSON, Shapefile, CSV et GeoPackage."},
		{"../store/formats/testdata/dxf/plan_l93.dxf", "Terrimap importe les fichiers GeoJSON, Shapefile, CSV et GeoPackage."},
		{filepath.Join(t.TempDir(), "disparu.geojson"), "Le fichier n'a pas pu être ouvert : vérifiez qu'il existe toujours et que vous avez le droit de le lire."},
	} {
		d, _ := newTestImportDialog(t, ws, c.path, nil)
		want := c.want + "\nRien n'a été importé : l'espace de travail est resté tel quel."
		if d.srcErr == nil || d.state.Text != want || !d.importB.Disabled() {
			t.Errorf("%s: %q (%v), import disabled %v", filepath.Base(c.path), d.state.Text, d.srcErr, d.importB.Disabled())
		}
	}
}

// workspaceState is what an import must leave unchanged when it fails:
// the layers, the features of each, the journal.
func workspaceState(t *testing.T, ws *store.Workspace) string {
	t.Helper()
	var b strings.Builder
	for _, l := range ws.Layers() {
		fs, err := ws.Query(context.Background(), store.Query{Layer: l.Name()})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d ", l.Name(), len(fs))
	}
	fmt.Fprintf(&b, "pending:%d", pendingCount(t, ws))
	return b.String()
}

// A bad file is refused with a French message naming the object, and the
// workspace is as it was: an unreadable feature found by the first pass, a
// value the layer refuses found while writing.
func TestFileImportBadFeatureChangesNothing(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	before := workspaceState(t, ws)

	bad := strings.Replace(hydrantsGeoJSON, `"coordinates":[4.9051,46.5702]`, `"coordinates":[4.9051]`, 1)
	d, _ := newTestImportDialog(t, ws, writeFile(t, "pei.geojson", bad), nil)
	if want := "L'objet n° 3 du fichier (identifiant «\u00a0PEI-3\u00a0») ne peut pas être importé : sa géométrie est invalide (coordonnées manquantes ou fausses).\nRien n'a été importé : l'espace de travail est resté tel quel.\nCorrigez cet objet dans le fichier (ou demandez un fichier corrigé à la personne qui vous l'a envoyé), puis importez-le de nouveau."; d.state.Text != want {
		t.Errorf("unreadable feature:\n%q\nwant\n%q", d.state.Text, want)
	}
	if !d.importB.Disabled() || d.right.Visible() {
		t.Error("import offered for an unreadable file")
	}

	wrong := strings.Replace(hydrantsGeoJSON, `"debit":120`, `"debit":"fort"`, 1)
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, writeFile(t, "pei2.geojson", wrong), func(r store.ImportReport) { done = &r })
	d.where.SetSelected("Dans une couche existante")
	d.existing.SetSelected("Poteaux d'incendie")
	importAndWait(t, d, q)
	if done != nil {
		t.Fatalf("imported %+v", done)
	}
	if want := "L'objet n° 2 du fichier (identifiant «\u00a0PEI-2\u00a0») ne peut pas être importé : la valeur du champ «\u00a0debit\u00a0» ne convient pas à la couche.\nRien n'a été importé : l'espace de travail est resté tel quel.\nCorrigez cet objet dans le fichier (ou demandez un fichier corrigé à la personne qui vous l'a envoyé), puis importez-le de nouveau."; d.state.Text != want {
		t.Errorf("refused value:\n%q\nwant\n%q", d.state.Text, want)
	}
	if after := workspaceState(t, ws); after != before {
		t.Errorf("workspace changed: %s, was %s", after, before)
	}
}

// Cancel during the import leaves nothing: no layer, no feature, no change
// to send.
func TestFileImportCancelLeavesNothing(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	before := workspaceState(t, ws)
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	const n = 20000
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,46.56]},"properties":{"n":%d}}`, 4.85+float64(i)*0.000005, i)
	}
	b.WriteString("]}")
	var done *store.ImportReport
	d, q := newTestImportDialog(t, ws, writeFile(t, "points.geojson", b.String()), func(r store.ImportReport) { done = &r })
	test.Tap(d.importB)
	// The import posts its progress every 100 features and waits when the
	// queue is full: it cannot be past 6,600 features when the first
	// progress shown cancels it.
	q.runUntil(t, func() bool { return d.bar.Value > 0 })
	if !d.where.Disabled() || !d.crs.Disabled() || !d.title.Disabled() {
		t.Error("the choices can be changed under the import")
	}
	test.Tap(d.cancelB)
	if d.state.Text != "Annulation…" {
		t.Errorf("while cancelling: %q", d.state.Text)
	}
	q.runUntil(t, func() bool { return !d.running })
	if done != nil || d.state.Text != "Import annulé : rien n'a été importé." {
		t.Errorf("after cancel: %q, %+v", d.state.Text, done)
	}
	if after := workspaceState(t, ws); after != before {
		t.Errorf("workspace changed: %s, was %s", after, before)
	}
	if d.importB.Disabled() || d.where.Disabled() || d.crs.Disabled() {
		t.Error("the import cannot be started again")
	}
}

// The name and title of a new layer are plain rules, tried without a
// window: a title from the file's name, free among the layers' titles and
// names; a name unique in the workspace and clear of the platform's own
// prefixes.
func TestNewLayerNameRules(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws := hydrantWorkspace(t)
	for _, c := range []struct{ path, want string }{
		{"/tmp/PEI_SDIS71-Tournus.csv", "PEI SDIS71 Tournus"},
		{"communes.2024.geojson", "Communes 2024"},
		{"éclairage public.shp", "Éclairage public"},
	} {
		if got := titleFromFileName(c.path); got != c.want {
			t.Errorf("title of %s: %q, want %q", c.path, got, c.want)
		}
	}
	if got := freeLayerTitle(ws, "Communes"); got != "Communes 2" {
		t.Errorf("free title: %q", got)
	}
	for _, c := range []struct{ typed, name, why string }{
		{"Relevés 2025", "releves_2025", ""},
		{"srv stations", "couche_srv_stations", ""},
		{"SQLite exports", "couche_sqlite_exports", ""},
		{"pei", "", "Une couche s'appelle déjà «\u00a0pei\u00a0» : choisissez un autre nom, ou importez dans cette couche."},
		{" ", "", "Donnez un nom à la nouvelle couche."},
	} {
		if name, why := newLayerName(ws, c.typed); name != c.name || why != c.why {
			t.Errorf("%q: %q %q, want %q %q", c.typed, name, why, c.name, c.why)
		}
	}
}
