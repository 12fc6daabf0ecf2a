// Package app is Terrimap's desktop user interface: the main window, its
// panels, dialogs and settings. It draws with Fyne, as does only one other
// package, mapview/mapui (the map widget it places in the window); the
// packages below them are headless. Everything the user reads goes through
// Fyne's lang translations (French and English, from package assets).
package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"terrimap/assets"
	_ "terrimap/internal/clocale" // quiets Fyne in the C locale, before it reads it
)

// AppID is Terrimap's application identifier; Fyne keys the preferences and
// storage of the app by it. It matches ID in FyneApp.toml.
const AppID = "fr.ccmt.terrimap"

// Version is the version of Terrimap. It matches Version in FyneApp.toml.
const Version = "0.1.0"

// windowTitle is the product name, shown as is in every language.
const windowTitle = "Terrimap"

// Options are what the desktop app is started with.
type Options struct {
	// WorkspacePath is the GeoPackage file of the workspace to open at start;
	// empty opens the last one, or offers the first-run choices.
	WorkspacePath string
	// StartDemo, when set, starts a demonstration platform on this
	// computer and returns its address and a demo editor's credentials
	// (the "Try the demonstration" choice). cmd/terrimap provides it, so
	// that the app itself never links the platform's code.
	StartDemo func(ctx context.Context) (url, user, password string, err error)
	// Started is when the process started: terrimap reads it at the top
	// of main. StartupTrace counts from it (from when the window is made
	// when it is zero).
	Started time.Time
	// StartupTrace, when set, writes to stderr how long after Started the
	// workspace opened at start was open and its map first drawn, and may
	// quit then (terrimap --startup-trace).
	StartupTrace StartupTrace
	// E2EScript, when set, is an end-to-end script the app plays once its
	// window runs (terrimap --e2e-script FILE; e2edriver.go): screenshots
	// go beside it, and Run returns the first failure.
	E2EScript string
}

// loadTranslations adds the French and English translations to Fyne's lang
// package, which then picks the one of the user's locale.
func loadTranslations() error {
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return fmt.Errorf("app: loading translations: %w", err)
	}
	return nil
}

// iconResource is the application icon as a Fyne resource.
var iconResource = sync.OnceValue(func() fyne.Resource {
	return fyne.NewStaticResource("icon.png", assets.IconPNG)
})

// newShell sets up the main window of Terrimap in a, from opts, and returns
// it, not yet shown.
func newShell(a fyne.App, opts Options) (*mainWindow, error) {
	s := loadSettings(a.Preferences())
	if err := loadLanguage(s.language); err != nil {
		return nil, err
	}
	a.SetIcon(iconResource())

	w := a.NewWindow(windowTitle)
	w.SetMaster() // closing it ends the app, whatever other window is open
	m := newMainWindow(w)
	m.settings, m.prefs, m.app = s, a.Preferences(), a
	m.applyTheme()
	m.startup = newStartupTracer(opts, os.Stderr, a.Quit)
	w.SetContent(m.build())
	w.Resize(s.windowSize)
	w.SetOnClosed(func() {
		m.settings.windowSize = w.Canvas().Size()
		m.rememberView()
		m.saveSettings()
	})
	dataDir := a.Storage().RootURI().Path()
	switch start := startWorkspace(opts.WorkspacePath, s.lastWorkspace, dataDir); {
	case start != "":
		m.openWorkspace(start)
	default:
		m.showFirstRun(dataDir, opts.StartDemo)
	}
	m.refresh()
	return m, nil
}

// startWorkspace chooses the workspace opened at start: the one asked for,
// else the last one, else the one in the data folder; "" means the first
// run, which offers to connect or to try the demonstration.
func startWorkspace(asked, last, dataDir string) string {
	if asked != "" {
		return asked
	}
	for _, p := range []string{last, filepath.Join(dataDir, defaultWorkspaceName)} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}
