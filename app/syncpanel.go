package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// syncPanel shows what waits to be sent, when the workspace last synced,
// runs a sync with progress and cancel, and lists the conflicts and
// rejected changes for the user to settle. Nothing it shows is discarded
// without the user saying so.
type syncPanel struct {
	win    fyne.Window
	ws     *store.Workspace
	client *client.Client
	// onSynced is called on the UI goroutine after data changed.
	onSynced func()
	// now is the clock, for "il y a …".
	now func() time.Time
	// do runs a function on the UI goroutine (fyne.Do; tests queue them).
	do func(func())
	// loading counts background reloads and resolutions under way.
	loading int
	// onState, when set, gets the status bar's two parts each time they
	// change: what waits to be sent, and when the workspace last synced
	// (or, during a sync, what it is doing).
	onState func(pending, detail string)
	// onFinished, when set, hears how each sync ended; auto is true for
	// one the app started by itself (startAuto).
	onFinished func(sum client.Summary, err error, auto bool)
	// renderer and layers, when set, draw the two sides of a conflict on
	// a little map.
	renderer *mapview.Renderer
	layers   func() []mapview.Layer

	summary    *widget.Label
	syncButton *widget.Button
	previewBtn *widget.Button
	cancelBtn  *widget.Button
	progress   *widget.ProgressBar
	stage      *widget.Label
	conflicts  *widget.List
	rejected   *widget.List

	state  syncState
	cancel context.CancelFunc
	// auto: the sync under way was started by the app, not the user;
	// doing says what it is doing, for the status bar.
	auto  bool
	doing string
}

// syncState is what the panel shows, read off the UI goroutine.
type syncState struct {
	pending, conflicts, rejected int
	lastSync                     time.Time
	conflictList                 []store.Conflict
	rejectedList                 []store.JournalEntry
	running                      bool
	// sources: the workspace has no platform but outside sources (WFS,
	// OGC API), which a sync refreshes.
	sources bool
}

func newSyncPanel(win fyne.Window, ws *store.Workspace, c *client.Client, onSynced func()) *syncPanel {
	return &syncPanel{win: win, ws: ws, client: c, onSynced: onSynced, now: time.Now, do: fyne.Do}
}

