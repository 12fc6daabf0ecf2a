package app

import (
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefSaveFolder remembers the folder the user last saved a file in (an
// export, a report, a table): the next save dialog opens there.
const prefSaveFolder = "files.save.folder"

// saveFolder is the folder a save dialog opens in: the last folder used
// while it still exists, else the user's Documents, else the home folder;
// "" when none can be found (Fyne then chooses).
func saveFolder(prefs fyne.Preferences) string {
	if last := prefs.String(prefSaveFolder); isFolder(last) {
		return last
	}
	return documentsFolder()
}

// documentsFolder is the user's Documents folder ($XDG_DOCUMENTS_DIR, or
// Documents in the home folder), else the home folder itself; "" when there
// is no home.
func documentsFolder() string {
	if d := os.Getenv("XDG_DOCUMENTS_DIR"); isFolder(d) {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil || !isFolder(home) {
		return ""
	}
	if d := filepath.Join(home, "Documents"); isFolder(d) {
		return d
	}
	return home
}

// isFolder reports whether path names an existing folder.
func isFolder(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// askSavePath asks where to save a file, offering name and listing only
// files with one of exts (".pdf"); it opens in saveFolder. chosen gets the
// path the user chose (the dialog's own file is closed: the caller writes
// the file itself, whole or not at all) and its folder is remembered for
// the next time. The dialog is returned shown.
func askSavePath(a fyne.App, win fyne.Window, name string, exts []string, chosen func(path string)) *dialog.FileDialog {
	prefs := a.Preferences()
	save := dialog.NewFileSave(whenSaveChosen(prefs, chosen), win)
	save.SetFileName(name)
	if len(exts) > 0 {
		save.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	if dir := saveFolder(prefs); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			save.SetLocation(l)
		}
	}
	save.Show()
	return save
}

// whenSaveChosen is a save dialog's callback: it closes the dialog's file,
// remembers its folder and hands its path to chosen; a cancelled dialog
// does nothing.
func whenSaveChosen(prefs fyne.Preferences, chosen func(path string)) func(fyne.URIWriteCloser, error) {
	return func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		prefs.SetString(prefSaveFolder, filepath.Dir(path))
		chosen(path)
	}
}

// fileWrittenDialog says that a file was written and offers to open it with
// the computer's viewer («Ouvrir») or to show its folder.
type fileWrittenDialog struct {
	dialog.Dialog
	open, folder *widget.Button
}

// showFileWritten shows message (which should name path) under title, with
// buttons opening the file and its folder through a.OpenURL.
func showFileWritten(a fyne.App, win fyne.Window, title, message, path string) *fileWrittenDialog {
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	d := &fileWrittenDialog{}
	d.open = widget.NewButtonWithIcon(lang.L("Open"), theme.FileIcon(), func() {
		openPath(a, win, path)
	})
	d.open.Importance = widget.HighImportance
	d.folder = widget.NewButtonWithIcon(lang.L("Show the folder"), theme.FolderOpenIcon(), func() {
		openPath(a, win, filepath.Dir(path))
	})
	d.Dialog = dialog.NewCustom(title, lang.L("Close"),
		container.NewVBox(text, container.NewHBox(d.open, d.folder)), win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	return d
}

// openPath opens path (a file or a folder) with the computer's own program,
// or says why it cannot.
func openPath(a fyne.App, win fyne.Window, path string) {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err == nil {
		err = a.OpenURL(u)
	}
	if err != nil {
		showError(win, lang.L("The computer could not open {{.Path}}: open it from its folder.", map[string]any{"Path": path}))
	}
}
