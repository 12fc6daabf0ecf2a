package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/paulmach/orb"

	"terrimap/store"
)

// workspaceExtension is the file extension of a workspace: a GeoPackage.
const workspaceExtension = ".gpkg"

// mainWindow is Terrimap's main window: a toolbar, the workspace panel on the
// left, the map area in the centre and a status bar. It holds its widgets;
// build makes them once, refresh shows the current state in them.
type mainWindow struct {
	window fyne.Window

	// workspace is the absolute path of the open workspace; empty if none.
	workspace string
	// status is the last message for the status bar; empty shows "Ready".
	status string

	openButton     *widget.Button
	aboutButton    *widget.Button
	settingsButton *widget.Button
	// topBar holds those buttons; with a workspace open the menu bar and
	// the map's own toolbar do their work, and it leaves the map the room.
	topBar *fyne.Container

	// settings are the user's preferences, saved in prefs as soon as they
	// change; app applies the theme.
	settings settings
	prefs    fyne.Preferences
	app      fyne.App

	// root is the window's content; presentation replaces it in the
	// presentation mode (presentation.go).
	root         fyne.CanvasObject
	presentation fyne.CanvasObject
	legend       *presentationLegend
	menu         *mainMenu

	// reachable and reachEvery, when set, replace how and how often the
	// workspace views look whether the platform answers (tests).
	reachable  func(context.Context) bool
	reachEvery time.Duration

	panelTitle    *widget.Label
	workspaceName *widget.Label
	workspacePath *widget.Label

	centreTitle  *widget.Label
	centreHint   *widget.Label
	centreButton *widget.Button

	statusLabel  *widget.Label
	versionLabel *widget.Label
	// viewStatus holds the open workspace's status line (pending count,
	// online, last sync, coordinates, scale), across the window's width.
	viewStatus *fyne.Container

	// With a workspace open: the session and its views.
	sess      *session
	split     *container.Split
	welcome   fyne.CanvasObject
	infoPanel fyne.CanvasObject
	view      *workspaceView
	first     *firstRun
	// do runs a function on the UI goroutine (fyne.Do; tests queue them).
	do func(func())
	// startup reports the first workspace's opening (--startup-trace); nil
	// when not asked, and once it has.
	startup *startupTracer
	// dtdict is Outils › DT-DICT (dtdictregister.go); nil until opened.
	dtdict *dtdictDesk
}

func newMainWindow(w fyne.Window) *mainWindow {
	return &mainWindow{window: w, do: fyne.Do}
}