func (p *syncPanel) build() fyne.CanvasObject {
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.syncButton = widget.NewButtonWithIcon(lang.L("Synchronise"), theme.ViewRefreshIcon(), p.start)
	p.syncButton.Importance = widget.HighImportance
	p.cancelBtn = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), p.stop)
	p.cancelBtn.Hide()
	p.progress = widget.NewProgressBar()
	p.progress.Hide()
	p.stage = widget.NewLabel("")
	p.stage.Wrapping = fyne.TextWrapWord // a layer kept here comes with the platform's reason
	p.conflicts = widget.NewList(
		func() int { return len(p.state.conflictList) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := p.state.conflictList[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · %s", layerTitle(p.ws, c.Layer), shortID(c.UUID)))
		})
	p.conflicts.OnSelected = func(i widget.ListItemID) {
		p.conflicts.UnselectAll()
		c := p.state.conflictList[i]
		go func() {
			mine, deleted := p.loadMine(c)
			pic := p.drawConflict(c, mine, deleted)
			p.do(func() { p.showConflict(c, mine, deleted, pic) })
		}()
	}
	p.rejected = widget.NewList(
		func() int { return len(p.state.rejectedList) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := p.state.rejectedList[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · %s", layerTitle(p.ws, e.Layer), e.Reason))
		})
	p.rejected.OnSelected = func(i widget.ListItemID) {
		p.rejected.UnselectAll()
		p.showRejected(p.state.rejectedList[i])
	}
	lists := container.NewAppTabs(
		container.NewTabItem(lang.L("Conflicts"), p.conflicts),
		container.NewTabItem(lang.L("Rejected changes"), p.rejected),
	)
	p.previewBtn = widget.NewButtonWithIcon(lang.L("Preview"), theme.SearchIcon(), p.showPreview)
	if p.client == nil {
		p.previewBtn.Disable()
	}
	top := container.NewVBox(p.summary, container.NewHBox(p.syncButton, p.cancelBtn, p.previewBtn), p.progress, p.stage)
	return container.NewBorder(top, nil, nil, nil, lists)
}

// idle reports whether no sync or reload is under way.
func (p *syncPanel) idle() bool { return !p.state.running && p.loading == 0 }

// reload reads the journal off the UI goroutine and shows it.
func (p *syncPanel) reload() {
	p.loading++
	go func() {
		ctx := context.Background()
		var st syncState
		counts, _ := p.ws.JournalCount(ctx)
		st.pending, st.conflicts, st.rejected = counts[store.StatePending], counts[store.StateConflict], counts[store.StateRejected]
		st.conflictList, _ = p.ws.Conflicts(ctx)
		st.rejectedList, _ = p.ws.Journal(ctx, 0, store.StateRejected)
		if p.client != nil {
			st.lastSync = p.client.LastSync(ctx)
		} else if st.sources = client.HasSources(ctx, p.ws); st.sources {
			info, _ := client.Platform(ctx, p.ws)
			st.lastSync = info.LastSync
		}
		p.do(func() {
			p.loading--
			st.running = p.state.running
			p.state = st
			p.refresh()
		})
	}()
}

// refresh shows p.state.
func (p *syncPanel) refresh() {
	p.summary.SetText(statusLine(p.state.pending, p.state.lastSync, p.now()))
	p.tellState()
	if p.state.conflicts+p.state.rejected > 0 {
		p.summary.SetText(p.summary.Text + "\n" + lang.L("{{.Conflicts}} conflicts and {{.Rejected}} rejected changes wait for you.",
			map[string]any{"Conflicts": p.state.conflicts, "Rejected": p.state.rejected}))
	}
	if !p.canSync() {
		p.syncButton.Disable()
	} else if !p.state.running {
		p.syncButton.Enable()
	}
	p.conflicts.Refresh()
	p.rejected.Refresh()
}

// tellState gives onState the status bar's two parts.
func (p *syncPanel) tellState() {
	if p.onState == nil {
		return
	}
	detail := lastSyncText(p.state.lastSync, p.now())
	if p.state.running {
		detail = p.doing
	}
	p.onState(pendingText(p.state.pending), detail)
}

// statusLine is "N modifications en attente · dernière synchronisation il y a …".
func statusLine(pending int, last time.Time, now time.Time) string {
	return pendingText(pending) + " · " + lastSyncText(last, now)
}

// pendingText is "N modifications en attente".
func pendingText(pending int) string {
	switch pending {
	case 0:
		return lang.L("No change waiting")
	case 1:
		return lang.L("1 change waiting")
	}
	return lang.L("{{.N}} changes waiting", map[string]any{"N": groupDigits(pending)})
}

// lastSyncText is "dernière synchronisation il y a …".
func lastSyncText(last time.Time, now time.Time) string {
	if last.IsZero() {
		return lang.L("never synchronised")
	}
	return lang.L("last synchronised {{.Ago}}", map[string]any{"Ago": ago(now.Sub(last))})
}

// ago says how long ago, in words.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("just now")
	case d < time.Hour:
		return lang.L("{{.N}} min ago", map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return lang.L("{{.N}} h ago", map[string]any{"N": int(d.Hours())})
	}
	return lang.L("{{.N}} days ago", map[string]any{"N": int(d.Hours() / 24)})
}

// start runs a sync in the background; Ctrl+S and the button call it.
// The status bar says "Synchronisation…" at once.
func (p *syncPanel) start() { p.run(false) }

// startAuto runs a sync the app decided on (the platform came back, or
// the automatic sync is due).
func (p *syncPanel) startAuto() { p.run(true) }

// canSync: a platform to sync with, or outside sources to refresh.
func (p *syncPanel) canSync() bool { return p.client != nil || p.state.sources }

func (p *syncPanel) run(auto bool) {
	if !p.canSync() || p.state.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.state.running = true
	p.auto = auto
	p.doing = lang.L("Synchronising…")
	p.syncButton.Disable()
	p.cancelBtn.Show()
	p.progress.SetValue(0)
	p.progress.Show()
	p.stage.SetText(p.doing)
	p.tellState()
	c := p.client
	go func() {
		var sum client.Summary
		var err error
		if c == nil {
			sum, err = client.SyncSources(ctx, p.ws, nil)
		} else {
			sum, err = c.SyncWithProgress(ctx, func(pr client.Progress) {
				p.do(func() { p.showProgress(pr) })
			})
		}
		p.do(func() { p.finished(sum, err) })
	}()
}

