package app

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/schema"
	"terrimap/store/srs"
)

// dxfDialog previews a surveyor's DXF plan (plan de récolement) and imports
// it into a layer: the user picks the target layer and the coordinate
// system, says for each DXF layer whether it is imported and which values
// its features get (the table a DXFMapping is built from), sees what the
// plan holds and what will be left out, then imports. Reading the plan and
// importing run off the UI goroutine; their results come back through do.
type dxfDialog struct {
	win  fyne.Window
	ws   *store.Workspace
	path string
	do   func(func())
	// done is called on the UI goroutine after a successful import.
	done func(store.ImportReport)
	// territory is where the plan may lie besides the workspace's data
	// (store.DXFOptions.Territory); empty, the data alone decide.
	territory orb.Bound

	mapping   formats.DXFMapping
	preview   *store.DXFPreview
	dxfLayers []string // DXF layers of the plan, from the last preview
	selected  int      // row of the layer list: 0 for every layer, i+1 for dxfLayers[i]
	gen       int      // number of the latest preview asked for
	busy      bool

	target   *widget.Select
	targets  []string // layer names, in the order of target.Options
	crs      *widget.Select
	layers   *widget.List
	include  *widget.Check
	heading  *widget.Label
	values   *fyne.Container
	summary  *widget.Label
	problems *widget.Label
	previewB *widget.Button
	importB  *widget.Button
	dialog   dialog.Dialog

	// renderer and mapLayers, when set, draw the plan's features over the
	// map in the dialog (mapBox), before anything is imported.
	renderer  *mapview.Renderer
	mapLayers []mapview.Layer
	mapBox    *fyne.Container
}

func newDXFDialog(win fyne.Window, ws *store.Workspace, path string, do func(func()), done func(store.ImportReport)) *dxfDialog {
	return &dxfDialog{win: win, ws: ws, path: path, do: do, done: done,
		mapping: formats.DXFMapping{Common: map[string]string{}, Layers: map[string]map[string]string{}}}
}

// show opens the dialog and reads the plan.
func (d *dxfDialog) show() {
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("Import a DXF plan"), d.build(), d.win)
	d.dialog.Resize(fyne.NewSize(900, 620))
	d.dialog.Show()
	d.refresh()
}

func (d *dxfDialog) build() fyne.CanvasObject {
	var titles []string
	d.targets, titles = editableLayers(d.ws, nil)
	d.target = widget.NewSelect(titles, func(string) { d.showValues(); d.refresh() })
	d.target.PlaceHolder = lang.L("(none)")
	if len(titles) > 0 {
		d.target.SetSelectedIndex(0)
	}
	d.crs = widget.NewSelect([]string{lang.L("Automatic"), systemName(srs.Lambert93), systemName(srs.CC47)}, func(string) { d.refresh() })
	d.crs.SetSelectedIndex(0)
	top := widget.NewForm(widget.NewFormItem(lang.L("Into layer"), d.target), widget.NewFormItem(lang.L("Coordinates"), d.crs))

	d.layers = widget.NewList(func() int { return len(d.dxfLayers) + 1 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.rowText(i)) })
	d.layers.OnSelected = func(i widget.ListItemID) { d.selected = i; d.showValues() }
	d.include = widget.NewCheck(lang.L("Import this DXF layer"), d.setIncluded)
	d.heading = widget.NewLabel("")
	d.heading.TextStyle = fyne.TextStyle{Bold: true}
	d.values = container.NewVBox()
	right := container.NewBorder(container.NewVBox(d.heading, d.include), nil, nil, nil, container.NewVScroll(d.values))

	d.summary = widget.NewLabel(lang.L("Reading the plan…"))
	d.summary.Wrapping = fyne.TextWrapWord
	d.problems = widget.NewLabel("")
	d.problems.Wrapping = fyne.TextWrapWord
	d.previewB = widget.NewButton(lang.L("Preview"), d.refresh)
	d.importB = widget.NewButton(lang.L("Import"), d.doImport)
	d.importB.Importance = widget.HighImportance
	d.importB.Disable()
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dialog.Hide() })
	buttons := container.NewHBox(cancel, d.previewB, d.importB)
	problems := container.NewVScroll(d.problems)
	problems.SetMinSize(fyne.NewSize(0, 120))
	d.mapBox = container.NewStack()
	bottom := container.NewVBox(container.NewBorder(nil, nil, d.mapBox, nil, container.NewVBox(d.summary, problems)), container.NewCenter(buttons))
	split := container.NewHSplit(d.layers, right)
	split.Offset = 0.4
	d.showValues()
	return container.NewBorder(top, bottom, nil, nil, split)
}

// targetLayer returns the chosen layer, nil when there is none.
func (d *dxfDialog) targetLayer() *store.Layer {
	return layerAt(d.ws, d.targets, d.target.SelectedIndex())
}

