package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/search"
	"terrimap/sync/protocol"
)

// The interventions layer and its fields, as the platform names them
// (sync/server/demo): each intervention is a point on its equipment,
// which it names by UUID and layer.
const (
	interventionsLayer = "interventions"
	fieldEquipmentID   = "equipement_uuid"
	fieldEquipmentIn   = "equipement_couche"
	fieldDate          = "date"
	fieldStatus        = "statut"
	fieldAgent         = "agent"
	fieldPhotos        = "photos"
	statusPlanned      = "planifiee"
)

// interventionFormFields are the fields the intervention form shows, in
// order; the equipment it is made on is set by the app, the photos by the
// photo strip.
var interventionFormFields = []string{fieldDate, "type", fieldStatus, fieldAgent, "notes"}

// equipmentLinkField reports whether field is an intervention's UUID of
// its equipment, which the interventions section names instead of the
// form (interventionsSection.ofEquipment).
func equipmentLinkField(layer schema.Layer, field schema.Field) bool {
	if field.Name != fieldEquipmentID {
		return false
	}
	_, ok := layer.Field(fieldEquipmentIn)
	return ok
}

// interventionsSection is the part of the feature panel that lists the
// interventions on the equipment shown, newest first, and adds and opens
// them.
type interventionsSection struct {
	p *featurePanel

	box    *fyne.Container
	header *widget.Label
	info   *widget.Label
	add    *widget.Button
	list   *widget.List

	equipment *store.Feature
	items     []store.Feature
	// user is the signed-in user's name, the new interventions' agent.
	user string
	// gen numbers loads, so that a slow old one never shows over a newer.
	gen int
	// opened is the dialog open (tests reach it here).
	opened *interventionDialog

	// ofEquipment names the equipment of the intervention shown, with
	// goEquipment to select it; hidden when equipment is shown.
	ofEquipment *widget.Label
	goEquipment *widget.Button
	// onEdited records an edit made here, with those made with it (the
	// workspace view's undo); when nil, the panel's onEdited is told.
	onEdited func(editRecord)
	// onStatus says a word in the status bar; goTo selects a feature.
	onStatus func(string)
	goTo     func(store.Feature)
}

// edited tells the workspace of an edit made here.
func (sec *interventionsSection) edited(r editRecord) {
	switch {
	case sec.onEdited != nil:
		sec.onEdited(r)
	case sec.p.onEdited != nil:
		sec.p.onEdited(r.before, r.after)
	}
}

// tell says msg in the status bar, when there is one.
func (sec *interventionsSection) tell(msg string) {
	if sec.onStatus != nil {
		sec.onStatus(msg)
	}
}

func newInterventionsSection(p *featurePanel) *interventionsSection {
	return &interventionsSection{p: p}
}