func (p *syncPanel) stop() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *syncPanel) showProgress(pr client.Progress) {
	p.stage.SetText(stageName(pr.Stage))
	if pr.Total > 0 {
		p.progress.SetValue(float64(pr.Done) / float64(pr.Total))
	}
	if p.state.running {
		p.doing = lang.L("Synchronising…") + " " + progressText(pr)
		p.tellState()
	}
}

// stageName says what a stage of a sync does.
func stageName(stage string) string {
	switch stage {
	case "login":
		return lang.L("Signing in…")
	case "layers":
		return lang.L("Layers…")
	case "attachments":
		return lang.L("Sending photos…")
	case "photos":
		return lang.L("Receiving photos…")
	case "push":
		return lang.L("Sending changes…")
	case "pull":
		return lang.L("Receiving changes…")
	case "done":
		return lang.L("Done")
	}
	return ""
}

// progressText is the stage of a sync, with how far it is when known
// ("Réception des modifications… (40 %)").
func progressText(pr client.Progress) string {
	name := stageName(pr.Stage)
	if pr.Total <= 0 || pr.Stage == "done" {
		return name
	}
	return lang.L("{{.Stage}} ({{.Percent}} %)", map[string]any{"Stage": name, "Percent": min(100, max(0, pr.Done*100/pr.Total))})
}

func (p *syncPanel) finished(sum client.Summary, err error) {
	p.state.running = false
	p.cancel = nil
	p.cancelBtn.Hide()
	p.progress.Hide()
	p.syncButton.Enable()
	if err != nil {
		p.stage.SetText("")
		// An automatic sync that failed says so in the status bar
		// (onFinished), without a dialog in the middle of her work.
		if !errors.Is(err, context.Canceled) && !p.auto {
			if p.client == nil {
				showError(p.win, sourcesErrorMessage(err))
			} else {
				showError(p.win, syncErrorMessage(err))
			}
		}
	} else if p.client == nil {
		p.stage.SetText(sourcesRefreshedText(sum.Sources))
	} else {
		text := lang.L("Synchronisation finished: {{.Sent}}, {{.Received}}.", map[string]any{"Sent": pushOutcomeText(sum.Push), "Received": receivedText(sum.Pull.Received + sum.Pull.Deleted)})
		if held := heldLayersText(p.ws, sum); held != "" {
			text += "\n" + held
		}
		p.stage.SetText(text)
	}
	if p.onFinished != nil {
		p.onFinished(sum, err, p.auto)
	}
	p.auto = false
	p.reload()
	if p.onSynced != nil {
		p.onSynced()
	}
}

// syncErrorMessage says what happened and what to do, never a Go error.
func syncErrorMessage(err error) string {
	if wait, ok := platformWait(err); ok {
		return wait
	}
	switch {
	case errors.Is(err, client.ErrCertificate):
		return lang.L("The platform's security certificate is not recognised by this computer: nothing was sent. Your changes are kept; tell the intercommunality's IT.")
	case errors.Is(err, client.ErrPlatformFailing):
		return lang.L("The platform answers but is failing, even after several tries. Your changes are kept and will be sent at the next synchronisation; tell the intercommunality's IT if this goes on.")
	case errors.Is(err, client.ErrUnreachable):
		return lang.L("The platform cannot be reached. You can keep working offline: your changes are kept and will be sent at the next synchronisation.")
	case errors.Is(err, client.ErrNotLoggedIn):
		return lang.L("The platform no longer accepts your sign-in. Sign in again in the settings; your changes are kept.")
	case errors.Is(err, client.ErrNoPlatform):
		return lang.L("This workspace is not linked to a platform. Connect it in the settings.")
	}
	return lang.L("The synchronisation stopped on an unexpected problem. Your changes are kept; try again later, and tell the intercommunality's IT if it happens again.")
}

// sourcesErrorMessage says why no outside source could be refreshed.
func sourcesErrorMessage(err error) string {
	if errors.Is(err, client.ErrUnreachable) {
		return lang.L("The outside sources (WFS, OGC API) cannot be reached. Their last copy stays in the workspace; try again later.")
	}
	return lang.L("The outside sources (WFS, OGC API) could not be refreshed: their last copy stays in the workspace. The server said: {{.Reason}}", map[string]any{"Reason": err.Error()})
}

