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
)

// dataFormat is a file format a layer can be exported to, as the export
// dialog offers it.
type dataFormat struct {
	label func() string // shown in the list
	ext   string
	csv   formats.CSVGeometry
}

// dataFormats are the formats of «Exporter une couche», as QGIS users
// expect them.
var dataFormats = [...]dataFormat{
	{label: func() string { return "GeoPackage (.gpkg)" }, ext: ".gpkg"},
	{label: func() string { return "GeoJSON (.geojson)" }, ext: ".geojson"},
	{label: func() string { return "Shapefile (.shp)" }, ext: ".shp"},
	{label: func() string { return lang.L("CSV, geometry as WKT (.csv)") }, ext: ".csv", csv: formats.CSVWKT},
	{label: func() string { return lang.L("CSV, longitude and latitude columns, points only (.csv)") }, ext: ".csv", csv: formats.CSVXY},
}

// showDataExport asks which layer to export and in which format, then
// where, and writes it off the UI goroutine.
func (m *mainWindow) showDataExport() {
	if m.view == nil {
		return
	}
	layers := m.sess.ws.Layers()
	if len(layers) == 0 {
		return
	}
	titles := make([]string, len(layers))
	for i, l := range layers {
		titles[i] = l.Schema.DisplayTitle()
	}
	layer := widget.NewSelect(titles, nil)
	layer.SetSelectedIndex(0)
	labels := make([]string, len(dataFormats))
	for i, f := range dataFormats {
		labels[i] = f.label()
	}
	// Shapefiles and CSV files may go out in Lambert-93, as French QGIS
	// projects are; GeoJSON (RFC 7946) and GeoPackage stay in longitude/latitude.
	systems := []int{srs.WGS84, srs.Lambert93}
	system := widget.NewSelect([]string{systemName(systems[0]), systemName(systems[1])}, nil)
	system.SetSelectedIndex(0)
	system.Disable()
	format := widget.NewSelect(labels, nil)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Layer"), layer),
		widget.NewFormItem(lang.L("Format"), format),
		widget.NewFormItem(lang.L("Coordinates"), system),
	)
	format.OnChanged = func(string) {
		if f := dataFormats[max(0, format.SelectedIndex())]; f.ext == ".shp" || f.ext == ".csv" {
			system.Enable()
		} else {
			system.SetSelectedIndex(0)
			system.Disable()
		}
		form.Refresh() // the label follows its field, greyed or not
	}
	format.SetSelectedIndex(0)
	d := dialog.NewCustomConfirm(lang.L("Export a layer"), lang.L("Choose the file…"), lang.L("Cancel"), form, func(ok bool) {
		if !ok || layer.SelectedIndex() < 0 || format.SelectedIndex() < 0 {
			return
		}
		l, f, code := layers[layer.SelectedIndex()], dataFormats[format.SelectedIndex()], systems[max(0, system.SelectedIndex())]
		askSavePath(m.app, m.window, safeFileName(l.Schema.DisplayTitle())+f.ext, []string{f.ext}, func(path string) {
			m.exportLayerTo(path, l, f, code)
		})
	}, m.window)
	d.Resize(fyne.NewSize(560, 0)) // the formats' names whole
	d.Show()
}

// exportLayerTo writes layer l to path in format f, coordinates in EPSG
// code, in the background, then says what was written and what the file
// could not hold.
func (m *mainWindow) exportLayerTo(path string, l *store.Layer, f dataFormat, code int) {
	if !strings.EqualFold(filepath.Ext(path), f.ext) {
		path += f.ext
	}
	busy := dialog.NewCustomWithoutButtons(lang.L("Export a layer"),
		container.NewVBox(widget.NewLabel(lang.L("Writing {{.Layer}}…", map[string]any{"Layer": l.Schema.DisplayTitle()})), widget.NewProgressBarInfinite()), m.window)
	busy.Show()
	ws := m.sess.ws
	go func() {
		rep, err := ws.Export(context.Background(), path, store.ExportOptions{Layers: []string{l.Name()}, CSV: f.csv, SRS: code})
		m.do(func() {
			busy.Hide()
			if err != nil {
				m.status = lang.L("The layer could not be exported.")
				m.refresh()
				showError(m.window, lang.L("The layer could not be written to {{.Path}}. Check that the folder exists, that you may write in it and that the file is not open in another program.", map[string]any{"Path": path}))
				return
			}
			m.status = lang.L("{{.N}} features of «{{.Layer}}» written to {{.Path}}.",
				map[string]any{"N": rep.Features[l.Name()], "Layer": l.Schema.DisplayTitle(), "Path": path})
			m.refresh()
			msg := m.status
			if len(rep.Warnings) > 0 {
				msg += "\n\n" + lang.L("What the file could not hold as it was:")
				for _, w := range rep.Warnings {
					msg += "\n• " + warningText(l, w)
				}
			}
			showFileWritten(m.app, m.window, lang.L("Export a layer"), msg, path)
		})
	}()
}

// warningText says in the user's words what a file could not hold, naming
// fields by their titles.
func warningText(l *store.Layer, w formats.Warning) string {
	field := w.Field
	if f, ok := l.Schema.Field(w.Field); ok {
		field = f.DisplayTitle()
	}
	args := map[string]any{"Field": field, "Name": w.Name, "N": w.Count}
	switch w.Kind {
	case formats.WarnFieldRenamed:
		return lang.L("the field «{{.Field}}» is named {{.Name}} in the file (10 characters at most)", args)
	case formats.WarnTextCut:
		return lang.L("{{.N}} texts of «{{.Field}}» were too long (254 bytes at most) and were cut", args)
	case formats.WarnDateTimeAsText:
		return lang.L("the dates and times of «{{.Field}}» are written as text", args)
	case formats.WarnGeometryDropped:
		return lang.L("{{.N}} features are written without their geometry, which this file cannot hold (the x/y columns of a CSV take points only, a Shapefile one kind of geometry)", args)
	case formats.WarnNumberTooWide:
		return lang.L("{{.N}} numbers of «{{.Field}}» were too long for the file and are left empty", args)
	}
	return ""
}