// build makes the widgets of the window and returns its content.
func (m *mainWindow) build() fyne.CanvasObject {
	m.openButton = widget.NewButtonWithIcon(lang.L("Open workspace…"), theme.FolderOpenIcon(), m.showOpenDialog)
	m.openButton.Importance = widget.LowImportance
	m.aboutButton = widget.NewButtonWithIcon(lang.L("About"), theme.InfoIcon(), m.showAbout)
	m.aboutButton.Importance = widget.LowImportance
	m.settingsButton = widget.NewButtonWithIcon(lang.L("Settings"), theme.SettingsIcon(), m.showSettings)
	m.settingsButton.Importance = widget.LowImportance
	toolbar := container.NewHBox(m.openButton, layout.NewSpacer(), m.settingsButton, m.aboutButton)
	m.topBar = container.NewVBox(toolbar, widget.NewSeparator())

	m.panelTitle = widget.NewLabelWithStyle(lang.L("Workspace"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.workspaceName = widget.NewLabel("")
	m.workspaceName.Wrapping = fyne.TextWrapWord
	m.workspacePath = widget.NewLabel("")
	m.workspacePath.Wrapping = fyne.TextWrapBreak
	m.workspacePath.SizeName = theme.SizeNameCaptionText
	m.infoPanel = container.NewVScroll(container.NewVBox(m.panelTitle, m.workspaceName, m.workspacePath))

	m.centreTitle = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	m.centreTitle.SizeName = theme.SizeNameSubHeadingText
	m.centreHint = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	m.centreHint.Wrapping = fyne.TextWrapWord
	m.centreButton = widget.NewButtonWithIcon(lang.L("Open workspace…"), theme.FolderOpenIcon(), m.showOpenDialog)
	m.centreButton.Importance = widget.HighImportance
	// A VBox between spacers, not a Center, so that the hint wraps to the
	// width of the area instead of setting the window's minimum width.
	m.welcome = container.NewVBox(layout.NewSpacer(),
		m.centreTitle, m.centreHint, container.NewCenter(m.centreButton),
		layout.NewSpacer())

	m.statusLabel = widget.NewLabel("")
	m.statusLabel.Truncation = fyne.TextTruncateEllipsis
	m.versionLabel = widget.NewLabel(lang.L("Version {{.Version}}", map[string]any{"Version": Version}))
	statusBar := container.NewBorder(nil, nil, nil, m.versionLabel, m.statusLabel)
	m.viewStatus = container.NewStack()
	m.viewStatus.Hide() // until a workspace is open

	m.split = container.NewHSplit(m.infoPanel, m.welcome)
	m.split.Offset = 0.25

	m.window.Canvas().AddShortcut(&desktop.CustomShortcut{
		KeyName:  fyne.KeyO,
		Modifier: fyne.KeyModifierShortcutDefault,
	}, func(fyne.Shortcut) { m.showOpenDialog() })
	m.addQuitShortcut(m.window)
	m.window.Canvas().SetOnTypedKey(m.typedKey)
	m.window.SetOnDropped(m.dropped) // a DT-DICT declaration, a workspace
	m.menu = m.buildMenu()
	m.window.SetMainMenu(m.menu.menu)

	m.root = container.NewBorder(
		m.topBar,
		container.NewVBox(widget.NewSeparator(), m.viewStatus, statusBar),
		nil, nil, m.split)
	return m.root
}

// refresh shows the current state of m in its widgets.
func (m *mainWindow) refresh() {
	if m.workspace == "" {
		m.window.SetTitle(windowTitle)
		m.workspaceName.SetText(lang.L("No workspace is open yet."))
		m.workspacePath.SetText("")
		m.workspacePath.Hide()
		m.centreTitle.SetText(lang.L("Welcome to Terrimap"))
		m.centreHint.SetText(lang.L("Open a workspace (a GeoPackage file, .gpkg) to see its layers and map."))
		m.centreButton.Show()
	} else {
		name := filepath.Base(m.workspace)
		m.window.SetTitle(windowTitle + " — " + m.workspaceTitle())
		m.workspaceName.SetText(name)
		m.workspacePath.SetText(m.workspace)
		m.workspacePath.Show()
		m.centreTitle.SetText(name)
		m.centreHint.SetText(lang.L("The map of this workspace will be shown here."))
		m.centreButton.Hide()
	}

	m.refreshMenu()
	if m.status == "" {
		m.statusLabel.SetText(lang.L("Ready"))
	} else {
		m.statusLabel.SetText(m.status)
	}
}

// openWorkspace opens path as the workspace: the file is checked at once,
// then opened with its map off the UI goroutine; the status bar and a
// dialog say why when it cannot be.
func (m *mainWindow) openWorkspace(path string) {
	abs, err := filepath.Abs(path)
	if err == nil {
		var info fs.FileInfo
		info, err = os.Stat(abs)
		if err == nil && info.IsDir() {
			err = errIsFolder
		}
	}
	if err != nil {
		m.status = workspaceError(path, err)
		return
	}
	m.status = lang.L("Opening {{.Name}}…", map[string]any{"Name": filepath.Base(abs)})
	go func() {
		sess, err := openSession(abs)
		m.do(func() {
			if err != nil {
				m.status = workspaceError(path, err)
				m.refresh()
				showError(m.window, m.status)
				return
			}
			m.attach(abs, sess)
		})
	}()
}

// attach shows an opened session: its layers, search, feature and sync
// panels on the left, its map in the centre.
func (m *mainWindow) attach(path string, sess *session) {
	if m.sess != nil {
		m.view.close()
		old := m.sess
		go old.close() // closing catches the file's R*Trees up: I/O, off the UI goroutine
	}
	m.sess, m.workspace = sess, path
	m.view = newWorkspaceView(m.window, sess, m.do, func(msg string) {
		m.status = msg
		m.refresh()
	})
	m.view.autoSync = func() bool { return m.settings.autoSync }
	m.view.onPresent = m.togglePresentation
	m.view.onSettings = m.showSettings
	m.view.onDTDICT = m.showDTDICT
	m.topBar.Hide()
	if m.reachable != nil {
		m.view.reachable = m.reachable
	}
	if m.reachEvery > 0 {
		m.view.reachEvery = m.reachEvery
	}
	panel, centre := m.view.build()
	m.view.mapw.OnKey = m.typedKey
	m.split.Leading, m.split.Trailing = panel, centre
	m.viewStatus.Objects = []fyne.CanvasObject{m.view.status}
	m.viewStatus.Show()
	m.viewStatus.Refresh()
	m.split.Offset = m.settings.panelShare
	m.split.Refresh()
	m.status = lang.L("Workspace {{.Name}} open.", map[string]any{"Name": m.workspaceTitle()})
	m.refresh()
	m.view.start()
	if path == m.settings.lastWorkspace && m.settings.lastView.valid() {
		lv := m.settings.lastView
		vp := m.view.mapw.Viewport
		vp.Center, vp.Zoom = orb.Point{lv.lon, lv.lat}, lv.zoom
		m.view.mapw.SetViewport(vp)
	}
	m.traceStartup(sess)
	m.useBasemap(m.settings.basemap, func() {})
}

// quit closes every window of the app — the attribute tables too — then
// the main one (which saves the settings) and ends the app. Closing the
// main window alone is not enough: Fyne's driver ends the app when its
// last window closes, or when the window marked SetMaster does, and the
// main window used not to be marked, so a table's window kept the process
// running without its menus.
func (m *mainWindow) quit() {
	if m.app != nil {
		// A copy: closing a window changes the driver's list.
		for _, w := range slices.Clone(m.app.Driver().AllWindows()) {
			if w != nil && w != m.window {
				w.Close()
			}
		}
	}
	m.window.Close()
	if m.app != nil {
		m.app.Quit()
	}
}

// addQuitShortcut makes Ctrl+Q in w quit the app: in the main window, and
// in every other window the app opens (the attribute table).
func (m *mainWindow) addQuitShortcut(w fyne.Window) {
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { m.quit() })
}

// saveSettings writes the settings at once, so that a crash loses none.
func (m *mainWindow) saveSettings() {
	if m.prefs != nil {
		m.settings.save(m.prefs)
	}
}

// rememberView keeps the workspace and its map's view, for the next start.
func (m *mainWindow) rememberView() {
	m.settings.lastWorkspace = m.workspace
	if m.view != nil {
		vp := m.view.mapw.Viewport
		m.settings.lastView = mapView{lon: vp.Center[0], lat: vp.Center[1], zoom: vp.Zoom}
		if o := m.split.Offset; o >= minPanelShare && o <= maxPanelShare {
			m.settings.panelShare = o
		}
	}
}

// applyTheme gives the app the theme of the settings.
func (m *mainWindow) applyTheme() {
	if m.app != nil {
		m.app.Settings().SetTheme(themeFor(m.settings.theme))
	}
}

// typedKey handles the window's keys that no widget took: F11 enters or
// leaves the presentation mode (full screen), Escape leaves it; the
// workspace view takes Delete and Escape otherwise.
func (m *mainWindow) typedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyF11:
		m.togglePresentation()
		return
	case ev.Name == fyne.KeyEscape && m.presenting():
		m.leavePresentation()
		return
	}
	if m.view != nil {
		m.view.typedKey(ev)
	}
}

