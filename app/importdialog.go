package app

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/srs"
	"terrimap/sync/protocol"
)

// fileImportDialog imports a GeoJSON, Shapefile, CSV or GeoPackage layer
// into the workspace («Importer un fichier»): it reads the file once (the
// store's first pass) and says what it holds — how many objects, their
// fields and types, their geometries, the coordinate system — and where it
// goes: a new layer named by the user, or an existing layer she may edit;
// and what the next sync will do with it. The import then runs off the UI
// goroutine, one transaction, with a progress bar and a Cancel that leaves
// nothing. Results come back through do.
type fileImportDialog struct {
	win  fyne.Window
	ws   *store.Workspace
	path string
	do   func(func())
	// platform: the workspace is linked to a platform, which the next
	// sync offers the imported objects; access is what it lets the user do.
	platform bool
	access   map[string]protocol.Access
	// done is called on the UI goroutine after a successful import.
	done func(store.ImportReport)

	gpkgLayers []geoPackageLayer // a GeoPackage's layers, once listed
	src        *formats.Source   // the first pass over the file; nil until read
	srcErr     error
	gen        int // number of the latest reading asked for
	running    bool
	cancelling bool
	cancel     context.CancelFunc
	closed     bool

	sourceLayer *widget.Select // a GeoPackage's layer
	count       *widget.Label
	kinds       *widget.Label
	system      *widget.Label
	fields      *widget.Label
	where       *widget.RadioGroup
	title       *widget.Entry
	existing    *widget.Select
	targets     []string // names of the layers of existing.Options
	crs         *widget.Select
	check       *widget.Label // why the import cannot go ahead, or where it goes
	syncNote    *widget.Label
	bar         *widget.ProgressBar
	state       *widget.Label
	importB     *widget.Button
	cancelB     *widget.Button
	// summary is what the file holds, right where the objects go: both
	// hidden for a file that cannot be read (a GeoPackage keeps summary,
	// where another of its layers may be chosen).
	summary, right *fyne.Container
	// newForm names a new layer, existingForm chooses an existing one.
	newForm, existingForm *widget.Form
	dialog                dialog.Dialog
}

// importSystems are the coordinate systems the user may choose over the
// file's own: 0 keeps what the file says.
var importSystems = [...]int{0, srs.WGS84, srs.Lambert93, srs.CC47}

func newFileImportDialog(win fyne.Window, ws *store.Workspace, path string, do func(func()), done func(store.ImportReport)) *fileImportDialog {
	return &fileImportDialog{win: win, ws: ws, path: path, do: do, done: done, access: map[string]protocol.Access{}}
}

// showFileImport asks for a GeoJSON, Shapefile, CSV or GeoPackage file and
// opens the import dialog.
func (m *mainWindow) showFileImport() {
	if m.view == nil {
		return
	}
	askOpenPath(m.window, lang.L("Choose the file to import"), importExtensions[:], m.importFile)
}

// importFile opens the import dialog for the file at path; at the end the
// map shows the layer and the sync panel counts what waits to be sent.
func (m *mainWindow) importFile(path string) {
	if m.view == nil {
		return
	}
	if same, _ := filepath.Abs(path); same == m.workspace {
		showError(m.window, lang.L("This is the workspace open in Terrimap: choose another file."))
		return
	}
	d := newFileImportDialog(m.window, m.sess.ws, path, m.do, func(rep store.ImportReport) {
		m.status = importDoneText(m.sess.ws, rep)
		m.refresh()
		if m.view == nil {
			return
		}
		v := m.view
		v.synced() // the new layer on the map, in the layer panel
		v.sync.reload()
		v.search.upgrade(nil)
		v.zoomToLayer(rep.Layer)
	})
	d.platform = m.sess.client != nil
	for k, a := range m.sess.access {
		d.access[k] = a
	}
	d.show()
}

// show opens the dialog and reads the file.
func (d *fileImportDialog) show() {
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("Import a file"), d.build(), d.win)
	d.dialog.SetOnClosed(func() {
		d.closed = true
		d.closeSource()
	})
	d.dialog.Resize(fyne.NewSize(1060, 620))
	d.dialog.Show()
	d.read()
}

