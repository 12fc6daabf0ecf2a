package app

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/srs"
	"terrimap/sync/protocol"
)

// offerTargets offers, among the layers the user may edit, those that
// take the file's kind of geometry.
func (d *fileImportDialog) offerTargets() {
	var options []string
	d.targets, options = editableLayers(d.ws, func(l *store.Layer) bool { return kindsFitLayer(d.src.Geometries, l.Schema.GeometryType) })
	d.existing.OnChanged = nil
	d.existing.ClearSelected()
	d.existing.SetOptions(options)
	d.existing.OnChanged = func(string) { d.choiceChanged() }
}

// freeLayerTitle is title, or «title 2», «title 3»… when a layer of ws
// has it as title or name (whatever the case).
func freeLayerTitle(ws *store.Workspace, title string) string {
	free := title
	for i := 2; layerTitled(ws, free) != nil; i++ {
		free = title + " " + strconv.Itoa(i)
	}
	return free
}

// layerTitled is the layer of ws with title as its title or name (whatever
// the case), nil when none has.
func layerTitled(ws *store.Workspace, title string) *store.Layer {
	for _, l := range ws.Layers() {
		if strings.EqualFold(l.Schema.DisplayTitle(), title) || strings.EqualFold(l.Name(), title) {
			return l
		}
	}
	return nil
}

// importedBefore is the layer an earlier import of this file may have
// made: the one with the title an import of it gives (a layer's name alone
// tells nothing: «pei» is the platform's); nil when none has.
func (d *fileImportDialog) importedBefore() *store.Layer {
	title := d.proposedTitle()
	for _, l := range d.ws.Layers() {
		if strings.EqualFold(l.Schema.DisplayTitle(), title) {
			return l
		}
	}
	return nil
}

// proposedTitle is the name offered for a new layer: a GeoPackage layer's
// title, else the file's name (titleFromFileName).
func (d *fileImportDialog) proposedTitle() string {
	if l := d.chosenSourceLayer(); l != nil {
		return l.title
	}
	return titleFromFileName(d.path)
}

// titleFromFileName makes a layer title of a file's name: its words apart,
// a capital first («PEI_SDIS71-Tournus.csv» → «PEI SDIS71 Tournus»).
func titleFromFileName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	base = strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == '_' || r == '-' || r == '.' || unicode.IsSpace(r) }), " ")
	if r, size := utf8.DecodeRuneInString(base); size > 0 {
		base = string(unicode.ToUpper(r)) + base[size:]
	}
	return base
}

// intoExisting reports whether the user chose an existing layer.
func (d *fileImportDialog) intoExisting() bool {
	return d.where.Selected == lang.L("Into an existing layer")
}

// targetLayer is the existing layer chosen, nil for none.
func (d *fileImportDialog) targetLayer() *store.Layer {
	return layerAt(d.ws, d.targets, d.existing.SelectedIndex())
}

// newLayerName is the name of the layer an import into ws would create
// from the title typed: unique in ws, clear of the names the platform keeps
// for itself; "" with why it cannot be.
func newLayerName(ws *store.Workspace, typed string) (string, string) {
	title := strings.TrimSpace(typed)
	if title == "" {
		return "", lang.L("Give the new layer a name.")
	}
	if freeLayerTitle(ws, title) != title {
		return "", lang.L("A layer is already named «{{.Title}}»: choose another name, or import into that layer.", map[string]any{"Title": title})
	}
	base := formats.LayerName(title)
	for _, p := range protocol.ReservedLayerPrefixes {
		if strings.HasPrefix(strings.ToLower(base), p) {
			base = "couche_" + base
		}
	}
	return ws.FreeLayerName(base, nil), ""
}

// options are the import options the dialog stands at, with why the
// import cannot go ahead ("" when it can).
func (d *fileImportDialog) options() (store.ImportOptions, string) {
	var opts store.ImportOptions
	if i := d.crs.SelectedIndex(); i > 0 && !isGeoPackage(d.path) {
		opts.SRS = importSystems[i]
	}
	if l := d.chosenSourceLayer(); l != nil {
		opts.SourceLayer = l.name
	}
	if d.src == nil {
		return opts, " "
	}
	if why := sourceRefusal(d.src, d.declaredSystem(), opts.SRS); why != "" {
		return opts, why
	}
	if d.intoExisting() {
		l := d.targetLayer()
		if l == nil {
			return opts, lang.L("Choose the layer to add the objects to.")
		}
		if !kindsFitLayer(d.src.Geometries, l.Schema.GeometryType) {
			return opts, lang.L("The file holds {{.File}}, the layer «{{.Layer}}» holds {{.Kind}}: choose another layer, or a new layer.",
				map[string]any{"File": geometryKindsText(d.src.Geometries), "Layer": l.Schema.DisplayTitle(), "Kind": layerKindText(l.Schema.GeometryType)})
		}
		opts.Layer = l.Name()
		return opts, ""
	}
	name, why := newLayerName(d.ws, d.title.Text)
	if why != "" {
		return opts, why
	}
	opts.Layer, opts.Title = name, strings.TrimSpace(d.title.Text)
	return opts, ""
}

// sourceRefusal says why the file read in src cannot be imported, ""
// when it can: declared is the coordinate system it declares, override
// the one chosen over it (0: none).
func sourceRefusal(src *formats.Source, declared, override int) string {
	switch {
	case src.Count == 0:
		return lang.L("The file holds no object.")
	case src.Geometries == 0:
		return lang.L("No object of this file has a geometry. A CSV file needs longitude and latitude columns (or x and y in Lambert-93).")
	case override == 0 && declared != 0 && declared != srs.WGS84 && !srs.Supported(declared):
		return lang.L("The file is in a coordinate system Terrimap does not convert: ask for it in Lambert-93 or in longitude/latitude (WGS84).")
	}
	return ""
}

// syncText says what the next synchronisation will do with the objects.
func (d *fileImportDialog) syncText(existing bool, layer string) string {
	switch {
	case !d.platform:
		return lang.L("This workspace is not linked to a platform: the imported objects stay on this computer.")
	case !existing:
		return lang.L("The new layer is first on this computer only. At the next synchronisation Terrimap offers it to the platform: only a platform administrator can publish it there. Until then the layer and its objects stay on this computer (nothing is lost); the objects are sent once the platform has the layer.")
	}
	if a, ok := d.access[layer]; ok && a.Territory != nil {
		return lang.L("The objects are sent to the platform at the next synchronisation, like your other changes. The platform refuses those outside your territory: they then wait under «Rejected changes».")
	}
	return lang.L("The objects are sent to the platform at the next synchronisation, like your other changes.")
}

// setVisible shows o or hides it.
func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
