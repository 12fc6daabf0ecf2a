package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/sync/client"
)

// defaultWorkspaceName is the workspace file made in the user's data folder.
const defaultWorkspaceName = "terrimap.gpkg"

// firstRun offers the two ways in: connect to the platform (address, user,
// password, then a first sync with progress) or try the demonstration.
type firstRun struct {
	m         *mainWindow
	dataDir   string
	startDemo func(ctx context.Context) (url, user, password string, err error)

	url, user *widget.Entry
	password  *widget.Entry
	connect   *widget.Button
	demo      *widget.Button
	progress  *widget.ProgressBarInfinite
	message   *widget.Label
}

func newFirstRun(m *mainWindow, dataDir string, startDemo func(context.Context) (string, string, string, error)) *firstRun {
	return &firstRun{m: m, dataDir: dataDir, startDemo: startDemo}
}

func (f *firstRun) build() fyne.CanvasObject {
	f.url = widget.NewEntry()
	f.url.SetPlaceHolder("https://plateforme.ccmt.fr")
	f.user = widget.NewEntry()
	f.password = widget.NewPasswordEntry()
	f.connect = widget.NewButton(lang.L("Connect to the platform"), f.doConnect)
	f.connect.Importance = widget.HighImportance
	f.demo = widget.NewButton(lang.L("Try the demonstration"), f.doDemo)
	if f.startDemo == nil {
		f.demo.Hide()
	}
	f.progress = widget.NewProgressBarInfinite()
	f.progress.Stop()
	f.progress.Hide()
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Platform address"), f.url),
		widget.NewFormItem(lang.L("User name"), f.user),
		widget.NewFormItem(lang.L("Password"), f.password),
	)
	intro := widget.NewLabel(lang.L("Terrimap keeps your commune's networks on this computer, works without a connection, and sends your changes to the intercommunality's platform when it can."))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, widget.NewCard(lang.L("Connect to the platform"), "", container.NewVBox(form, f.connect)),
		f.demo, f.progress, f.message)
}

func (f *firstRun) busy(on bool, msg string) {
	f.message.SetText(msg)
	if on {
		f.connect.Disable()
		f.demo.Disable()
		f.progress.Show()
		f.progress.Start()
	} else {
		f.connect.Enable()
		f.demo.Enable()
		f.progress.Stop()
		f.progress.Hide()
	}
}

func (f *firstRun) doConnect() {
	url, user, password := f.url.Text, f.user.Text, f.password.Text
	if url == "" || user == "" || password == "" {
		f.message.SetText(lang.L("Fill in the platform address, your user name and your password."))
		return
	}
	f.link(func(context.Context) (string, string, string, error) { return url, user, password, nil })
}

func (f *firstRun) doDemo() { f.link(f.startDemo) }

// link signs in, makes the workspace in the data folder and syncs it once.
func (f *firstRun) link(target func(context.Context) (string, string, string, error)) {
	f.busy(true, lang.L("Connecting and downloading the data… this can take a minute."))
	go func() {
		ctx := context.Background()
		path, err := f.setup(ctx, target)
		f.m.do(func() {
			if err != nil {
				f.busy(false, firstRunError(err))
				return
			}
			f.busy(false, "")
			f.m.openWorkspace(path)
			f.m.refresh()
		})
	}()
}

func (f *firstRun) setup(ctx context.Context, target func(context.Context) (string, string, string, error)) (string, error) {
	url, user, password, err := target(ctx)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(f.dataDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(f.dataDir, defaultWorkspaceName)
	sess, err := openSession(path)
	if err != nil {
		return "", err
	}
	defer sess.close()
	if err := sess.linkPlatform(ctx, url, user, password); err != nil {
		return "", err
	}
	if _, err := sess.client.Sync(ctx); err != nil {
		return "", err
	}
	return path, nil
}

// firstRunError says what went wrong connecting, and what to do.
func firstRunError(err error) string {
	switch {
	case errors.Is(err, client.ErrNotLoggedIn):
		return lang.L("The platform refused this user name or password. Check them, or ask the intercommunality for an account.")
	case errors.Is(err, client.ErrUnreachable):
		return lang.L("The platform cannot be reached at this address. Check the address and the connection, or try the demonstration.")
	}
	return syncErrorMessage(err)
}

// showFirstRun puts the first-run choices in the centre of the window.
func (m *mainWindow) showFirstRun(dataDir string, startDemo func(context.Context) (string, string, string, error)) {
	m.first = newFirstRun(m, dataDir, startDemo)
	card := container.NewPadded(container.NewVScroll(m.first.build()))
	m.split.Trailing = card
	m.split.Refresh()
}
