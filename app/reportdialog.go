package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/internal/fileout"
	"terrimap/mapview/export"
	"terrimap/mapview/mapui"
	"terrimap/report"
	"terrimap/sync/client"
)

// showReport starts an "avant travaux" report: the user draws the work
// zone on the map (an area, or the line of a trench) or opens a zone file;
// then reportZone asks for the margin and where to write the report.
func (m *mainWindow) showReport() {
	if m.view == nil {
		return
	}
	v := m.view
	var d dialog.Dialog
	draw := func(t mapui.Tool, tool string) func() {
		return func() {
			d.Hide()
			v.drawFor = m.reportZone
			v.tools.SetSelected(tool)
			v.mapw.SetTool(t)
			m.status = lang.L("Draw the work zone on the map: click each corner, double click to finish. Escape cancels.")
			m.refresh()
		}
	}
	area := widget.NewButton(lang.L("Draw the area of the works"), draw(mapui.ToolDrawPolygon, lang.L("Draw a polygon")))
	trench := widget.NewButton(lang.L("Draw the line of a trench"), draw(mapui.ToolDrawLine, lang.L("Draw a line")))
	file := widget.NewButton(lang.L("Open a zone file (GeoJSON, Shapefile)…"), func() {
		d.Hide()
		m.openZoneFile()
	})
	text := widget.NewLabel(lang.L("The report lists every network the workspace knows under the work zone and within a safety margin, with how precisely each is located, and says which must be located on site before digging."))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustom(lang.L("Before works: what is under the ground here?"), lang.L("Cancel"),
		container.NewVBox(text, area, trench, file), m.window)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
}

// openZoneFile reads a work zone from a file chosen by the user.
func (m *mainWindow) openZoneFile() {
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		go func() {
			z, err := report.ReadZone(path)
			m.do(func() {
				if err != nil {
					showError(m.window, zoneError(err))
					return
				}
				m.askReportOptions(z, filepath.Base(path))
			})
		}()
	}, m.window)
	open.SetFilter(storage.NewExtensionFileFilter([]string{".geojson", ".json", ".shp"}))
	open.Show()
}

// reportZone takes the geometry the user drew as the work zone.
func (m *mainWindow) reportZone(g orb.Geometry) {
	var z report.Zone
	switch x := g.(type) {
	case orb.Polygon:
		z.Geometry = orb.MultiPolygon{x}
	case orb.LineString:
		z.Geometry = orb.MultiLineString{x}
	default:
		return
	}
	m.askReportOptions(z, lang.L("zone drawn on the map"))
}

// askReportOptions asks the margin (and a trench's width), then where to
// write the report.
func (m *mainWindow) askReportOptions(z report.Zone, zoneName string) {
	if z.Name != "" {
		zoneName = z.Name
	}
	buffer := widget.NewEntry()
	buffer.SetText(strconv.FormatFloat(report.DefaultBuffer, 'f', -1, 64))
	width := widget.NewEntry()
	width.SetText("1")
	title := widget.NewEntry()
	title.SetText(lang.L("Before works report"))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Title"), title),
		widget.NewFormItem(lang.L("Safety margin (m)"), buffer),
	}
	if z.IsLine() {
		items = append(items, widget.NewFormItem(lang.L("Width of the trench (m)"), width))
	}
	buffer.Validator = metresValidator(false)
	width.Validator = metresValidator(true)
	dialog.ShowForm(lang.L("Before works report"), lang.L("Choose the file…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		b, _ := parseMetres(buffer.Text)
		if z.IsLine() {
			z.Width, _ = parseMetres(width.Text)
		}
		m.askReportFile(z, zoneName, title.Text, b)
	}, m.window)
}

// parseMetres reads a length typed by the user: a decimal comma is fine.
func parseMetres(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
}

// metresValidator accepts a length in metres, zero only when allowed.
func metresValidator(positive bool) fyne.StringValidator {
	return func(s string) error {
		v, err := parseMetres(s)
		switch {
		case err != nil:
			return errors.New(lang.L("Type a number of metres, such as 5 or 2,5."))
		case v < 0 || (positive && v == 0) || v > 1000:
			return errors.New(lang.L("Type a length between 0 and 1000 metres."))
		}
		return nil
	}
}

