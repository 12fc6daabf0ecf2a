package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// askOpenPath asks for a file to read under title, listing only files with
// one of exts (".dxf") by their whole names, opening in the user's
// Documents; chosen gets its path (the dialog's own file is closed: the
// caller reads the file itself, off the UI goroutine). A cancelled dialog
// does nothing.
func askOpenPath(win fyne.Window, title string, exts []string, chosen func(path string)) {
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		chosen(path)
	}, win)
	open.SetTitleText(title)
	open.SetView(dialog.ListView)
	open.SetFilter(storage.NewExtensionFileFilter(exts))
	if dir := documentsFolder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			open.SetLocation(l)
		}
	}
	open.Show()
	open.Resize(fyne.NewSize(900, 600)) // the files' names whole
}