var errIsFolder = errors.New("app: workspace is a folder")

// workspaceError says, in the user's language, why path cannot be opened.
func workspaceError(path string, err error) string {
	data := map[string]any{"Path": path}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return lang.L("Cannot open {{.Path}}: there is no such file.", data)
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Cannot open {{.Path}}: you are not allowed to read it.", data)
	case errors.Is(err, errIsFolder):
		return lang.L("Cannot open {{.Path}}: it is a folder, not a GeoPackage file.", data)
	case errors.Is(err, store.ErrMBTiles):
		return lang.L("Cannot open {{.Path}}: it is a basemap (MBTiles), not a workspace. Add it as a basemap in the settings.", data)
	case errors.Is(err, store.ErrNotGeoPackage):
		return lang.L("Cannot open {{.Path}}: it is not a Terrimap workspace (a GeoPackage file).", data)
	case errors.Is(err, store.ErrCorrupt):
		return lang.L("Cannot open {{.Path}}: the file is damaged or incomplete. Use a backup copy, or sync again into a new workspace.", data)
	case errors.Is(err, store.ErrNoLayers):
		return lang.L("Cannot open {{.Path}}: this GeoPackage holds no map layer.", data)
	default:
		return lang.L("Cannot open {{.Path}}: the file could not be read. Check that it is not open in another program.", data)
	}
}

// showOpenDialog lets the user choose a workspace file to open.
func (m *mainWindow) showOpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			msg := lang.L("Cannot open the chosen file: {{.Error}}", map[string]any{"Error": err.Error()})
			dialog.ShowError(errors.New(msg), m.window)
			return
		}
		if r == nil { // cancelled
			return
		}
		path := r.URI().Path()
		_ = r.Close() // only its path is needed; nothing was read
		m.openWorkspace(path)
		m.refresh()
	}, m.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{workspaceExtension}))
	if m.workspace != "" {
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(m.workspace))); err == nil {
			d.SetLocation(dir)
		}
	}
	d.Show()
}

// showAbout shows what Terrimap is, with its version.
func (m *mainWindow) showAbout() {
	icon := canvas.NewImageFromResource(iconResource())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))
	text := widget.NewLabel(lang.L("Terrimap {{.Version}}: maps and network data of the Communauté de Communes du Mâconnais-Tournugeois, usable offline and synchronised with the intercommunal platform.",
		map[string]any{"Version": Version}))
	text.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(nil, nil, icon, nil, text)
	d := dialog.NewCustom(lang.L("About Terrimap"), lang.L("Close"), content, m.window)
	d.Resize(fyne.NewSize(520, 200))
	d.Show()
}
