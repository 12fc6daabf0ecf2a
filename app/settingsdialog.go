package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/mapview/tiles"
)

// settingsDialog is the Settings screen: the platform and the account, the
// basemap, the language, the theme and automatic sync. Each choice applies
// at once (the language at the next start) and is saved at once.
type settingsDialog struct {
	m *mainWindow

	platform *widget.Label
	account  *widget.Label
	logout   *widget.Button
	login    *widget.Button
	basemap  *widget.Select
	file     *widget.Label
	language *widget.Select
	theme    *widget.Select
	autoSync *widget.Check
	note     *widget.Label

	// user is the account's name, as refresh last read it.
	user string
	// basemapNames are the settings' names of the basemap choices, in
	// the order of basemap.Options; the last one is a tile file.
	basemapNames []string
	dialog       dialog.Dialog
	// services is the WMS/WMTS dialog last opened from here, for tests.
	services *serviceDialog
}

// languageChoices and themeChoices are the settings' values of the
// language and theme drop-downs, in order.
var (
	languageChoices = []string{languageSystem, languageFrench, languageEnglish}
	themeChoices    = []string{themeSystem, themeLight, themeDark}
)

// showSettings opens the Settings screen.
func (m *mainWindow) showSettings() { m.openSettings() }

// openSettings opens the Settings screen and returns it.
func (m *mainWindow) openSettings() *settingsDialog {
	d := &settingsDialog{m: m}
	d.dialog = dialog.NewCustom(lang.L("Settings"), lang.L("Close"), d.build(), m.window)
	d.dialog.Resize(fyne.NewSize(560, 520))
	d.refresh()
	d.dialog.Show()
	return d
}

func (d *settingsDialog) build() fyne.CanvasObject {
	m := d.m
	d.platform = widget.NewLabel("")
	d.platform.Wrapping = fyne.TextWrapBreak
	d.account = widget.NewLabel("")
	d.logout = widget.NewButton(lang.L("Sign out"), d.signOut)
	d.login = widget.NewButton(lang.L("Sign in…"), d.signIn)

	titles := []string{lang.L("None")}
	d.basemapNames = []string{"none"}
	for _, p := range tiles.Presets() {
		if p.Kind == tiles.KindOverlay {
			continue // the cadastre goes over a basemap, not instead of one
		}
		titles = append(titles, p.Title)
		d.basemapNames = append(d.basemapNames, p.Name)
	}
	titles = append(titles, lang.L("The platform's map"), lang.L("A layer of a WMS or WMTS service…"),
		lang.L("A tile file (MBTiles, PMTiles, GeoPackage)…"))
	d.basemapNames = append(d.basemapNames, basemapPlatform, tiles.ServicePrefix, "")
	d.basemap = widget.NewSelect(titles, nil)
	d.file = widget.NewLabel("")
	d.file.Wrapping = fyne.TextWrapBreak
	d.file.SizeName = theme.SizeNameCaptionText

	d.language = widget.NewSelect([]string{lang.L("The computer's language"), "Français", "English"}, nil)
	d.theme = widget.NewSelect([]string{lang.L("The computer's theme"), lang.L("Light"), lang.L("Dark")}, nil)
	d.autoSync = widget.NewCheck(lang.L("Synchronise by itself when the platform can be reached"), nil)
	d.note = widget.NewLabel("")
	d.note.Wrapping = fyne.TextWrapWord

	// The callbacks are set once the current values are shown, so that
	// showing them changes nothing.
	d.basemap.SetSelectedIndex(d.basemapIndex(m.settings.basemap))
	d.language.SetSelectedIndex(slices.Index(languageChoices, m.settings.language))
	d.theme.SetSelectedIndex(slices.Index(themeChoices, m.settings.theme))
	d.autoSync.SetChecked(m.settings.autoSync)
	d.basemap.OnChanged = func(string) { d.basemapChosen() }
	d.language.OnChanged = func(string) { d.languageChosen() }
	d.theme.OnChanged = func(string) { d.themeChosen() }
	d.autoSync.OnChanged = func(on bool) {
		m.settings.autoSync = on
		m.saveSettings()
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Platform"), d.platform),
		widget.NewFormItem(lang.L("Account"), container.NewVBox(d.account, container.NewHBox(d.login, d.logout))),
		widget.NewFormItem(lang.L("Basemap"), container.NewVBox(d.basemap, d.file)),
		widget.NewFormItem(lang.L("Language"), d.language),
		widget.NewFormItem(lang.L("Theme"), d.theme),
		widget.NewFormItem(lang.L("Synchronisation"), d.autoSync),
	)
	return container.NewVScroll(container.NewVBox(form, d.note))
}

// refresh shows the platform and the account as they are now.
func (d *settingsDialog) refresh() {
	if l, err := tiles.ParseServiceLayer(d.m.settings.basemap); err == nil {
		d.file.SetText(lang.L("{{.Title}}, from {{.Host}}", map[string]any{"Title": l.Title, "Host": hostOf(l.URL)}))
		d.file.Show()
	} else if name := d.m.settings.basemap; d.basemapIndex(name) == len(d.basemapNames)-1 {
		d.file.SetText(name)
		d.file.Show()
	} else {
		d.file.Hide()
	}
	sess := d.m.sess
	if sess == nil || sess.client == nil {
		d.platform.SetText(lang.L("This workspace is not linked to a platform."))
		d.account.SetText("")
		d.logout.Hide()
		d.login.Hide()
		return
	}
	d.platform.SetText(sess.client.URL())
	go func() {
		ctx := context.Background()
		user, in := sess.client.User(ctx), sess.client.LoggedIn(ctx)
		d.m.do(func() {
			d.user = user
			if in {
				d.account.SetText(lang.L("Signed in as {{.User}}.", map[string]any{"User": user}))
				d.logout.Show()
				d.login.Hide()
			} else {
				d.account.SetText(lang.L("Signed out: sign in to synchronise again."))
				d.logout.Hide()
				d.login.Show()
			}
		})
	}()
}

