package app

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// TestSaveFolder checks where a save dialog opens: the last folder used
// while it exists, else Documents, else the home folder — never Fyne's
// hidden configuration folder.
func TestSaveFolder(t *testing.T) {
	home := t.TempDir()
	docs := filepath.Join(home, "Documents")
	last := filepath.Join(home, "plans")
	for _, d := range []string{docs, last} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, last, want string
		noDocuments      bool
	}{
		{name: "first save", want: docs},
		{name: "last folder used", last: last, want: last},
		{name: "last folder removed since", last: filepath.Join(home, "gone"), want: docs},
		{name: "no Documents folder", want: home, noDocuments: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("USERPROFILE", home)
			t.Setenv("XDG_DOCUMENTS_DIR", "")
			if tt.noDocuments {
				t.Setenv("HOME", last) // a home without Documents
				t.Setenv("USERPROFILE", last)
				tt.want = last
			}
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefSaveFolder, tt.last)
			if got := saveFolder(a.Preferences()); got != tt.want {
				t.Errorf("saveFolder = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSaveChosenRemembersFolder checks that the folder of a chosen file is
// where the next save dialog opens, and that a cancelled dialog changes
// nothing.
func TestSaveChosenRemembersFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_DOCUMENTS_DIR", "")
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(900, 700))
	defer w.Close()

	var got []string
	chosen := func(path string) { got = append(got, path) }
	askSavePath(a, w, "carte.pdf", []string{".pdf"}, chosen).Dismiss()
	whenSaveChosen(a.Preferences(), chosen)(nil, nil)
	if len(got) != 0 || a.Preferences().String(prefSaveFolder) != "" {
		t.Fatalf("a cancelled dialog chose %q and remembered %q", got, a.Preferences().String(prefSaveFolder))
	}

	other := filepath.Join(home, "mairie")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(other, "carte.pdf")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	whenSaveChosen(a.Preferences(), chosen)(wc, nil)
	if len(got) != 1 || got[0] != path {
		t.Errorf("chosen %q, want %q", got, path)
	}
	if f := saveFolder(a.Preferences()); f != other {
		t.Errorf("after a save in %s the next dialog opens in %s", other, f)
	}
}

// openRecorder is an app whose OpenURL records what it was asked to open.
type openRecorder struct {
	fyne.App
	opened []string
}

func (a *openRecorder) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

// TestFileWrittenOffersToOpen checks that once a file is written the user
// can open it and its folder with the computer's own programs.
func TestFileWrittenOffersToOpen(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	a := &openRecorder{App: test.NewTempApp(t)}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(900, 700))
	defer w.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "avant-travaux.pdf")

	d := showFileWritten(a, w, "Rapport avant travaux", "Le rapport est dans "+path, path)
	if d.open.Text != "Ouvrir" || d.folder.Text != "Afficher le dossier" {
		t.Fatalf("buttons %q and %q, want Ouvrir and Afficher le dossier", d.open.Text, d.folder.Text)
	}
	test.Tap(d.open)
	test.Tap(d.folder)
	want := []string{"file://" + filepath.ToSlash(path), "file://" + filepath.ToSlash(dir)}
	if len(a.opened) != 2 || a.opened[0] != want[0] || a.opened[1] != want[1] {
		t.Errorf("opened %q, want %q", a.opened, want)
	}
}
