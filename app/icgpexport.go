package app

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/internal/fileout"
	"terrimap/rpqs"
	"terrimap/store"
)

// showRPQSExport asks the year and the commune of the RPQS annex, then
// where to write its PDF.
func (m *mainWindow) showRPQSExport() {
	if m.view == nil {
		return
	}
	ws := m.sess.ws
	year := widget.NewEntry()
	year.SetText(strconv.Itoa(time.Now().Year()))
	commune := newCommuneSelect(nil)
	commune.SetSelectedIndex(0)
	commune.load(ws, m.do, func(error) {}) // the whole intercommunality can be chosen anyway
	form := widget.NewForm(widget.NewFormItem(lang.L("Year of the report"), year), widget.NewFormItem(lang.L("Commune"), commune.Select))
	d := dialog.NewCustomConfirm(lang.L("Export the RPQS annex"), lang.L("Choose the file…"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		y, err := strconv.Atoi(strings.TrimSpace(year.Text))
		if err != nil || y < 2000 || y > 2100 {
			showError(m.window, lang.L("Give the year of the report, for example 2026."))
			return
		}
		insee, territory := "", rpqs.Intercommunality
		if c, ok := commune.commune(); ok {
			insee, territory = c.INSEE, c.Name
		}
		name := safeFileName(lang.L("RPQS annex {{.Year}} {{.Territory}}", map[string]any{"Year": y, "Territory": territory})) + ".pdf"
		askSavePath(m.app, m.window, name, []string{".pdf"}, func(path string) {
			m.writeRPQSAnnex(path, insee, y)
		})
	}, m.window)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// writeRPQSAnnex computes the scores and the dashboard, then writes the
// annex, off the UI goroutine.
func (m *mainWindow) writeRPQSAnnex(path, insee string, year int) {
	if !strings.EqualFold(filepath.Ext(path), ".pdf") {
		path += ".pdf"
	}
	busy := dialog.NewCustomWithoutButtons(lang.L("Export the RPQS annex"),
		container.NewVBox(widget.NewLabel(lang.L("Computing the indicators…")), widget.NewProgressBarInfinite()), m.window)
	busy.Show()
	ws := m.sess.ws
	go func() {
		err := writeAnnex(context.Background(), ws, path, insee, year, time.Now())
		m.do(func() {
			busy.Hide()
			if err != nil {
				showError(m.window, lang.L("The annex could not be written to {{.Path}}. Check that the workspace holds the water or sewer networks, that the folder exists and that the file is not open in another program.", map[string]any{"Path": path}))
				return
			}
			m.status = lang.L("RPQS annex written to {{.Path}}.", map[string]any{"Path": path})
			m.refresh()
		})
	}()
}

// writeAnnex writes the RPQS annex of the commune (or of the whole
// territory for "") for the year to path, whole or not at all.
func writeAnnex(ctx context.Context, ws *store.Workspace, path, insee string, year int, now time.Time) error {
	rep, stats, meta, err := rpqs.Compute(ctx, ws, insee, year, now)
	if err != nil {
		return err
	}
	return fileout.Write(path, func(w io.Writer) error { return rpqs.WritePDF(w, rep, stats, meta) })
}
