package app

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// defaultWorkspaceName is the workspace file made in the user's data folder.
const defaultWorkspaceName = "terrimap.gpkg"

// firstRun offers the two ways in: connect to the platform (address, user,
// password, then a first sync with progress) or try the demonstration.
// Entrée in any field connects; what is wrong shows in red beside the
// button.
type firstRun struct {
	m         *mainWindow
	dataDir   string
	startDemo func(ctx context.Context) (url, user, password string, err error)

	url, user *widget.Entry
	password  *widget.Entry
	connect   *widget.Button
	demo      *widget.Button
	progress  *widget.ProgressBarInfinite
	// message says what is under way; problem, in red beside the connect
	// button, what went wrong.
	message *widget.Label
	problem *widget.Label
	running bool
}

func newFirstRun(m *mainWindow, dataDir string, startDemo func(context.Context) (string, string, string, error)) *firstRun {
	return &firstRun{m: m, dataDir: dataDir, startDemo: startDemo}
}

func (f *firstRun) build() fyne.CanvasObject {
	submit := func(string) { f.doConnect() }
	f.url = widget.NewEntry()
	f.url.SetPlaceHolder("plateforme.ccmt.fr")
	f.url.OnSubmitted = submit
	f.user = widget.NewEntry()
	f.user.OnSubmitted = submit
	f.password = widget.NewPasswordEntry()
	f.password.OnSubmitted = submit
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
	f.problem = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Platform address"), f.url),
		widget.NewFormItem(lang.L("User name"), f.user),
		widget.NewFormItem(lang.L("Password"), f.password),
	)
	intro := widget.NewLabel(lang.L("Terrimap keeps your commune's networks on this computer, works without a connection, and sends your changes to the intercommunality's platform when it can."))
	intro.Wrapping = fyne.TextWrapWord
	action := container.NewBorder(nil, nil, container.NewVBox(f.connect), nil, f.problem)
	return container.NewVBox(intro, widget.NewCard(lang.L("Connect to the platform"), "", container.NewVBox(form, action)),
		f.demo, f.progress, f.message)
}