func (sec *interventionsSection) build() fyne.CanvasObject {
	sec.header = widget.NewLabelWithStyle(lang.L("Interventions"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sec.info = widget.NewLabel("")
	sec.info.Wrapping = fyne.TextWrapWord
	sec.add = widget.NewButtonWithIcon(lang.L("New intervention"), theme.ContentAddIcon(), sec.create)
	sec.list = widget.NewList(
		func() int { return len(sec.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(sec.describe(sec.items[i])) },
	)
	sec.list.OnSelected = func(i widget.ListItemID) {
		sec.list.UnselectAll()
		if i < len(sec.items) {
			sec.open(sec.items[i])
		}
	}
	sec.ofEquipment = widget.NewLabel("")
	sec.ofEquipment.Wrapping = fyne.TextWrapWord
	sec.goEquipment = widget.NewButtonWithIcon(lang.L("Go to the equipment"), theme.NavigateNextIcon(), sec.goToEquipment)
	equipment := container.NewVBox(sec.ofEquipment, container.NewHBox(sec.goEquipment))
	top := container.NewBorder(nil, nil, nil, sec.add, sec.header)
	sec.box = container.NewBorder(container.NewVBox(widget.NewSeparator(), equipment, top, sec.info), nil, nil, nil, sec.list)
	sec.box.Hide()
	return sec.box
}

// interventions returns the workspace's interventions layer, nil when it
// has none.
func (sec *interventionsSection) interventions() *store.Layer {
	l, err := sec.p.s.ws.Layer(interventionsLayer)
	if err != nil {
		return nil
	}
	return l
}

// isEquipment reports whether interventions may be made on features of
// layer: those the interventions' equipment layer lists, or when it lists
// none, any layer but the interventions, communes and zones.
func isEquipment(interventions *store.Layer, layer string) bool {
	if f, ok := interventions.Schema.Field(fieldEquipmentIn); ok && len(f.Domain) > 0 {
		return slices.ContainsFunc(f.Domain, func(cv schema.CodedValue) bool { return strings.EqualFold(cv.Code, layer) })
	}
	name := strings.ToLower(layer)
	return name != interventionsLayer && name != "communes" && !strings.HasPrefix(name, "zone")
}

// show lists the interventions on f when it is equipment, or on its
// equipment when it is an intervention; else hides.
func (sec *interventionsSection) show(f *store.Feature) {
	sec.gen++
	sec.equipment = nil
	sec.items = nil
	sec.list.Refresh()
	sec.box.Hide()
	sec.ofEquipment.Hide()
	sec.goEquipment.Hide()
	il := sec.interventions()
	switch {
	case f == nil || il == nil || f.Geometry == nil:
	case strings.EqualFold(f.Layer, il.Name()):
		sec.showEquipmentOf(il, *f)
	case isEquipment(il, f.Layer):
		sec.showFor(il, *f)
	}
}

// showEquipmentOf finds the equipment of an intervention in the
// background, then lists its interventions; when this workspace does not
// hold it, the intervention stands for it.
func (sec *interventionsSection) showEquipmentOf(il *store.Layer, in store.Feature) {
	gen, ws := sec.gen, sec.p.s.ws
	layer, id := schema.CodeString(in.Properties[fieldEquipmentIn]), schema.CodeString(in.Properties[fieldEquipmentID])
	go func() {
		eq, err := ws.Get(context.Background(), layer, id)
		held := err == nil
		if !held {
			eq = store.Feature{Layer: layer, UUID: id, Geometry: in.Geometry}
		}
		name := lang.L("Equipment this workspace does not hold")
		if l, err := ws.Layer(layer); err == nil {
			if held {
				name = equipmentName(ws, l.Schema, eq)
			} else {
				name = removedEquipment(ws, l.Schema)
			}
		}
		sec.p.do(func() {
			if gen != sec.gen {
				return
			}
			sec.ofEquipment.SetText(lang.L("Equipment: {{.Name}}", map[string]any{"Name": name}))
			sec.ofEquipment.Show()
			if held && sec.goTo != nil {
				sec.goEquipment.Show()
			}
			sec.showFor(il, eq)
		})
	}()
}

// removedEquipment names the equipment of an intervention when the
// workspace holds its layer but not it: the equipment was deleted, and its
// interventions stay as its history.
func removedEquipment(ws *store.Workspace, l schema.Layer) string {
	return lang.L("{{.Kind}}, removed", map[string]any{"Kind": equipmentKind(ws, l)})
}

// countInterventions counts the interventions recorded on f (none when it
// is not equipment, or the workspace has no interventions layer).
func countInterventions(ctx context.Context, ws *store.Workspace, f store.Feature) int {
	il, err := ws.Layer(interventionsLayer)
	if err != nil || !isEquipment(il, f.Layer) {
		return 0
	}
	items, err := ws.Query(ctx, store.Query{Layer: interventionsLayer, Equals: map[string]any{fieldEquipmentID: f.UUID}})
	if err != nil {
		return 0
	}
	return len(items)
}

// goToEquipment selects the equipment of the intervention shown.
func (sec *interventionsSection) goToEquipment() {
	if sec.equipment != nil && sec.goTo != nil {
		sec.goTo(*sec.equipment)
	}
}

// showFor lists the interventions on equipment.
func (sec *interventionsSection) showFor(il *store.Layer, equipment store.Feature) {
	sec.equipment = &equipment
	if sec.createRefusal(il, equipment) == "" {
		sec.add.Show()
	} else {
		sec.add.Hide()
	}
	sec.header.SetText(lang.L("Interventions"))
	sec.info.SetText(lang.L("Loading…"))
	sec.info.Show()
	sec.box.Show()
	sec.reload()
}

// reload reads the equipment's interventions and the user's name in the
// background.
func (sec *interventionsSection) reload() {
	if sec.equipment == nil {
		return
	}
	gen, id := sec.gen, sec.equipment.UUID
	s := sec.p.s
	go func() {
		ctx := context.Background()
		items, err := s.ws.Query(ctx, store.Query{Layer: interventionsLayer, Equals: map[string]any{fieldEquipmentID: id}})
		sortNewestFirst(items)
		user := ""
		if s.client != nil {
			user = s.client.User(ctx)
		}
		sec.p.do(func() {
			if gen != sec.gen {
				return
			}
			sec.user = user
			sec.items = items
			switch {
			case err != nil:
				sec.info.SetText(lang.L("The interventions could not be read."))
			case len(items) == 0:
				sec.info.SetText(lang.L("No intervention recorded on this equipment."))
			default:
				sec.info.Hide()
			}
			sec.header.SetText(lang.L("Interventions ({{.N}})", map[string]any{"N": len(items)}))
			sec.list.Refresh()
		})
	}()
}

// sortNewestFirst orders interventions by date, newest first, then the
// last made first.
func sortNewestFirst(items []store.Feature) {
	slices.SortStableFunc(items, func(a, b store.Feature) int {
		return cmp.Or(-cmp.Compare(schema.CodeString(a.Properties[fieldDate]), schema.CodeString(b.Properties[fieldDate])), -cmp.Compare(a.FID, b.FID))
	})
}

// describe is an intervention's line: date, type, status, agent, photos.
func (sec *interventionsSection) describe(f store.Feature) string {
	return describeIntervention(sec.interventions(), f)
}

// describeIntervention renders an intervention in one line with its
// fields' labels: date, type, status, agent, and how many photos.
func describeIntervention(l *store.Layer, f store.Feature) string {
	parts := describeFields(l, f, fieldDate, "type", fieldStatus, fieldAgent)
	if n := len(photoRefs(f)); n > 0 {
		parts = append(parts, lang.N("{{.N}} photos", n, map[string]any{"N": n}))
	}
	return strings.Join(parts, " · ")
}

// describeFields returns the values of the named fields of f that are
// set, as the form shows them (labels of codes, French dates).
func describeFields(l *store.Layer, f store.Feature, names ...string) []string {
	var parts []string
	if l == nil {
		return []string{shortID(f.UUID)}
	}
	for _, name := range names {
		if fld, ok := l.Schema.Field(name); ok {
			if v := describeValue(fld, f.Properties[name]); v != "" {
				parts = append(parts, v)
			}
		}
	}
	return parts
}

// createRefusal says why the user may not add an intervention on the
// equipment, "" when they may: the rules of the feature panel for the
// intervention's point, and the right to create.
func (sec *interventionsSection) createRefusal(il *store.Layer, equipment store.Feature) string {
	if why := sec.p.editRefusal(il, &store.Feature{Layer: il.Name(), Geometry: anchorPoint(equipment.Geometry)}); why != "" {
		return why
	}
	if a, ok := sec.p.s.access[il.Name()]; ok && !a.Allows(protocol.OpCreate) {
		return readOnlyReason(sec.p.s, il)
	}
	return ""
}

// anchorPoint is where an intervention on equipment of geometry g is
// placed: the point itself, the middle of a line, inside a polygon.
func anchorPoint(g orb.Geometry) orb.Point {
	p, _ := search.PointOf(g)
	return p
}

// create opens the form of a new intervention on the equipment shown.
func (sec *interventionsSection) create() {
	il := sec.interventions()
	if il == nil || sec.equipment == nil {
		return
	}
	if why := sec.createRefusal(il, *sec.equipment); why != "" {
		showError(sec.p.win, why)
		return
	}
	sec.opened = newInterventionDialog(sec, il, *sec.equipment, nil)
	sec.opened.show()
}

// open shows an intervention: editable (status, notes, photos…) when the
// user may change it, else to read.
func (sec *interventionsSection) open(f store.Feature) {
	il := sec.interventions()
	if il == nil || sec.equipment == nil {
		return
	}
	sec.opened = newInterventionDialog(sec, il, *sec.equipment, &f)
	sec.opened.show()
}

// interventionDialog is the form of one intervention, new or recorded,
// with its photos.
type interventionDialog struct {
	sec       *interventionsSection
	layer     *store.Layer
	equipment store.Feature
	// feature is the recorded intervention; nil until a new one is saved.
	feature  *store.Feature
	readOnly bool

	heading *widget.Label
	form    *featureForm
	photos  *photoStrip
	d       *dialog.CustomDialog
	// scroll scrolls the fields and the photos under them.
	scroll *container.Scroll
}

func newInterventionDialog(sec *interventionsSection, l *store.Layer, equipment store.Feature, f *store.Feature) *interventionDialog {
	d := &interventionDialog{sec: sec, layer: l, equipment: equipment, feature: f}
	if f != nil {
		d.readOnly = sec.p.editRefusal(l, f) != ""
	}
	sub := l.Schema
	sub.Fields = nil
	for _, name := range interventionFormFields {
		if fld, ok := l.Schema.Field(name); ok {
			sub.Fields = append(sub.Fields, fld)
		}
	}
	d.form = newFeatureForm(sub, d.readOnly, d.save)
	d.photos = newPhotoStrip(sec.p.win, sec.p.s, sec.p.do, d.attached)
	d.heading = widget.NewLabel("")
	d.heading.Wrapping = fyne.TextWrapWord
	return d
}

// defaults are the values a new intervention starts with: the layer's
// defaults, today, the signed-in user.
func (d *interventionDialog) defaults() map[string]any {
	props := map[string]any{}
	for _, fld := range d.layer.Schema.Fields {
		if fld.Default != nil {
			props[fld.Name] = fld.Default
		}
	}
	props[fieldDate] = time.Now().Format(schema.DateLayout)
	if d.sec.user != "" {
		props[fieldAgent] = d.sec.user
	}
	return props
}

// equipmentName names the intervention's equipment as the user does.
func (d *interventionDialog) equipmentName() string {
	eq, err := d.sec.p.s.ws.Layer(d.equipment.Layer)
	if err != nil {
		return lang.L("Equipment this workspace does not hold")
	}
	return equipmentName(d.sec.p.s.ws, eq.Schema, d.equipment)
}

func (d *interventionDialog) show() {
	name := d.equipmentName()
	photos := d.photos.build()
	title := lang.L("New intervention")
	if d.feature != nil {
		title = lang.L("Intervention")
		d.form.load(d.feature.Properties)
		d.photos.load(photoRefs(*d.feature), !d.readOnly)
	} else {
		d.form.setSaveText(lang.L("Create the intervention"))
		d.form.load(d.defaults())
		d.photos.waitForRecord()
	}
	d.heading.SetText(name)
	// Room on the right for the scroll bar, which Fyne draws over the
	// content: «Ajouter des photos…» and the fields' ends stay whole.
	fields := container.NewVBox(d.form.fields, widget.NewSeparator(), photos)
	d.scroll = container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.ScrollBarSize()), fields))
	content := container.NewBorder(d.heading, d.form.bar, nil, nil, d.scroll)
	if d.readOnly { // no save bar: the dialog's own button closes it
		d.d = dialog.NewCustom(title, lang.L("Close"), content, d.sec.p.win)
	} else {
		// One way out, beside the save button: «Fermer» in place of the
		// form's «Annuler» (which only took the changes back).
		d.d = dialog.NewCustomWithoutButtons(title, content, d.sec.p.win)
		d.form.cancel.SetText(lang.L("Close"))
		d.form.cancel.OnTapped = d.d.Hide
	}
	d.d.Resize(fyne.NewSize(560, 640))
	// The dialog's fields leave with it: Ctrl+Z then undoes in the window
	// (an entry keeping the focus would take it as its own undo).
	win := d.sec.p.win
	d.d.SetOnClosed(func() { win.Canvas().Unfocus() })
	d.d.Show()
}

