// Package app is Terrimap's desktop user interface, and the only package of
// Terrimap that draws with Fyne: the main window, its panels, dialogs and
// settings. Everything the user reads goes through Fyne's lang translations
// (French and English, from package assets).
package app

import (
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"terrimap/assets"
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
	// empty opens no workspace.
	WorkspacePath string
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
	if err := loadTranslations(); err != nil {
		return nil, err
	}
	a.SetIcon(iconResource())

	s := loadSettings(a.Preferences())
	w := a.NewWindow(windowTitle)
	m := newMainWindow(w)
	w.SetContent(m.build())
	w.Resize(s.windowSize)
	w.SetOnClosed(func() {
		s.windowSize = w.Canvas().Size()
		s.save(a.Preferences())
	})
	if opts.WorkspacePath != "" {
		m.openWorkspace(opts.WorkspacePath)
	}
	m.refresh()
	return m, nil
}