// basemapIndex is the drop-down entry of a basemap's settings name: a
// name that is not a choice is a tile file.
func (d *settingsDialog) basemapIndex(name string) int {
	if strings.HasPrefix(name, tiles.ServicePrefix) {
		name = tiles.ServicePrefix
	}
	if i := slices.Index(d.basemapNames[:len(d.basemapNames)-1], name); i >= 0 {
		return i
	}
	return len(d.basemapNames) - 1
}

// selectCurrent shows the basemap of the settings in the drop-down,
// without choosing it again (which would reopen a dialog).
func (d *settingsDialog) selectCurrent() {
	on := d.basemap.OnChanged
	d.basemap.OnChanged = nil
	d.basemap.SetSelectedIndex(d.basemapIndex(d.m.settings.basemap))
	d.basemap.OnChanged = on
}

// basemapChosen opens the chosen basemap; a tile file is asked for first.
func (d *settingsDialog) basemapChosen() {
	i := d.basemap.SelectedIndex()
	if i < 0 {
		return
	}
	if d.basemapNames[i] == tiles.ServicePrefix {
		d.services = d.m.showServiceBasemap(func(name string) {
			if name == "" {
				d.selectCurrent()
				return
			}
			d.m.useBasemap(name, func() {
				d.selectCurrent()
				d.refresh()
			})
		})
		return
	}
	if i < len(d.basemapNames)-1 {
		d.m.useBasemap(d.basemapNames[i], d.refresh)
		return
	}
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			d.selectCurrent()
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		d.m.useBasemap(path, d.refresh)
	}, d.m.window)
	open.SetFilter(storage.NewExtensionFileFilter([]string{".mbtiles", ".pmtiles", ".gpkg"}))
	open.Show()
}

func (d *settingsDialog) languageChosen() {
	d.m.settings.language = languageChoices[d.language.SelectedIndex()]
	d.m.saveSettings()
	d.note.SetText(lang.L("The language will change the next time Terrimap starts."))
}

func (d *settingsDialog) themeChosen() {
	d.m.settings.theme = themeChoices[d.theme.SelectedIndex()]
	d.m.saveSettings()
	d.m.applyTheme()
}

// signOut forgets the account's token and asks the platform to revoke it
// (client.Logout): syncing then asks to sign in again. Offline, the desk is
// signed out all the same. Edits waiting to be sent stay in the workspace.
func (d *settingsDialog) signOut() {
	c := d.m.sess.client
	go func() {
		err := c.Logout(context.Background())
		d.m.do(func() {
			if err != nil {
				showError(d.m.window, lang.L("Could not sign out: the workspace could not be written. Close other programs using it and try again."))
			}
			d.refresh()
		})
	}()
}

// signIn asks for the user name and password and signs in again to the
// platform the workspace syncs with.
func (d *settingsDialog) signIn() {
	c := d.m.sess.client
	user := widget.NewEntry()
	user.SetText(d.user) // read by refresh, off the UI goroutine
	password := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("User name"), user),
		widget.NewFormItem(lang.L("Password"), password),
	}
	dialog.ShowForm(lang.L("Sign in to {{.URL}}", map[string]any{"URL": c.URL()}), lang.L("Sign in"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		name, pw := user.Text, password.Text
		go func() {
			_, err := c.Login(context.Background(), name, pw)
			d.m.do(func() {
				if err != nil {
					showError(d.m.window, firstRunError(c.URL(), err))
				}
				d.refresh()
			})
		}()
	}, d.m.window)
}

// useBasemap opens the named basemap in the background; once it shows, it
// becomes the setting and then is called.
func (m *mainWindow) useBasemap(name string, then func()) {
	if m.sess == nil {
		m.settings.basemap = name
		m.saveSettings()
		then()
		return
	}
	sess := m.sess
	go func() {
		err := sess.setBasemap(name)
		m.do(func() {
			if err != nil {
				showError(m.window, basemapError(name, err))
			} else {
				m.settings.basemap = name
				m.saveSettings()
				if m.view != nil {
					m.view.mapw.Refresh() // the new basemap's tiles are asked for, or its failure said
					m.view.showCredits()
				}
			}
			then()
		})
	}()
}

// basemapError says why a basemap cannot be shown, and that the map works
// without it.
func basemapError(name string, err error) string {
	data := map[string]any{"Name": filepath.Base(name)}
	if l, perr := tiles.ParseServiceLayer(name); perr == nil {
		data["Name"] = l.Title
	}
	if errors.Is(err, errNoPlatformBasemap) {
		return lang.L("This workspace is not linked to a platform: choose another basemap.")
	}
	return lang.L("The basemap {{.Name}} cannot be opened (a damaged or unknown file?). The map is shown without it; choose another one in the settings.", data)
}