// photoRefs returns the photos an intervention refers to, in order.
func photoRefs(f store.Feature) []string {
	return store.BlobRefs(map[string]any{fieldPhotos: f.Properties[fieldPhotos]})
}

// save records the form: creates the intervention at the equipment's
// point, or writes the fields changed. The dialog stays open, for photos.
func (d *interventionDialog) save(changed map[string]any) {
	if d.readOnly {
		return
	}
	if d.feature != nil && len(changed) == 0 {
		return
	}
	ws := d.sec.p.s.ws
	var before store.Feature
	var props map[string]any
	if d.feature != nil {
		before = *d.feature
	} else {
		props = map[string]any{}
		for k, v := range d.form.original {
			props[k] = v
		}
		for k, v := range changed {
			props[k] = v
		}
		props[fieldEquipmentID] = d.equipment.UUID
		props[fieldEquipmentIn] = d.equipment.Layer
	}
	point := anchorPoint(d.equipment.Geometry)
	eqLayer, eqID := d.equipment.Layer, d.equipment.UUID
	updateEquipment := d.mayUpdateEquipment()
	go func() {
		w, err := writeIntervention(context.Background(), ws, before, props, changed, point, eqLayer, eqID, updateEquipment)
		d.sec.p.do(func() {
			if err != nil {
				showError(d.sec.p.win, editErrorMessage(err))
				return
			}
			d.recorded(w)
		})
	}()
}