// rowText is the text of a row of the DXF layer list.
func (d *dxfDialog) rowText(i int) string {
	if i == 0 {
		return lang.L("All DXF layers")
	}
	name := d.dxfLayers[i-1]
	if d.mapping.Skips(name) {
		return lang.L("{{.Name}}: left out", map[string]any{"Name": name})
	}
	imported, entities := 0, 0
	if d.preview != nil {
		for _, s := range d.preview.Layers {
			if s.Name == name {
				imported, entities = s.Points+s.Lines, s.Entities
			}
		}
	}
	return lang.L("{{.Name}}: {{.Imported}} of {{.Entities}} entities to import", map[string]any{"Name": name, "Imported": imported, "Entities": entities})
}

// layerValues returns the values the selected row edits.
func (d *dxfDialog) layerValues() map[string]string {
	if d.selected == 0 || d.selected > len(d.dxfLayers) {
		return d.mapping.Common
	}
	name := d.dxfLayers[d.selected-1]
	v, ok := d.mapping.Layers[name]
	if !ok {
		v = map[string]string{}
		d.mapping.Layers[name] = v
	}
	return v
}

// showValues shows one editor per field of the target layer for the
// values of the selected row.
func (d *dxfDialog) showValues() {
	if d.values == nil {
		return
	}
	d.values.RemoveAll()
	// The check stays in place (a hidden one would leave the layout stale):
	// every DXF layer together cannot be left out.
	d.include.OnChanged = nil
	if d.selected == 0 || d.selected > len(d.dxfLayers) {
		d.heading.SetText(lang.L("Values for every DXF layer"))
		d.include.SetChecked(true)
		d.include.Disable()
	} else {
		name := d.dxfLayers[d.selected-1]
		d.heading.SetText(lang.L("Values for DXF layer {{.Name}}", map[string]any{"Name": name}))
		d.include.SetChecked(!d.mapping.Skips(name))
		d.include.Enable()
	}
	d.include.OnChanged = d.setIncluded
	l := d.targetLayer()
	if l == nil {
		return
	}
	values := d.layerValues()
	form := widget.NewForm()
	for _, f := range l.Schema.Fields {
		if f.ReadOnly {
			continue
		}
		form.AppendItem(widget.NewFormItem(f.DisplayTitle(), d.valueEditor(f, values)))
	}
	d.values.Add(form)
	d.values.Refresh()
}

// valueEditor returns the editor of one field's value: a list of labels
// for a coded field, an entry otherwise ({n}, {calque}, {id} and {fichier}
// are expanded on import).
func (d *dxfDialog) valueEditor(f schema.Field, values map[string]string) fyne.CanvasObject {
	set := func(v string) {
		if v == "" {
			delete(values, f.Name)
		} else {
			values[f.Name] = v
		}
	}
	if len(f.Domain) > 0 {
		options := []string{lang.L("(none)")}
		for _, cv := range f.Domain {
			options = append(options, cv.Label)
		}
		s := widget.NewSelect(options, nil)
		s.PlaceHolder = lang.L("(none)")
		for i, cv := range f.Domain {
			if cv.Code == values[f.Name] {
				s.SetSelectedIndex(i + 1)
			}
		}
		s.OnChanged = func(string) {
			if i := s.SelectedIndex(); i > 0 {
				set(f.Domain[i-1].Code)
			} else {
				set("")
			}
		}
		return s
	}
	e := widget.NewEntry()
	e.SetText(values[f.Name])
	e.OnChanged = func(v string) { set(v) }
	return e
}

// setIncluded takes the selected DXF layer in or out of the import.
func (d *dxfDialog) setIncluded(on bool) {
	if d.selected == 0 || d.selected > len(d.dxfLayers) {
		return
	}
	name := d.dxfLayers[d.selected-1]
	var skip []string
	for _, s := range d.mapping.Skip {
		if s != name {
			skip = append(skip, s)
		}
	}
	if !on {
		skip = append(skip, name)
	}
	d.mapping.Skip = skip
	d.layers.RefreshItem(d.selected)
	d.refresh()
}

// options are the import options the dialog stands at.
func (d *dxfDialog) options() (store.DXFOptions, bool) {
	l := d.targetLayer()
	if l == nil {
		return store.DXFOptions{}, false
	}
	crs := []int{0, srs.Lambert93, srs.CC47}[max(0, d.crs.SelectedIndex())]
	return store.DXFOptions{Layer: l.Name(), CRS: crs, Mapping: copyMapping(d.mapping), Territory: d.territory}, true
}