func (d *fileImportDialog) build() fyne.CanvasObject {
	file := widget.NewLabel(lang.L("File: {{.Name}} ({{.Format}})", map[string]any{"Name": filepath.Base(d.path), "Format": formatName(d.path)}))
	file.TextStyle = fyne.TextStyle{Bold: true}
	file.Truncation = fyne.TextTruncateEllipsis
	d.sourceLayer = widget.NewSelect(nil, func(string) { d.read() })
	d.sourceLayer.PlaceHolder = lang.L("(choose a layer)")
	d.count = widget.NewLabel(lang.L("Reading the file…"))
	d.kinds = widget.NewLabel("")
	d.system = widget.NewLabel("")
	d.system.Wrapping = fyne.TextWrapWord
	d.fields = widget.NewLabel("")
	d.fields.Wrapping = fyne.TextWrapWord
	fields := container.NewVScroll(d.fields)
	fields.SetMinSize(fyne.NewSize(0, 110))
	systems := make([]string, len(importSystems))
	for i, code := range importSystems {
		if code == 0 {
			systems[i] = lang.L("As the file says")
		} else {
			systems[i] = systemName(code)
		}
	}
	d.crs = widget.NewSelect(systems, func(string) { d.choiceChanged() })
	d.crs.SetSelectedIndex(0)
	var items []*widget.FormItem
	if isGeoPackage(d.path) {
		items = append(items, widget.NewFormItem(lang.L("Layer of the GeoPackage"), d.sourceLayer))
	}
	items = append(items,
		widget.NewFormItem(lang.L("Objects"), d.count),
		widget.NewFormItem(lang.L("Geometry"), d.kinds),
		widget.NewFormItem(lang.L("Coordinates"), d.system))
	// A GeoPackage's layer always says its system, and the store reads it
	// in longitude/latitude: another system cannot be chosen over it.
	if !isGeoPackage(d.path) {
		items = append(items, widget.NewFormItem(lang.L("Read the coordinates as"), d.crs))
	}
	content := widget.NewForm(append(items, widget.NewFormItem(lang.L("Fields"), fields))...)

	newLayer, intoLayer := lang.L("Into a new layer"), lang.L("Into an existing layer")
	d.where = widget.NewRadioGroup([]string{newLayer, intoLayer}, func(string) { d.choiceChanged() })
	d.title = widget.NewEntry()
	d.title.OnChanged = func(string) { d.choiceChanged() }
	var titles []string
	d.targets, titles = editableLayers(d.ws, nil)
	d.existing = widget.NewSelect(titles, func(string) { d.choiceChanged() })
	d.existing.PlaceHolder = lang.L("(choose a layer)")
	// One of the two is shown, as the choice above says.
	d.newForm = widget.NewForm(widget.NewFormItem(lang.L("Name of the new layer"), d.title))
	d.existingForm = widget.NewForm(widget.NewFormItem(lang.L("Layer"), d.existing))
	d.check = widget.NewLabel("")
	d.check.Wrapping = fyne.TextWrapWord
	d.syncNote = widget.NewLabel("")
	d.syncNote.Wrapping = fyne.TextWrapWord
	d.bar = widget.NewProgressBar()
	d.bar.Hide()
	d.state = widget.NewLabel("")
	d.state.Wrapping = fyne.TextWrapWord
	d.importB = widget.NewButton(lang.L("Import"), d.start)
	d.importB.Importance = widget.HighImportance
	d.importB.Disable()
	d.cancelB = widget.NewButton(lang.L("Cancel"), d.stop)

	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	d.summary = container.NewVBox(heading(lang.L("What the file holds")), content)
	d.where.Required = true
	d.right = container.NewVBox(heading(lang.L("Where to import it")), d.where, d.newForm, d.existingForm, d.check, d.syncNote)
	d.where.SetSelected(newLayer)
	body := container.NewBorder(file, nil, nil, nil, container.NewGridWithColumns(2, d.summary, d.right))
	bottom := container.NewVBox(d.bar, d.state, container.NewCenter(container.NewHBox(d.cancelB, d.importB)))
	return container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body))
}

