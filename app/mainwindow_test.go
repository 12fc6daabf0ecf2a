package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"terrimap/store"
)

// shellSize keeps the golden files small; the real window opens at 1280×800.
var shellSize = fyne.NewSize(960, 600)

func newTestShell(t *testing.T, opts Options) (fyne.Window, *mainWindow) {
	t.Helper()
	a := test.NewTempApp(t)
	m, err := newShell(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Tests sync when they say so (TestAutoSync turns it back on), and
	// never reach for an Internet basemap.
	m.settings.autoSync = false
	m.settings.basemap = "none"
	t.Cleanup(func() {
		// Fyne's test driver panics on closing a window twice.
		if slices.Contains(a.Driver().AllWindows(), m.window) {
			m.window.Close()
		}
	})
	m.window.Resize(shellSize)
	return m.window, m
}

func TestShellWithoutWorkspace(t *testing.T) {
	for _, tc := range []struct {
		locale, golden, hint string
	}{
		{"fr_FR.UTF-8", "shell_fr.xml", "Aucun espace de travail n’est encore ouvert."},
		{"en_US.UTF-8", "shell_en.xml", "No workspace is open yet."},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			useLocale(t, tc.locale)
			w, m := newTestShell(t, Options{})

			if got := w.Title(); got != "Terrimap" {
				t.Errorf("title = %q, want Terrimap", got)
			}
			if got := m.workspaceName.Text; got != tc.hint {
				t.Errorf("panel says %q, want %q", got, tc.hint)
			}
			assertMarkup(t, tc.golden, w.Canvas())
		})
	}
}

func TestShellImage(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	w, _ := newTestShell(t, Options{})
	assertImage(t, "shell_fr.png", w.Canvas())
}

// demoWorkspaceFile writes a workspace with a hydrant layer and a few
// hydrants around Tournus.
func demoWorkspaceFile(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), name)
	ws, err := store.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.CreateLayer(ctx, hydrantLayer()); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for i, p := range []orb.Point{{4.905, 46.561}, {4.910, 46.564}, {4.915, 46.567}} {
			_, err := tx.Create("pei", store.Feature{Geometry: p, Properties: map[string]any{
				"numero": fmt.Sprintf("T-%02d", i+1), "type_pei": "PI", "debit": 60 + 10*i}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// openInShell opens path in m the way the open dialog does and runs the
// background work until the workspace is shown.
func openInShell(t *testing.T, m *mainWindow, path string) uiQueue {
	t.Helper()
	q := make(uiQueue, 256)
	m.do = q.do
	m.openWorkspace(path)
	m.refresh()
	q.runUntil(t, func() bool { return m.sess != nil })
	t.Cleanup(func() { m.view.close(); m.sess.close() })
	q.runUntil(t, func() bool { return m.view.sync.idle() })
	return q
}

func TestShellOpensWorkspace(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := demoWorkspaceFile(t, "tournus.gpkg")
	w, m := newTestShell(t, Options{})
	openInShell(t, m, path)

	if got, want := w.Title(), "Terrimap — tournus"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := m.statusLabel.Text, "Espace de travail tournus ouvert."; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if m.view.mapw == nil || m.split.Trailing == m.welcome {
		t.Fatal("the centre does not show the map")
	}
	if !strings.Contains(m.view.sync.summary.Text, "3 modifications en attente") {
		t.Errorf("sync summary = %q", m.view.sync.summary.Text)
	}
}

func TestShellRefusesNonWorkspaces(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := filepath.Join(t.TempDir(), "notes.gpkg")
	os.WriteFile(path, []byte("pas une base"), 0o644)
	w, m := newTestShell(t, Options{})
	q := make(uiQueue, 16)
	m.do = q.do
	m.openWorkspace(path)
	q.runUntil(t, func() bool { return strings.Contains(m.statusLabel.Text, "GeoPackage") })
	if m.sess != nil || w.Title() != "Terrimap" {
		t.Errorf("a text file was opened as a workspace")
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Errorf("no message shown")
	}
}

func TestShellWorkspaceErrors(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path, status string
	}{
		{"missing", filepath.Join(dir, "absent.gpkg"), "ce fichier n’existe pas."},
		{"folder", dir, "c’est un dossier, pas un fichier GeoPackage."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, m := newTestShell(t, Options{WorkspacePath: tc.path})
			if m.workspace != "" || w.Title() != "Terrimap" {
				t.Errorf("workspace %q opened from %s", m.workspace, tc.path)
			}
			want := "Impossible d’ouvrir " + tc.path + "\u00a0: " + tc.status
			if got := m.statusLabel.Text; got != want {
				t.Errorf("status = %q, want %q", got, want)
			}
		})
	}
}

func TestShellDialogs(t *testing.T) {
	useLocale(t, "en_US.UTF-8")
	for _, tc := range []struct {
		name   string
		button func(*mainWindow) fyne.Tappable
		want   string
	}{
		{"open toolbar", func(m *mainWindow) fyne.Tappable { return m.openButton }, ""},
		{"about", func(m *mainWindow) fyne.Tappable { return m.aboutButton }, "Terrimap " + Version + ": maps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, m := newTestShell(t, Options{})
			test.Tap(tc.button(m))
			top := w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog shown")
			}
			if tc.want != "" && !strings.Contains(test.RenderObjectToMarkup(top), tc.want) {
				t.Errorf("dialog does not say %q", tc.want)
			}
		})
	}
}

// The first run asks for what is missing before connecting.
func TestFirstRunAsksForWhatIsMissing(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	_, m := newTestShell(t, Options{})
	if m.first == nil || m.split.Trailing == m.welcome {
		t.Fatal("a first start does not offer to connect")
	}
	m.first.user.SetText("tournus")
	test.Tap(m.first.connect)
	if !strings.Contains(m.first.problem.Text, "adresse de la plateforme") {
		t.Errorf("message = %q", m.first.problem.Text)
	}
	if !m.first.demo.Hidden {
		t.Errorf("the demonstration is offered without a way to start it")
	}
}

func TestShellRemembersWindowSize(t *testing.T) {
	a := test.NewTempApp(t)
	m, err := newShell(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := m.window
	w.Resize(fyne.NewSize(1000, 700))
	w.Close()

	if got, want := loadSettings(a.Preferences()).windowSize, fyne.NewSize(1000, 700); got != want {
		t.Errorf("after close, settings hold %v, want %v", got, want)
	}
}

func TestShellShortcuts(t *testing.T) {
	w, _ := newTestShell(t, Options{})
	c := w.Canvas().(fyne.Shortcutable)

	c.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault})
	if w.Canvas().Overlays().Top() == nil {
		t.Error("Ctrl+O shows no dialog")
	}

	closed := false
	w.SetOnClosed(func() { closed = true })
	c.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	if !closed {
		t.Error("Ctrl+Q does not close the window")
	}
}

// The desktop driver gives a key shortcut to a focused field before the
// window, and a field swallows Ctrl+S or Ctrl+O: the menu, asked first, must
// carry them, so that Ctrl+S syncs right after typing in the Objet form and
// Ctrl+Q quits with the focus in the first connection's address.
func TestMenuCarriesShortcutsPastAFocusedField(t *testing.T) {
	_, m := newTestShell(t, Options{})
	for _, key := range []fyne.KeyName{fyne.KeyS, fyne.KeyO, fyne.KeyQ} {
		name := (&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}).ShortcutName()
		found := false
		for _, menu := range m.menu.menu.Items {
			for _, it := range menu.Items {
				if it.Shortcut != nil && it.Shortcut.ShortcutName() == name && it.Action != nil {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no menu item carries %s", name)
		}
	}
}