// sourcesRefreshedText says how many outside sources a sync refreshed, of how many.
func sourcesRefreshedText(sources map[string]error) string {
	done := 0
	for _, err := range sources {
		if err == nil {
			done++
		}
	}
	return lang.L("Outside sources refreshed: {{.Done}} of {{.Total}}.", map[string]any{"Done": done, "Total": len(sources)})
}

// platformWait returns the platform's own reason when it asks to wait
// (HTTP 429: a sign-in throttled after wrong passwords, too many
// unfinished uploads), which says in French how long; also when the
// client gave up retrying it, which it reports as a failing platform.
func platformWait(err error) (string, bool) {
	var apiErr *protocol.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && apiErr.Message != "" {
		return apiErr.Message, true
	}
	return "", false
}

// conflictDialog shows both versions of a feature field by field and
// lets the user keep theirs, take the platform's, or choose per field.
type conflictDialog struct {
	conflict store.Conflict
	// radios are the per-field choices, by field name ("geom" for the geometry).
	radios                       map[string]*widget.RadioGroup
	keepMine, takeTheirs, choose *widget.Button
	dialog                       dialog.Dialog
}

// loadMine reads, off the UI goroutine, the local version of a feature in
// conflict; deleted is true when it was deleted here.
func (p *syncPanel) loadMine(c store.Conflict) (mine store.Feature, deleted bool) {
	mine, err := p.ws.Get(context.Background(), c.Layer, c.UUID)
	return mine, err != nil
}

// drawConflict draws both sides on a little map when their geometries
// differ; nil otherwise. It reads the workspace: off the UI goroutine.
func (p *syncPanel) drawConflict(c store.Conflict, mine store.Feature, mineDeleted bool) *conflictPicture {
	var mg orb.Geometry
	if !mineDeleted {
		mg = mine.Geometry
	}
	if p.renderer == nil || schema.GeometryEqual(mg, c.Theirs.Geometry) {
		return nil
	}
	var layers []mapview.Layer
	if p.layers != nil {
		layers = p.layers()
	}
	return drawConflict(p.renderer, layers, mg, c.Theirs.Geometry)
}

