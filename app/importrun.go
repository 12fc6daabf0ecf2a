package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"terrimap/store"
)

// start runs the import off the UI goroutine, with its progress.
func (d *fileImportDialog) start() {
	opts, why := d.options()
	if why != "" || d.running || d.src == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.running, d.cancel = true, cancel
	d.update()
	d.bar.SetValue(0)
	d.bar.Show()
	d.showState(lang.L("Importing…"), false)
	total := d.src.Count
	p := &importProgress{every: max(100, total/200)}
	p.onRead = func(n int) {
		d.do(func() {
			if d.running && !d.cancelling {
				d.bar.SetValue(float64(n) / float64(max(1, total)))
				d.state.SetText(lang.L("Importing… {{.N}} of {{.Total}} objects", map[string]any{"N": groupDigits(n), "Total": groupDigits(total)}))
			}
		})
	}
	p.onEnd = func() {
		d.do(func() {
			if d.running && !d.cancelling {
				d.bar.SetValue(1)
				d.state.SetText(lang.L("Saving the objects in the workspace…"))
			}
		})
	}
	src, ws := d.src, d.ws
	go func() {
		rep, err := ws.ImportSource(ctx, p.counted(src), opts)
		cancelled := ctx.Err() != nil && err != nil
		d.do(func() {
			d.finish(rep, err, cancelled, d.failure(err))
		})
	}()
}

// finish shows how the import ended: the dialog closes after a success,
// stays open with the reason after a failure.
func (d *fileImportDialog) finish(rep store.ImportReport, err error, cancelled bool, f importFailure) {
	d.running, d.cancelling = false, false
	d.cancel()
	d.bar.Hide()
	switch {
	case cancelled:
		d.showState(lang.L("Import cancelled: nothing was imported."), false)
	case err != nil:
		d.showState(importErrorText(f), true)
	default:
		d.dialog.Hide()
		msg := importDoneText(d.ws, rep)
		if len(rep.IgnoredFields) > 0 {
			msg += "\n" + lang.L("Fields the layer does not have, left out: {{.Fields}}.", map[string]any{"Fields": strings.Join(rep.IgnoredFields, ", ")})
		}
		msg += "\n\n" + d.syncText(!rep.CreatedLayer, rep.Layer)
		info := dialog.NewInformation(lang.L("Import a file"), msg, d.win)
		info.Resize(fyne.NewSize(520, 0))
		info.Show()
		if d.done != nil {
			d.done(rep)
		}
		return
	}
	d.update()
}

// stop cancels the import under way, or closes the dialog.
func (d *fileImportDialog) stop() {
	if d.running {
		d.cancelling = true
		d.state.SetText(lang.L("Cancelling…"))
		d.cancel()
		return
	}
	d.dialog.Hide()
}

// importDoneText says what an import did: «12 418 objets importés dans la
// couche « Bornes incendie »», the layer by its title.
func importDoneText(ws *store.Workspace, rep store.ImportReport) string {
	return lang.N("{{.N}} objects imported into the layer «{{.Layer}}».", rep.Features, map[string]any{"N": groupDigits(rep.Features), "Layer": layerTitle(ws, rep.Layer)})
}