// read makes the first pass over the file (for a GeoPackage, over the
// chosen layer, once its layers are listed), off the UI goroutine.
func (d *fileImportDialog) read() {
	if d.running {
		return
	}
	d.gen++
	gen := d.gen
	d.closeSource()
	d.srcErr = nil
	d.count.SetText(lang.L("Reading the file…"))
	d.kinds.SetText("")
	d.system.SetText("")
	d.fields.SetText("")
	d.update()
	layer := ""
	listing := isGeoPackage(d.path) && d.gpkgLayers == nil
	if isGeoPackage(d.path) && !listing {
		l := d.chosenSourceLayer()
		if l == nil {
			d.count.SetText(lang.L("Choose the layer of the GeoPackage to import."))
			return
		}
		layer = l.name
	}
	go func() {
		var layers []geoPackageLayer
		var src *formats.Source
		var err error
		if listing {
			if layers, err = listGeoPackageLayers(d.path); err == nil && len(layers) == 0 {
				err = store.ErrNoLayers
			}
			if err == nil && len(layers) == 1 {
				layer = layers[0].name
			}
		}
		if err == nil && (!listing || layer != "") {
			src, err = store.OpenImportSource(context.Background(), d.path, layer)
		}
		d.do(func() {
			if gen != d.gen || d.closed {
				if src != nil {
					src.Close()
				}
				return
			}
			if listing && err == nil {
				d.gpkgLayers = layers
				d.offerLayers(layer)
			}
			d.src, d.srcErr = src, err
			d.showSource()
		})
	}()
}

// offerLayers fills the choice of a GeoPackage's layer; chosen is the one
// already read (its only layer), "" for none.
func (d *fileImportDialog) offerLayers(chosen string) {
	options := make([]string, len(d.gpkgLayers))
	for i, l := range d.gpkgLayers {
		options[i] = l.title
		if l.title != l.name {
			options[i] += " (" + l.name + ")"
		}
	}
	d.sourceLayer.OnChanged = nil
	d.sourceLayer.SetOptions(options)
	for i, l := range d.gpkgLayers {
		if l.name == chosen {
			d.sourceLayer.SetSelectedIndex(i)
		}
	}
	d.sourceLayer.OnChanged = func(string) { d.read() }
	if chosen == "" {
		d.count.SetText(lang.L("Choose the layer of the GeoPackage to import."))
	}
}

// declaredSystem is the coordinate system the file declares: a
// GeoPackage's layer its own (the store reads it in longitude/latitude).
func (d *fileImportDialog) declaredSystem() int {
	if l := d.chosenSourceLayer(); l != nil {
		return l.srs
	}
	if d.src == nil {
		return 0
	}
	return d.src.SRS
}

// chosenSourceLayer is the GeoPackage's layer chosen, nil for none (and
// for a file that is not a GeoPackage).
func (d *fileImportDialog) chosenSourceLayer() *geoPackageLayer {
	if i := d.sourceLayer.SelectedIndex(); isGeoPackage(d.path) && i >= 0 && i < len(d.gpkgLayers) {
		return &d.gpkgLayers[i]
	}
	return nil
}

// showState says how the reading or the import went, in red for a failure.
func (d *fileImportDialog) showState(text string, failed bool) {
	d.state.Importance = widget.MediumImportance
	if failed {
		d.state.Importance = widget.DangerImportance
	}
	d.state.SetText(text)
}

// showSource shows what the first pass found.
func (d *fileImportDialog) showSource() {
	if d.srcErr != nil {
		d.count.SetText("")
		if d.declaredSystem() != 0 {
			d.system.SetText(d.systemText())
		}
		d.showState(importErrorText(d.failure(d.srcErr)), true)
		d.update()
		return
	}
	if d.src == nil {
		d.update()
		return
	}
	n := d.src.Count
	d.count.SetText(lang.N("{{.N}} objects", n, map[string]any{"N": groupDigits(n)}))
	d.kinds.SetText(geometryKindsText(d.src.Geometries))
	d.system.SetText(d.systemText())
	d.fields.SetText(fieldsText(d.src.Fields))
	d.showState("", false)
	d.offerTargets()
	if d.title.Text == "" {
		d.title.SetText(freeLayerTitle(d.ws, d.proposedTitle()))
	}
	d.update()
}

