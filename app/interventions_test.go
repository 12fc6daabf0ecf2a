package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	gifenc "image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// interventionsLayerSchema is the platform's interventions layer
// (sync/server/demo), for equipment of the hydrants' layer.
func interventionsLayerSchema() schema.Layer {
	coded := func(name, title string, def any, values ...string) schema.Field {
		f := schema.Field{Name: name, Title: title, Type: schema.Text, Required: true, Default: def}
		for i := 0; i+1 < len(values); i += 2 {
			f.Domain = append(f.Domain, schema.CodedValue{Code: values[i], Label: values[i+1]})
		}
		return f
	}
	return schema.Layer{Name: "interventions", Title: "Interventions", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "equipement_uuid", Title: "Équipement", Type: schema.Text, Required: true},
		coded("equipement_couche", "Couche de l'équipement", nil, "pei", "Point d'eau incendie", "eclairage", "Point lumineux"),
		{Name: "date", Title: "Date", Type: schema.Date, Required: true},
		coded("type", "Type d'intervention", "controle", "controle", "Contrôle", "entretien", "Entretien", "reparation", "Réparation"),
		coded("statut", "Statut", "planifiee", "planifiee", "Planifiée", "en_cours", "En cours", "terminee", "Terminée"),
		{Name: "agent", Title: "Agent", Type: schema.Text},
		{Name: "notes", Title: "Notes", Type: schema.Text},
		{Name: "photos", Title: "Photos", Type: schema.Text},
	}}
}

