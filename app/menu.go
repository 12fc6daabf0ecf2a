package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"terrimap/store"
)

// mainMenu is the window's menu bar; the items that need an open workspace
// are greyed without one.
type mainMenu struct {
	menu          *fyne.MainMenu
	needWorkspace []*fyne.MenuItem
}

// buildMenu makes the menu bar: what a GIS user looks for in the menus,
// each also on a button or a key where it is used often.
func (m *mainWindow) buildMenu() *mainMenu {
	mm := &mainMenu{}
	item := func(label string, action func(), needs bool) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		if needs {
			mm.needWorkspace = append(mm.needWorkspace, it)
		}
		return it
	}
	// The menu carries Ctrl+O, Ctrl+S and Ctrl+Q: the desktop driver asks the menu
	// before the focused field, which would swallow them.
	open := item(lang.L("Open workspace…"), m.showOpenDialog, false)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	// Our own «Quitter», so that it closes every window (quit), with Ctrl+Q.
	quit := item(lang.L("Quit"), m.quit, false)
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	file := fyne.NewMenu(lang.L("File"),
		open,
		item(lang.L("Import a surveyor's plan (DXF)…"), m.showDXFImport, true),
		item(lang.L("Import a file (GeoJSON, Shapefile, CSV, GeoPackage)…"), m.showFileImport, true),
		item(lang.L("Add a source (WFS, OGC API)…"), m.showAddSource, true),
		item(lang.L("Export the map (PDF, PNG)…"), m.showExport, true),
		item(lang.L("Export a layer (GeoPackage, GeoJSON, Shapefile, CSV)…"), m.showDataExport, true),
		item(lang.L("Export the RPQS annex…"), m.showRPQSExport, true),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Settings…"), m.showSettings, false),
		quit,
	)
	syncItem := item(lang.L("Synchronise"), func() {
		if m.view != nil {
			m.view.sync.start()
		}
	}, true)
	syncItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	tools := fyne.NewMenu(lang.L("Tools"),
		item(lang.L("Before works report…"), m.showReport, true),
		item(lang.L("DT-DICT…"), m.showDTDICT, true),
		item(lang.L("Prepare for offline work…"), m.showOffline, true),
		syncItem,
		fyne.NewMenuItemSeparator(),
		item(lang.L("Dashboard…"), m.showDashboard, true),
		item(lang.L("Network knowledge (ICGP)…"), m.showICGP, true),
	)
	view := fyne.NewMenu(lang.L("View"),
		item(lang.L("Attribute table…"), m.showTableChoice, true),
		item(lang.L("Presentation mode (F11)"), m.togglePresentation, true),
	)
	help := fyne.NewMenu(lang.L("Help"), item(lang.L("About Terrimap"), m.showAbout, false))
	mm.menu = fyne.NewMainMenu(file, tools, view, help)
	return mm
}

// refreshMenu greys what needs a workspace when none is open.
func (m *mainWindow) refreshMenu() {
	if m.menu == nil {
		return
	}
	for _, it := range m.menu.needWorkspace {
		it.Disabled = m.view == nil
	}
	m.menu.menu.Refresh()
}

// showDXFImport asks for a surveyor's DXF plan and opens the import dialog:
// target layer, coordinate system, values per DXF layer, preview.
func (m *mainWindow) showDXFImport() {
	if m.view == nil {
		return
	}
	askOpenPath(m.window, lang.L("Choose the DXF plan to import"), []string{".dxf"}, func(path string) {
		d := newDXFDialog(m.window, m.sess.ws, path, m.do, func(rep store.ImportReport) {
			if m.view != nil {
				m.view.synced() // redraw and recount what came in
				m.view.sync.reload()
			}
		})
		d.renderer, d.mapLayers = m.sess.renderer, m.sess.visibleLayers()
		d.territory = m.sess.planTerritory()
		d.show()
	})
}