// failure is why reading or importing the file failed, as the dialog
// words it: a Shapefile's identifiers are its record numbers, and only a
// file that is not a GeoPackage offers «Read the coordinates as».
func (d *fileImportDialog) failure(err error) importFailure {
	return importFailure{err: err, recordIDs: formatName(d.path) == "Shapefile", systemChoice: !isGeoPackage(d.path)}
}

// systemText says which coordinate system the file is read in.
func (d *fileImportDialog) systemText() string {
	declared := d.declaredSystem()
	switch {
	case declared == 0 && d.crs.SelectedIndex() > 0:
		return lang.L("not declared by the file") // the choice below says how it is read
	case declared == 0:
		return lang.L("not declared by the file: read as longitude/latitude (WGS84)")
	case declared != srs.WGS84 && !srs.Supported(declared):
		return lang.L("{{.System}}, which Terrimap does not convert", map[string]any{"System": systemName(declared)})
	case formatName(d.path) == "CSV": // a CSV declares none: the reader deduces it
		return lang.L("{{.System}}, deduced from the coordinate columns", map[string]any{"System": systemName(declared)})
	case d.chosenSourceLayer() == nil && d.src.SRSDeduced: // a Shapefile without .prj
		return lang.L("{{.System}}, deduced from the coordinates (the file does not declare it)", map[string]any{"System": systemName(declared)})
	}
	return lang.L("{{.System}}, declared by the file", map[string]any{"System": systemName(declared)})
}

// choiceChanged follows a choice of the user: a failed import's message
// goes (it no longer says what Import would do) and the coordinates' line
// follows the system chosen; a file that cannot be read keeps its reason.
func (d *fileImportDialog) choiceChanged() {
	if d.src != nil && !d.running {
		d.showState("", false)
		d.system.SetText(d.systemText())
	}
	d.update()
}

// update shows the choices that apply, what the import would do and what
// the next sync will do, and offers Import when it can go ahead.
func (d *fileImportDialog) update() {
	if d.newForm == nil {
		return
	}
	existing := d.intoExisting()
	for _, w := range []disableable{d.sourceLayer, d.crs, d.where, d.title, d.existing} {
		setEnabled(w, !d.running) // nothing changes under an import
	}
	setVisible(d.summary, d.srcErr == nil || isGeoPackage(d.path))
	setVisible(d.right, d.srcErr == nil)
	setVisible(d.newForm, !existing)
	setVisible(d.existingForm, existing)
	opts, why := d.options()
	switch {
	case d.src == nil:
		d.check.SetText("")
	case why != "":
		d.check.SetText("⚠ " + why)
	case existing:
		d.check.SetText(lang.L("The objects are added to the layer «{{.Layer}}»; the file's fields are matched with the layer's by their names, the others are left out.",
			map[string]any{"Layer": d.targetLayer().Schema.DisplayTitle()}))
	default:
		text := lang.L("A new layer «{{.Title}}» is created with the file's fields.", map[string]any{"Title": opts.Title})
		if l := d.importedBefore(); l != nil && !strings.EqualFold(opts.Title, l.Schema.DisplayTitle()) {
			text += "\n" + lang.L("A layer «{{.Layer}}» already exists: if it comes from this file, the file is imported already, and importing it again would make a copy.",
				map[string]any{"Layer": l.Schema.DisplayTitle()})
		}
		d.check.SetText(text)
	}
	if d.src == nil {
		d.syncNote.SetText("")
	} else {
		d.syncNote.SetText(d.syncText(existing, opts.Layer))
	}
	setEnabled(d.importB, why == "" && !d.running)
}

// closeSource releases the file read (a reading that comes back after the
// dialog closed releases its own).
func (d *fileImportDialog) closeSource() {
	if d.src != nil {
		d.src.Close()
		d.src = nil
	}
}