// showConflict opens the conflict dialog on mine and theirs (pic, when not
// nil, shows both geometries) and returns it.
func (p *syncPanel) showConflict(c store.Conflict, mine store.Feature, mineDeleted bool, pic *conflictPicture) *conflictDialog {
	l, err := p.ws.Layer(c.Layer)
	if err != nil {
		return nil
	}
	cd := &conflictDialog{conflict: c, radios: map[string]*widget.RadioGroup{}}
	bold := fyne.TextStyle{Bold: true}
	rows := container.NewGridWithColumns(4,
		widget.NewLabelWithStyle(lang.L("Field"), fyne.TextAlignLeading, bold),
		widget.NewLabelWithStyle(lang.L("Mine"), fyne.TextAlignLeading, bold),
		widget.NewLabelWithStyle(lang.L("Theirs (platform)"), fyne.TextAlignLeading, bold),
		widget.NewLabelWithStyle(lang.L("Keep"), fyne.TextAlignLeading, bold))
	conflicting := map[string]bool{}
	for _, f := range c.Fields {
		conflicting[f] = true
	}
	addRow := func(name, title, mineText, theirsText string) {
		radio := widget.NewRadioGroup([]string{lang.L("Mine"), lang.L("Theirs")}, nil)
		radio.Horizontal = true
		radio.SetSelected(lang.L("Mine"))
		cd.radios[name] = radio
		if conflicting[name] {
			title = "⚠ " + title
		}
		rows.Add(widget.NewLabel(title))
		rows.Add(widget.NewLabel(mineText))
		rows.Add(widget.NewLabel(theirsText))
		rows.Add(radio)
	}
	if !mineDeleted && !c.Theirs.Deleted {
		for _, f := range l.Schema.Fields {
			mv, tv := mine.Properties[f.Name], c.Theirs.Properties[f.Name]
			if conflicting[f.Name] || !sameValue(mv, tv) {
				addRow(f.Name, f.DisplayTitle(), describeValue(f, mv), describeValue(f, tv))
			}
		}
		if conflicting["geom"] {
			addRow("geom", lang.L("Position / shape"), lang.L("moved here"), lang.L("moved on the platform"))
		}
	}
	intro := widget.NewLabel(c.Message)
	intro.Wrapping = fyne.TextWrapWord
	if mineDeleted {
		intro.SetText(c.Message + "\n" + lang.L("You deleted this feature here."))
	} else if c.Theirs.Deleted {
		intro.SetText(c.Message + "\n" + lang.L("It was deleted on the platform; keeping yours recreates it."))
	}
	resolve := func(res client.Resolution) {
		cd.dialog.Hide()
		p.loading++
		go func() {
			err := p.client.Resolve(context.Background(), c.ChangeID, res)
			p.do(func() {
				p.loading--
				if err != nil {
					showError(p.win, lang.L("The choice could not be recorded; nothing was lost. Try again."))
				}
				p.reload()
				if p.onSynced != nil {
					p.onSynced()
				}
			})
		}()
	}
	cd.keepMine = widget.NewButton(lang.L("Keep mine"), func() { resolve(client.Resolution{Default: client.Mine}) })
	cd.takeTheirs = widget.NewButton(lang.L("Take theirs"), func() { resolve(client.Resolution{Default: client.Theirs}) })
	cd.choose = widget.NewButton(lang.L("Choose per field"), func() { resolve(cd.resolution()) })
	if len(cd.radios) == 0 {
		cd.choose.Hide()
	}
	var body fyne.CanvasObject = rows
	if pic != nil {
		body = container.NewVBox(pic.object(), rows)
	}
	content := container.NewBorder(intro, container.NewHBox(cd.keepMine, cd.takeTheirs, cd.choose), nil, nil, container.NewVScroll(body))
	cd.dialog = dialog.NewCustom(lang.L("Conflict on {{.Layer}}", map[string]any{"Layer": l.Schema.DisplayTitle()}), lang.L("Decide later"), content, p.win)
	cd.dialog.Resize(fyne.NewSize(760, 620))
	cd.dialog.Show()
	return cd
}

// resolution is the per-field choice the radios show.
func (cd *conflictDialog) resolution() client.Resolution {
	res := client.Resolution{Default: client.Mine, Fields: map[string]client.Side{}}
	for name, r := range cd.radios {
		if r.Selected == lang.L("Theirs") {
			res.Fields[name] = client.Theirs
		} else {
			res.Fields[name] = client.Mine
		}
	}
	return res
}

// showRejected shows the platform's reason and lets the user retry after
// fixing, or drop the change.
func (p *syncPanel) showRejected(e store.JournalEntry) {
	msg := widget.NewLabel(e.Reason + "\n\n" + lang.L("Fix the feature, then send it again; or drop this change to get the platform's version back."))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	act := func(fn func(context.Context, string) error) {
		d.Hide()
		p.loading++
		go func() {
			err := fn(context.Background(), e.ChangeID)
			p.do(func() {
				p.loading--
				if err != nil {
					showError(p.win, lang.L("The choice could not be recorded; nothing was lost. Try again."))
				}
				p.reload()
			})
		}()
	}
	retry := widget.NewButton(lang.L("Send again"), func() { act(p.client.Retry) })
	drop := widget.NewButton(lang.L("Drop this change"), func() {
		dialog.ShowConfirm(lang.L("Drop this change?"), lang.L("Your local edits of this feature will be replaced by the platform's version."), func(ok bool) {
			if ok {
				act(p.client.Drop)
			}
		}, p.win)
	})
	d = dialog.NewCustom(lang.L("Change refused by the platform"), lang.L("Close"), container.NewBorder(nil, container.NewHBox(retry, drop), nil, nil, msg), p.win)
	d.Resize(fyne.NewSize(560, 280))
	d.Show()
}

// layerTitle names a layer of ws by its title; by name when it is gone.
func layerTitle(ws *store.Workspace, name string) string {
	if l, err := ws.Layer(name); err == nil {
		return l.Schema.DisplayTitle()
	}
	return name
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// showError shows a message in plain words; nothing typed is lost.
func showError(w fyne.Window, msg string) {
	d := dialog.NewInformation(windowTitle, msg, w)
	d.Show()
}