// mayUpdateEquipment reports whether the user may change the equipment
// (its last-check date, when a check is done): the feature panel's rules
// and the right to update.
func (d *interventionDialog) mayUpdateEquipment() bool {
	l, err := d.sec.p.s.ws.Layer(d.equipment.Layer)
	if err != nil || d.sec.p.editRefusal(l, &d.equipment) != "" {
		return false
	}
	a, ok := d.sec.p.s.access[l.Name()]
	return !ok || a.Allows(protocol.OpUpdate)
}

// recorded shows an intervention just written and tells the workspace;
// when a completed check moved its equipment's last-check date, it says
// so, and the two edits are undone together.
func (d *interventionDialog) recorded(w interventionWrite) {
	created := d.feature == nil
	after := w.in.after
	d.feature = &after
	d.form.setSaveText(lang.L("Save"))
	d.form.load(after.Properties)
	if created {
		d.photos.load(photoRefs(after), true)
		d.heading.SetText(d.heading.Text + "\n" + lang.L("Intervention recorded: you can now add photos."))
	}
	r := w.in
	if w.equipment != nil {
		d.equipment = w.equipment.after
		r.also = []editRecord{*w.equipment}
		date := describeValue(schema.Field{Type: schema.Date}, w.equipment.after.Properties[fieldLastCheck])
		msg := lang.L("{{.Name}}: date of the last check set to {{.Date}}.", map[string]any{"Name": d.equipmentName(), "Date": date})
		d.heading.SetText(d.heading.Text + "\n" + msg)
		d.sec.tell(msg)
	}
	d.sec.edited(r)
	d.sec.reload()
}