// planTerritory is where the user's plans may lie, as the platform says:
// the extent of the territories where it lets them edit (their commune);
// empty when it does not restrict them, the workspace's data (the
// intercommunality's communes and networks) then decide.
func (s *session) planTerritory() orb.Bound {
	var b orb.Bound
	for _, a := range s.access {
		t := a.Territory
		if t == nil {
			continue
		}
		if b.IsZero() {
			b = t.Bound()
		} else {
			b = b.Union(t.Bound())
		}
	}
	return b
}

// copyMapping copies a mapping, so that the background work reads values
// the editors no longer change.
func copyMapping(m formats.DXFMapping) formats.DXFMapping {
	out := formats.DXFMapping{Common: map[string]string{}, Layers: map[string]map[string]string{}, Skip: append([]string(nil), m.Skip...), OnlyListed: m.OnlyListed}
	for k, v := range m.Common {
		out.Common[k] = v
	}
	for name, values := range m.Layers {
		c := map[string]string{}
		for k, v := range values {
			c[k] = v
		}
		out.Layers[name] = c
	}
	return out
}

// refresh previews the plan again with the current choices, off the UI goroutine.
func (d *dxfDialog) refresh() {
	if d.summary == nil || d.busy {
		return
	}
	opts, ok := d.options()
	if !ok {
		d.summary.SetText(lang.L("The workspace has no layer you may edit."))
		return
	}
	d.gen++
	gen := d.gen
	d.importB.Disable()
	d.summary.SetText(lang.L("Reading the plan…"))
	go func() {
		p, err := d.ws.PreviewDXF(context.Background(), d.path, opts)
		pic := d.drawPlan(p, err)
		d.do(func() {
			if gen == d.gen {
				d.showPreview(p, err)
				d.mapBox.RemoveAll()
				if pic != nil {
					d.mapBox.Add(pic.object())
				}
			}
		})
	}()
}

// showPreview shows what a preview found.
func (d *dxfDialog) showPreview(p *store.DXFPreview, err error) {
	d.preview = p
	if err != nil {
		d.summary.SetText(dxfErrorText(err))
		d.problems.SetText("")
		return
	}
	if len(d.dxfLayers) == 0 {
		for _, s := range p.Layers {
			if s.Entities > 0 {
				d.dxfLayers = append(d.dxfLayers, s.Name)
			}
		}
	}
	system := systemName(srs.Lambert93)
	if p.CRS == srs.CC47 {
		system = systemName(srs.CC47)
	}
	how := lang.L("as chosen")
	if p.Detected {
		how = lang.L("found from the coordinates")
	}
	d.summary.SetText(lang.L("Coordinates: {{.System}}, {{.How}}. To import: {{.Count}} features ({{.Points}} points, {{.Lines}} lines).",
		map[string]any{"System": system, "How": how, "Count": len(p.Features), "Points": p.Points, "Lines": p.Lines}))
	text := ""
	for _, pb := range p.Problems {
		text += "• " + dxfProblemText(pb) + "\n"
	}
	d.problems.SetText(text)
	d.layers.Refresh()
	if len(p.Features) > 0 && len(p.Blocking()) == 0 {
		d.importB.Enable()
	}
}

// doImport previews the plan with the current choices and imports it when
// nothing blocks, off the UI goroutine.
func (d *dxfDialog) doImport() {
	opts, ok := d.options()
	if !ok || d.busy {
		return
	}
	d.busy = true
	d.gen++
	d.importB.Disable()
	d.previewB.Disable()
	d.summary.SetText(lang.L("Importing the plan…"))
	go func() {
		p, err := d.ws.PreviewDXF(context.Background(), d.path, opts)
		var rep store.ImportReport
		if err == nil {
			rep, err = d.ws.ImportDXF(context.Background(), p)
		}
		d.do(func() {
			d.busy = false
			d.previewB.Enable()
			if err != nil {
				if p != nil {
					d.showPreview(p, nil)
				}
				d.summary.SetText(dxfErrorText(err))
				return
			}
			d.dialog.Hide()
			dialog.ShowInformation(lang.L("Import a DXF plan"), lang.L("{{.Count}} features imported into {{.Layer}}; they will be sent at the next synchronisation.",
				map[string]any{"Count": rep.Features, "Layer": rep.Layer}), d.win)
			if d.done != nil {
				d.done(rep)
			}
		})
	}()
}

// dxfErrorText says in the user's language why a plan cannot be read or imported.
func dxfErrorText(err error) string {
	var ce *store.DXFCoordinateError
	switch {
	case errors.As(err, &ce):
		return dxfCoordinateText(ce)
	case errors.Is(err, formats.ErrBinaryDXF):
		return lang.L("This DXF plan is binary: save it again as ASCII DXF.")
	case errors.Is(err, formats.ErrNotDXF):
		return lang.L("This file is not a DXF drawing.")
	case errors.Is(err, store.ErrDXFMapping):
		return lang.L("The values do not fit the layer: see the problems below.")
	case errors.Is(err, store.ErrDXFEmpty):
		return lang.L("This plan has no line or point that can go into this layer.")
	}
	return lang.L("Cannot import the plan: {{.Error}}", map[string]any{"Error": err.Error()})
}

