package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
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

func TestShellOpensWorkspace(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	path := filepath.Join(t.TempDir(), "tournus.gpkg")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w, m := newTestShell(t, Options{WorkspacePath: path})

	if got, want := w.Title(), "tournus.gpkg — Terrimap"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got := m.workspacePath.Text; got != path {
		t.Errorf("panel path = %q, want %q", got, path)
	}
	if !m.workspacePath.Visible() || m.centreButton.Visible() {
		t.Error("with a workspace open, the panel shows its path and the centre no open button")
	}
	if got, want := m.statusLabel.Text, "Espace de travail tournus.gpkg ouvert."; got != want {
		t.Errorf("status = %q, want %q", got, want)
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
		{"open centre", func(m *mainWindow) fyne.Tappable { return m.centreButton }, ""},
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