// attached adds a photo to the intervention: the photo and the reference
// to it are written in one transaction.
func (d *interventionDialog) attached(name string, data []byte, done func(hash string, err error)) {
	if d.feature == nil || d.readOnly {
		return
	}
	id := d.feature.UUID
	ws := d.sec.p.s.ws
	go func() {
		before, after, hash, err := attachPhoto(context.Background(), ws, interventionsLayer, id, name, data)
		d.sec.p.do(func() {
			if err == nil && before.Properties[fieldPhotos] != after.Properties[fieldPhotos] {
				d.feature = &after
				d.sec.edited(editRecord{before: before, after: after})
				d.sec.reload()
			}
			done(hash, err)
		})
	}()
}

// attachPhoto stores a photo in the workspace and adds it to the photos
// of intervention id, in one transaction: both are kept or neither. A
// photo it already has is not added twice.
func attachPhoto(ctx context.Context, ws *store.Workspace, layer, id, name string, data []byte) (before, after store.Feature, hash string, err error) {
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		var err error
		if hash, err = tx.PutBlob(name, data); err != nil {
			return err
		}
		if before, err = tx.Get(layer, id); err != nil {
			return err
		}
		refs := photoRefs(before)
		if slices.Contains(refs, hash) {
			after = before
			return nil
		}
		after, err = tx.Update(layer, id, store.Change{Properties: map[string]any{fieldPhotos: strings.Join(append(refs, hash), ",")}})
		return err
	})
	if err != nil {
		return store.Feature{}, store.Feature{}, "", fmt.Errorf("app: attach photo %s: %w", name, err)
	}
	return before, after, hash, nil
}