// dxfCoordinateText says what the coordinates of a refused plan likely are.
func dxfCoordinateText(e *store.DXFCoordinateError) string {
	declared := lang.L("Lambert-93 or CC47")
	if e.Declared == srs.Lambert93 || e.Declared == srs.CC47 {
		declared = systemName(e.Declared)
	}
	switch e.Likely {
	case store.LikelyLambert93:
		return lang.L("The coordinates seem to be in {{.Likely}}, not in {{.Declared}}: choose {{.Likely}} or automatic detection.",
			map[string]any{"Likely": systemName(srs.Lambert93), "Declared": declared})
	case store.LikelyCC47:
		return lang.L("The coordinates seem to be in {{.Likely}}, not in {{.Declared}}: choose {{.Likely}} or automatic detection.",
			map[string]any{"Likely": systemName(srs.CC47), "Declared": declared})
	case store.LikelyDegrees:
		return lang.L("The coordinates of the plan seem to be degrees of longitude and latitude, not metres in Lambert-93 or CC47.")
	case store.LikelyLocal:
		return lang.L("Local coordinates (not georeferenced): the plan is not set in Lambert-93 or CC47. Ask the surveyor for a georeferenced plan.")
	case store.LikelyUnknown:
		return lang.L("The coordinates of the plan fall neither on the territory of the CCMT nor on the workspace's data.")
	}
	system := systemName(srs.WebMercator)
	switch e.Likely {
	case store.LikelyCC46:
		system = systemName(3946)
	case store.LikelyCC48:
		system = systemName(3948)
	case store.LikelyLambert2:
		system = systemName(27572)
	case store.LikelyUTM31:
		system = systemName(32631)
	}
	return lang.L("The coordinates seem to be in {{.System}}, which Terrimap does not convert: ask the surveyor for a plan in Lambert-93 or CC47.",
		map[string]any{"System": system})
}

// dxfProblemText says a preview problem in the user's language.
func dxfProblemText(pb store.DXFProblem) string {
	data := map[string]any{"Count": pb.Count, "Layer": pb.DXFLayer, "Type": pb.EntityType, "Field": pb.Field}
	switch pb.Kind {
	case store.DXFGeometryMismatch:
		return lang.L("{{.Count}} entities ({{.Type}}) of DXF layer {{.Layer}} do not fit the target layer: not imported.", data)
	case store.DXFUnsupportedEntity:
		return lang.L("{{.Count}} entities ({{.Type}}) of DXF layer {{.Layer}} are of a type Terrimap does not import.", data)
	case store.DXFInvalidGeometry:
		return lang.L("{{.Count}} entities ({{.Type}}) of DXF layer {{.Layer}} have an empty or zero-length geometry: not imported.", data)
	case store.DXFOutsideTerritory:
		return lang.L("{{.Count}} entities of DXF layer {{.Layer}} lie outside the territory: not imported.", data)
	case store.DXFUnknownField:
		return lang.L("The target layer has no field {{.Field}}.", data)
	case store.DXFInvalidValue:
		return lang.L("DXF layer {{.Layer}}: the value given does not fit the field {{.Field}}.", data)
	case store.DXFMissingRequired:
		return lang.L("DXF layer {{.Layer}}: the required field {{.Field}} has no value.", data)
	case store.DXFUnmappedLayer:
		return lang.L("DXF layer {{.Layer}} has no values of its own: its {{.Count}} features take the common values and the defaults.", data)
	case store.DXFUnusedMapping:
		return lang.L("The values name DXF layer {{.Layer}}, which the plan lacks.", data)
	case store.DXFChordedArcs:
		return lang.L("{{.Count}} arcs are drawn as straight segments: the plan has too many curves.", data)
	}
	return pb.Message
}

// drawPlan draws the features a preview would import over the map around
// them, in the colour of "mine"; nil without renderer or features. It
// reads the workspace: off the UI goroutine.
func (d *dxfDialog) drawPlan(p *store.DXFPreview, err error) *conflictPicture {
	if d.renderer == nil || err != nil || p == nil || len(p.Features) == 0 {
		return nil
	}
	plan := make(orb.Collection, 0, len(p.Features))
	for _, f := range p.Features {
		if f.Geometry != nil {
			plan = append(plan, f.Geometry)
		}
	}
	pic := drawConflict(d.renderer, d.mapLayers, plan, nil)
	if pic != nil {
		pic.mineKey = lang.L("The plan's features, as they would be imported")
	}
	return pic
}