// maintenanceWorkspaceFile is demoWorkspaceFile's three hydrants (T-01 to
// T-03) with check dates, and an interventions layer holding two
// interventions on T-01 and one planned on T-02 for the week of 15 June
// 2026.
func maintenanceWorkspaceFile(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	path := demoWorkspaceFile(t, name)
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.CreateLayer(ctx, interventionsLayerSchema()); err != nil {
		t.Fatal(err)
	}
	hydrants, err := ws.Query(ctx, store.Query{Layer: "pei"})
	if err != nil || len(hydrants) != 3 {
		t.Fatalf("hydrants: %v %v", hydrants, err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for i, props := range []map[string]any{
			{"date_ct": "2024-06-14", "disponible": true}, // over two years before 15/06/2026
			{"date_ct": "2025-09-01", "disponible": true},
			{"date_ct": "2026-01-10", "disponible": false},
		} {
			if _, err := tx.Update("pei", hydrants[i].UUID, store.Change{Properties: props}); err != nil {
				return err
			}
		}
		for _, in := range []struct {
			on                     store.Feature
			date, typ, statut, who string
		}{
			{hydrants[0], "2026-03-01", "controle", "terminee", "C. Martin"},
			{hydrants[0], "2026-05-10", "reparation", "terminee", "J. Petit"},
			{hydrants[1], "2026-06-19", "controle", "planifiee", "C. Martin"},
		} {
			_, err := tx.Create("interventions", store.Feature{Geometry: in.on.Geometry, Properties: map[string]any{
				"equipement_uuid": in.on.UUID, "equipement_couche": "pei", "date": in.date, "type": in.typ, "statut": in.statut, "agent": in.who}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// readOnlyLayer makes a layer of the workspace file read-only, as the
// platform gives it to a viewer.
func readOnlyLayer(t *testing.T, path, layer string) {
	t.Helper()
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	l, err := ws.Layer(layer)
	if err != nil {
		t.Fatal(err)
	}
	s := l.Schema
	s.ReadOnly = true
	if err := ws.UpdateLayerSchema(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// hydrant returns the hydrant numbered n (such as "T-01").
// showInterventionsOf picks the hydrant numbered n in the open workspace
// and waits until its feature panel lists its two interventions.
func showInterventionsOf(t *testing.T, q uiQueue, v *workspaceView, n string) *interventionsSection {
	t.Helper()
	v.pick(hydrant(t, v.s.ws, n))
	sec := v.feature.maint
	q.runUntil(t, func() bool { return len(sec.items) == 2 })
	return sec
}

func hydrant(t *testing.T, ws *store.Workspace, n string) store.Feature {
	t.Helper()
	fs, err := ws.Query(context.Background(), store.Query{Layer: "pei", Equals: map[string]any{"numero": n}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("hydrant %s: %v %v", n, fs, err)
	}
	return fs[0]
}

// editorOf returns the form's editor of a field.
func editorOf(t *testing.T, f *featureForm, name string) *fieldEditor {
	t.Helper()
	for _, e := range f.editors {
		if e.field.Name == name {
			return e
		}
	}
	t.Fatalf("the form has no field %s", name)
	return nil
}

// listTexts returns what the section's list shows.
func listTexts(sec *interventionsSection) []string {
	var out []string
	for _, f := range sec.items {
		out = append(out, sec.describe(f))
	}
	return out
}

// The feature panel of a hydrant lists its interventions, newest first;
// "Nouvelle intervention" creates one at the hydrant's point, journaled
// like any edit, and the list shows it.
func TestInterventionsListedAndCreated(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "interventions.gpkg"))
	v := m.view
	ctx := context.Background()
	t01 := hydrant(t, v.s.ws, "T-01")
	v.pick(t01)
	sec := v.feature.maint
	q.runUntil(t, func() bool { return len(sec.items) == 2 })
	if !sec.box.Visible() || !sec.add.Visible() {
		t.Fatalf("section shown %v, add button %v", sec.box.Visible(), sec.add.Visible())
	}
	want := []string{"10/05/2026 · Réparation · Terminée · J. Petit", "01/03/2026 · Contrôle · Terminée · C. Martin"}
	if got := listTexts(sec); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("list:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sec.header.Text != "Interventions (2)" {
		t.Errorf("header %q", sec.header.Text)
	}

	before, _ := v.s.ws.Pending(ctx, 0)
	test.Tap(sec.add)
	d := sec.opened
	if d == nil || d.feature != nil {
		t.Fatal("no new intervention form")
	}
	if got := editorOf(t, d.form, "date").get(); got != time.Now().Format("02/01/2006") && got != time.Now().Format(schema.DateLayout) {
		t.Errorf("the date starts at %q, not today", got)
	}
	editorOf(t, d.form, "date").set("2026-06-16")
	editorOf(t, d.form, "type").object.(*widget.Select).SetSelected("Entretien")
	editorOf(t, d.form, "agent").object.(*widget.Entry).SetText("N. Robert")
	editorOf(t, d.form, "notes").object.(*widget.Entry).SetText("Graissage des vis de manœuvre")
	d.form.submit()
	q.runUntil(t, func() bool { return len(sec.items) == 3 })

	made := sec.items[0]
	if made.UUID != d.feature.UUID {
		t.Fatalf("the newest intervention listed is %+v, not the one made", made.Properties)
	}
	for k, want := range map[string]any{"equipement_uuid": t01.UUID, "equipement_couche": "pei", "date": "2026-06-16",
		"type": "entretien", "statut": "planifiee", "agent": "N. Robert", "notes": "Graissage des vis de manœuvre"} {
		if made.Properties[k] != want {
			t.Errorf("%s = %v, want %v", k, made.Properties[k], want)
		}
	}
	if made.Geometry != t01.Geometry {
		t.Errorf("made at %v, the hydrant is at %v", made.Geometry, t01.Geometry)
	}
	after, _ := v.s.ws.Pending(ctx, 0)
	if len(after) != len(before)+1 || after[len(after)-1].Op != store.OpCreate || after[len(after)-1].Layer != "interventions" {
		t.Errorf("journal: %d → %d entries, last %+v", len(before), len(after), after[len(after)-1])
	}
	if !d.photos.add.Visible() || d.photos.add.Disabled() {
		t.Error("photos cannot be added once the intervention is recorded")
	}
	// Its status changes later: one more journaled update.
	editorOf(t, d.form, "statut").object.(*widget.Select).SetSelected("Terminée")
	d.form.submit()
	q.runUntil(t, func() bool { return sec.items[0].Properties["statut"] == "terminee" })
	if n, _ := v.s.ws.Pending(ctx, 0); len(n) != len(after)+1 {
		t.Errorf("status change: %d journal entries, want %d", len(n), len(after)+1)
	}
	// Undo takes the edits back, like any other.
	if len(v.history.done) < 2 {
		t.Errorf("the edits are not in the undo history: %d", len(v.history.done))
	}
}

// Equipment, and an intervention, show the interventions on the
// equipment; a viewer sees them without buttons.
func TestInterventionsWhereAndForWhom(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ctx := context.Background()
	path := maintenanceWorkspaceFile(t, "elu.gpkg")
	readOnlyLayer(t, path, "interventions")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, path)
	v := m.view
	sec := showInterventionsOf(t, q, v, "T-01")
	if sec.add.Visible() {
		t.Error("a viewer is offered to add an intervention")
	}
	sec.open(sec.items[0])
	if !sec.opened.readOnly || sec.opened.photos.add.Visible() || sec.opened.form.bar.Visible() {
		t.Error("a viewer may edit an intervention")
	}
	// An intervention selected on the map shows those of its equipment.
	t01 := hydrant(t, v.s.ws, "T-01")
	in, _ := v.s.ws.Query(ctx, store.Query{Layer: "interventions", Equals: map[string]any{"equipement_uuid": t01.UUID}, Limit: 1})
	v.pick(in[0])
	q.runUntil(t, func() bool { return len(sec.items) == 2 })
	if sec.equipment.UUID != t01.UUID || !sec.box.Visible() {
		t.Errorf("an intervention shows those of %+v", sec.equipment)
	}
	// A commune is not equipment.
	v.pick(store.Feature{Layer: "communes", Geometry: orb.Point{4.9, 46.56}})
	if sec.box.Visible() {
		t.Error("interventions shown for a feature that is no equipment")
	}
}

// anchorPoint puts an intervention on its equipment.
func TestAnchorPoint(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}
	u := orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {4, 6}, {4, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	for _, c := range []struct {
		name string
		g    orb.Geometry
		want orb.Point
	}{
		{"point", orb.Point{4.9, 46.5}, orb.Point{4.9, 46.5}},
		{"line: halfway along", orb.LineString{{0, 0}, {2, 0}, {2, 2}}, orb.Point{2, 0}},
		{"polygon: its centroid", square, orb.Point{2, 2}},
		{"polygon whose centroid is outside: a vertex", u, orb.Point{0, 0}},
		{"multipolygon: its first", orb.MultiPolygon{square, u}, orb.Point{2, 2}},
	} {
		if got := anchorPoint(c.g); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// testPNG encodes a w×h picture.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 128, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A photo picked on disk is stored with the reference to it in one
// transaction, shown as a thumbnail marked "en attente d'envoi" until the
// platform has it, and opens full size; a file that is not a photo, or is
// too large, changes nothing and says why.
func TestPhotosAttachedWithTheirReference(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "photos.gpkg"))
	v := m.view
	ws := v.s.ws
	ctx := context.Background()
	sec := showInterventionsOf(t, q, v, "T-01")
	sec.open(sec.items[0])
	d := sec.opened
	ps := d.photos
	id := d.feature.UUID
	pending, _ := ws.Pending(ctx, 0)

	photo := testPNG(t, 640, 480)
	ps.attachFrom("/home/agent/Images/poteau.png", io.NopCloser(bytes.NewReader(photo)))
	q.runUntil(t, func() bool { return len(ps.hashes) == 1 && ps.thumbs[ps.hashes[0]].pic.Image != nil })
	hash := ps.hashes[0]
	if hash != hashOf(photo) {
		t.Fatalf("thumbnail of %s, the photo is %s", hash, hashOf(photo))
	}
	f, _ := ws.Get(ctx, "interventions", id)
	if f.Properties["photos"] != hash {
		t.Errorf("photos = %v, want %s", f.Properties["photos"], hash)
	}
	data, name, err := ws.Blob(ctx, hash)
	if err != nil || !bytes.Equal(data, photo) || name != "poteau.png" {
		t.Errorf("stored photo: %d bytes %q %v", len(data), name, err)
	}
	if held, uploaded, _ := ws.HasBlob(ctx, hash); !held || uploaded {
		t.Errorf("held %v uploaded %v", held, uploaded)
	}
	after, _ := ws.Pending(ctx, 0)
	if len(after) != len(pending)+1 || after[len(after)-1].Op != store.OpUpdate || after[len(after)-1].Properties["photos"] != hash {
		t.Errorf("journal: %d → %d entries, last %+v", len(pending), len(after), after[len(after)-1])
	}
	thumb := ps.thumbs[hash]
	if b := thumb.pic.Image.Bounds(); b.Dx() > thumbPixels || b.Dy() > thumbPixels {
		t.Errorf("thumbnail of %v, not scaled down", b)
	}
	if !thumb.waiting() {
		t.Error("no badge on a photo not sent")
	}
	// The list says so.
	q.runUntil(t, func() bool { return strings.HasSuffix(sec.describe(sec.items[0]), " · 1 photo") })

	// Refused: nothing stored, nothing changed.
	for _, c := range []struct {
		name string
		data []byte
		says string
	}{
		{"notes.txt", []byte("pas une photo"), "n’est pas une photo"},
		{"faux.jpg", append([]byte("\xff\xd8\xff\xe0"), make([]byte, 100)...), "n’est pas une photo"},
		{"enorme.png", append(testPNG(t, 8, 8), make([]byte, maxPhotoBytes)...), "trop lourde"},
	} {
		ps.attachFrom(c.name, io.NopCloser(bytes.NewReader(c.data)))
		q.runUntil(t, func() bool { return !ps.add.Disabled() })
		top := w.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(test.RenderObjectToMarkup(top), c.says) {
			t.Errorf("%s: no message saying %q", c.name, c.says)
		}
		if held, _, _ := ws.HasBlob(ctx, hashOf(c.data)); held {
			t.Errorf("%s stored", c.name)
		}
		if f, _ := ws.Get(ctx, "interventions", id); f.Properties["photos"] != hash {
			t.Errorf("%s: photos = %v", c.name, f.Properties["photos"])
		}
		top.Hide()
	}
	if now, _ := ws.Pending(ctx, 0); len(now) != len(after) {
		t.Errorf("refused files journaled: %d entries, want %d", len(now), len(after))
	}

	// Once the platform has it, the badge goes.
	if err := ws.MarkBlobUploaded(ctx, hash); err != nil {
		t.Fatal(err)
	}
	sec.open(sec.items[0])
	ps = sec.opened.photos
	q.runUntil(t, func() bool { return len(ps.hashes) == 1 && ps.thumbs[hash].pic.Image != nil })
	if ps.thumbs[hash].waiting() {
		t.Error("badge on a photo the platform has")
	}
	// A tap opens it full size.
	overlays := len(w.Canvas().Overlays().List())
	test.Tap(ps.thumbs[hash])
	q.runUntil(t, func() bool { return len(w.Canvas().Overlays().List()) > overlays })
	if top := w.Canvas().Overlays().Top(); !strings.Contains(test.RenderObjectToMarkup(top), "poteau.png") {
		t.Errorf("the photo opens as %s", test.RenderObjectToMarkup(top))
	}
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// The photo and the reference to it are written together or not at all:
// a photo for an intervention deleted meanwhile is not kept.
func TestPhotoAndReferenceCommitTogether(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Open(maintenanceWorkspaceFile(t, "atomic.gpkg"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	in, _ := ws.Query(ctx, store.Query{Layer: "interventions", Limit: 1})
	if err := ws.Edit(ctx, func(tx *store.Tx) error { return tx.Delete("interventions", in[0].UUID) }); err != nil {
		t.Fatal(err)
	}
	photo := testPNG(t, 32, 32)
	if _, _, _, err := attachPhoto(ctx, ws, "interventions", in[0].UUID, "poteau.png", photo); err == nil {
		t.Fatal("a photo attached to a deleted intervention")
	}
	if held, _, _ := ws.HasBlob(ctx, hashOf(photo)); held {
		t.Error("the photo was kept without its reference")
	}
}

// readPhoto takes JPEG and PNG pictures, scaled down to a thumbnail, and
// refuses other files, files over 25 MB and pictures too large to show.
func TestReadPhoto(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	var jpg, gif bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gifenc.Encode(&gif, img, nil); err != nil {
		t.Fatal(err)
	}
	// A PNG that says it is 20,000 pixels square: refused before decoding.
	bomb := testPNG(t, 1, 1)
	binary.BigEndian.PutUint32(bomb[16:], 20000)
	binary.BigEndian.PutUint32(bomb[20:], 20000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	for _, c := range []struct {
		name string
		data []byte
		want error
		size image.Point
	}{
		{"jpeg", jpg.Bytes(), nil, image.Pt(thumbPixels, thumbPixels*3/4)},
		{"portrait png", testPNG(t, 300, 600), nil, image.Pt(thumbPixels/2, thumbPixels)},
		{"small png", testPNG(t, 40, 30), nil, image.Pt(40, 30)},
		{"gif", gif.Bytes(), errNotAPhoto, image.Point{}},
		{"text", []byte("rapport.txt"), errNotAPhoto, image.Point{}},
		{"empty", nil, errNotAPhoto, image.Point{}},
		{"over 25 MB", append(jpg.Bytes(), make([]byte, maxPhotoBytes)...), errPhotoTooLarge, image.Point{}},
		{"20,000 pixels square", bomb, errPhotoTooLarge, image.Point{}},
	} {
		data, thumb, err := readPhoto(bytes.NewReader(c.data))
		switch {
		case !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		case err != nil:
		case !bytes.Equal(data, c.data) || thumb.Bounds().Size() != c.size:
			t.Errorf("%s: %d bytes, thumbnail %v, want %v", c.name, len(data), thumb.Bounds().Size(), c.size)
		}
	}
}

// The intervention dialog has one way out, «Fermer», beside its save
// button (no «Annuler» as well), and «Ajouter des photos…» shows whole,
// clear of the scroll bar.
func TestInterventionDialogOneWayOut(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "sortie.gpkg"))
	v := m.view
	sec := showInterventionsOf(t, q, v, "T-01")
	sec.open(sec.items[0])
	d := sec.opened
	top := m.window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	markup := test.RenderObjectToMarkup(top)
	if n := strings.Count(markup, ">Fermer<"); n != 1 || strings.Contains(markup, ">Annuler<") {
		t.Errorf("the dialog offers «Fermer» %d times, «Annuler» %v", n, strings.Contains(markup, ">Annuler<"))
	}
	drv := fyne.CurrentApp().Driver()
	addRight := drv.AbsolutePositionForObject(d.photos.add).X + d.photos.add.Size().Width
	room := drv.AbsolutePositionForObject(d.scroll).X + d.scroll.Size().Width - theme.ScrollBarSize()
	if addRight > room {
		t.Errorf("«Ajouter des photos…» ends at %g, under the scroll bar from %g", addRight, room)
	}
	if d.form.cancel.Text != "Fermer" || !d.form.bar.Visible() {
		t.Fatalf("beside the save button: %q", d.form.cancel.Text)
	}
	test.Tap(d.form.cancel)
	if m.window.Canvas().Overlays().Top() != nil {
		t.Error("«Fermer» left the dialog open")
	}
}

// Deleting a hydrant that has interventions says what becomes of them;
// once it is deleted, an intervention still opens and names its equipment
// as removed, and the list of planned interventions too.
func TestDeletingEquipmentKeepsItsInterventions(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	q := openInShell(t, m, maintenanceWorkspaceFile(t, "suppression.gpkg"))
	v := m.view
	ctx := context.Background()
	t01 := hydrant(t, v.s.ws, "T-01")
	sec := showInterventionsOf(t, q, v, "T-01")
	interventions := sec.items

	v.feature.confirmDelete()
	q.runUntil(t, func() bool { return m.window.Canvas().Overlays().Top() != nil })
	markup := test.RenderObjectToMarkup(m.window.Canvas().Overlays().Top())
	if !strings.Contains(markup, "Ses 2 interventions restent dans l&apos;historique, présentées comme celles d&apos;un équipement supprimé.") &&
		!strings.Contains(markup, "Ses 2 interventions restent dans l'historique, présentées comme celles d'un équipement supprimé.") {
		t.Fatalf("the question does not say what becomes of the interventions:\n%s", markup)
	}
	m.window.Canvas().Overlays().Top().Hide()
	m.window.Canvas().Overlays().Remove(m.window.Canvas().Overlays().Top())

	if err := v.s.ws.Edit(ctx, func(tx *store.Tx) error { return tx.Delete("pei", t01.UUID) }); err != nil {
		t.Fatal(err)
	}
	for _, in := range interventions {
		if _, err := v.s.ws.Get(ctx, "interventions", in.UUID); err != nil {
			t.Fatalf("an intervention went with its equipment: %v", err)
		}
	}
	v.pick(interventions[0])
	sec = v.feature.maint
	q.runUntil(t, func() bool { return sec.ofEquipment.Visible() && len(sec.items) == 2 })
	if got := sec.ofEquipment.Text; !strings.Contains(got, "(supprimé)") {
		t.Errorf("the intervention names its equipment %q, not as removed", got)
	}
	if sec.goEquipment.Visible() {
		t.Error("«go to the equipment» is offered for an equipment that is gone")
	}
	if got := countInterventions(ctx, v.s.ws, store.Feature{Layer: "pei", UUID: t01.UUID}); got != 2 {
		t.Errorf("countInterventions after the deletion = %d, want 2", got)
	}
}