// busy shows that a connection is under way (msg), or that it ended.
func (f *firstRun) busy(on bool, msg string) {
	f.running = on
	f.message.SetText(msg)
	if on {
		f.problem.SetText("")
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

// fail says in red, beside the button, what is wrong, and puts the cursor
// in the field to fix.
func (f *firstRun) fail(msg string, field fyne.Focusable) {
	f.busy(false, "")
	f.problem.SetText(msg)
	if field != nil {
		f.m.window.Canvas().Focus(field)
	}
}

func (f *firstRun) doConnect() {
	if f.running {
		return
	}
	address, err := client.NormalizeAddress(f.url.Text)
	switch {
	case err != nil:
		f.fail(firstRunError(f.url.Text, err), f.url)
		return
	case f.user.Text == "":
		f.fail(lang.L("Type your user name."), f.user)
		return
	case f.password.Text == "":
		f.fail(lang.L("Type your password."), f.password)
		return
	}
	f.url.SetText(address) // she sees the address used, https:// included
	user, password := f.user.Text, f.password.Text
	f.link(address, func(context.Context) (string, string, string, error) { return address, user, password, nil })
}

func (f *firstRun) doDemo() {
	if !f.running {
		f.link("", f.startDemo)
	}
}

// link signs in, makes the workspace in the data folder and syncs it once.
func (f *firstRun) link(address string, target func(context.Context) (string, string, string, error)) {
	f.busy(true, lang.L("Connecting and downloading the data… this can take a minute."))
	go func() {
		ctx := context.Background()
		path, used, err := f.setup(ctx, target)
		f.m.do(func() {
			if err != nil {
				if used == "" {
					used = address
				}
				f.fail(firstRunError(used, err), f.fieldOf(err))
				return
			}
			f.busy(false, "")
			f.m.openWorkspace(path)
			f.m.refresh()
		})
	}()
}

// fieldOf is the field to fix after err.
func (f *firstRun) fieldOf(err error) fyne.Focusable {
	if errors.Is(err, client.ErrNotLoggedIn) {
		return f.password
	}
	return f.url
}

// setup checks that a platform answers at the address, signs in, makes
// the workspace and syncs it once; it returns the workspace and the
// address used. The workspace is made only once the platform answered,
// and removed when signing in or the first sync fails: the next start
// would otherwise open an empty workspace instead of this form.
func (f *firstRun) setup(ctx context.Context, target func(context.Context) (string, string, string, error)) (path, address string, err error) {
	typed, user, password, err := target(ctx)
	if err != nil {
		return "", "", err
	}
	if address, err = client.NormalizeAddress(typed); err != nil {
		return "", typed, err
	}
	if err := client.Identify(ctx, address, nil); err != nil {
		return "", address, err
	}
	if err := os.MkdirAll(f.dataDir, 0o755); err != nil {
		return "", address, err
	}
	path = filepath.Join(f.dataDir, defaultWorkspaceName)
	sess, err := openSession(path)
	if err != nil {
		return "", address, err
	}
	err = sess.linkPlatform(ctx, address, user, password)
	if err == nil {
		_, err = sess.client.SyncWithProgress(ctx, func(p client.Progress) {
			f.m.do(func() { f.message.SetText(progressText(p)) })
		})
	}
	sess.close()
	if err != nil {
		removeWorkspace(path)
		return "", address, err
	}
	return path, address, nil
}

// removeWorkspace deletes a workspace file made for nothing, with the
// SQLite files beside it.
func removeWorkspace(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		os.Remove(p)
	}
}

// firstRunError says what went wrong connecting to the platform at
// address, and what to do. Nothing was edited yet: it never speaks of
// changes kept.
func firstRunError(address string, err error) string {
	host := address
	if u, perr := url.Parse(address); perr == nil && u.Host != "" {
		host = u.Host
	}
	data := map[string]any{"Host": host}
	if wait, ok := platformWait(err); ok {
		return wait
	}
	switch {
	case errors.Is(err, client.ErrAddressEmpty):
		return lang.L("Type the platform's address, such as plateforme.ccmt.fr.")
	case errors.Is(err, client.ErrAddressSpaces):
		return lang.L("The address holds a space: an address is written without spaces, such as plateforme.ccmt.fr.")
	case errors.Is(err, client.ErrAddressScheme):
		return lang.L("The address must start with https:// or http://, or with the server's name alone, such as plateforme.ccmt.fr.")
	case errors.Is(err, client.ErrAddressPort):
		return lang.L("The number after the colon (the port) must be between 1 and 65535, such as plateforme.ccmt.fr:8443.")
	case errors.Is(err, client.ErrAddressHost):
		return lang.L("This is not a server name: letters, digits, hyphens and dots only, such as plateforme.ccmt.fr.")
	case errors.Is(err, client.ErrCertificate):
		return lang.L("{{.Host}} answers, but its security certificate is not recognised by this computer. Ask the intercommunality's IT to install the platform's certificate authority on it.", data)
	case errors.Is(err, client.ErrPlatformFailing):
		return lang.L("{{.Host}} answers, but with an error, even after several tries. Try again later; if it goes on, tell the intercommunality's IT.", data)
	case errors.Is(err, client.ErrUnreachable):
		return lang.L("The server {{.Host}} does not answer. Check the address and the Internet connection, or try the demonstration.", data)
	case errors.Is(err, client.ErrNotPlatform):
		return lang.L("{{.Host}} answers, but it is not a Terrimap platform. Check the address with the intercommunality.", data)
	case errors.Is(err, protocol.ErrProtocolVersion):
		return lang.L("The platform {{.Host}} runs another version of Terrimap. Install the current version of Terrimap, or tell the intercommunality.", data)
	case errors.Is(err, client.ErrNotLoggedIn):
		return lang.L("Wrong user name or password.")
	}
	return lang.L("The connection failed on an unexpected problem. Try again; if it happens again, tell the intercommunality's IT.")
}

// showFirstRun puts the first-run choices in the centre of the window.
func (m *mainWindow) showFirstRun(dataDir string, startDemo func(context.Context) (string, string, string, error)) {
	m.first = newFirstRun(m, dataDir, startDemo)
	card := container.NewPadded(container.NewVScroll(m.first.build()))
	m.split.Trailing = card
	m.split.Refresh()
}