// askReportFile asks where to write the PDF (the GeoJSON of the selection
// goes beside it), then writes them.
func (m *mainWindow) askReportFile(z report.Zone, zoneName, title string, buffer float64) {
	name := fmt.Sprintf("avant-travaux-%s.pdf", time.Now().Format("2006-01-02-1504"))
	askSavePath(m.app, m.window, name, []string{".pdf"}, func(path string) {
		m.writeReport(path, z, zoneName, title, buffer)
	})
}

// writeReport selects the networks and writes the report in the
// background, then says what was found.
func (m *mainWindow) writeReport(path string, z report.Zone, zoneName, title string, buffer float64) {
	s := m.sess
	busy := dialog.NewCustomWithoutButtons(lang.L("Before works report"),
		container.NewVBox(widget.NewLabel(lang.L("Looking for the networks and writing the report…")), widget.NewProgressBarInfinite()), m.window)
	busy.Show()
	go func() {
		ctx := context.Background()
		sel, err := report.Select(ctx, s.ws, z, report.Options{Buffer: buffer})
		if err == nil {
			err = writeReportFiles(ctx, path, s, sel, report.Meta{Title: title, ZoneName: zoneName, Workspace: s.ws.Path(), Territory: s.home.name})
		}
		m.do(func() {
			busy.Hide()
			if err != nil {
				showError(m.window, zoneError(err))
				return
			}
			m.status = lang.L("Report saved in {{.Path}}: {{.N}} features found, {{.C}} to locate on site before works.",
				map[string]any{"Path": path, "N": len(sel.Items), "C": sel.Investigate()})
			m.refresh()
			showFileWritten(m.app, m.window, lang.L("Before works report"), lang.L("{{.N}} network features lie in the zone or within {{.B}} m of it; {{.C}} of them are located too roughly (class C or unknown) and must be located on site before works.\n\nThe report is in {{.Path}}, the features found in {{.GeoJSON}}.",
				map[string]any{"N": len(sel.Items), "B": buffer, "C": sel.Investigate(), "Path": path, "GeoJSON": geoJSONBeside(path)}), path)
		})
	}()
}

// geoJSONBeside is the GeoJSON file written beside a report.
func geoJSONBeside(pdf string) string {
	return strings.TrimSuffix(pdf, filepath.Ext(pdf)) + ".geojson"
}

// writeReportFiles writes the PDF and the GeoJSON of the selection, each
// whole or not at all.
func writeReportFiles(ctx context.Context, path string, s *session, sel *report.Selection, meta report.Meta) error {
	info, _ := client.Platform(ctx, s.ws)
	meta.PlatformURL, meta.LastSync = info.URL, info.LastSync
	meta.Attributions = export.DataAttributions(s.ws, s.visibleLayers())

	if err := fileout.Write(path, func(w io.Writer) error { return report.WritePDF(ctx, w, s.renderer, sel, meta) }); err != nil {
		return fmt.Errorf("app: report: %w", err)
	}
	if err := fileout.Write(geoJSONBeside(path), func(w io.Writer) error { return report.WriteGeoJSON(w, sel) }); err != nil {
		return fmt.Errorf("app: report: %w", err)
	}
	return nil
}

// zoneError says, in plain words, why a report cannot be made.
func zoneError(err error) string {
	switch {
	case errors.Is(err, report.ErrZoneUnreadable), errors.Is(err, report.ErrZoneEmpty):
		return lang.L("This file holds no work zone Terrimap can read: give a GeoJSON or a Shapefile with a polygon or a line.")
	case errors.Is(err, report.ErrZoneShape):
		return lang.L("The work zone must be an area (polygon) or the line of a trench.")
	case errors.Is(err, report.ErrZoneOutside):
		return lang.L("The work zone lies outside the data of this workspace: check the file, or its coordinate system.")
	case errors.Is(err, report.ErrZoneSRS), errors.Is(err, report.ErrZoneCoordinates):
		return lang.L("The coordinates of the zone cannot be read: give them in longitude/latitude or in Lambert-93.")
	case errors.Is(err, report.ErrNoNetworkLayer):
		return lang.L("This workspace holds no network layer to search.")
	case errors.Is(err, report.ErrZoneDegenerate):
		return lang.L("The work zone is too small: draw it again with at least three distinct corners, or a line of two points.")
	}
	return lang.L("The report could not be written. Check that the folder exists, that you may write in it and that the file is not open in another program.")
}
