package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/report"
)

// e2eDriver plays an end-to-end script in the real app (terrimap
// --e2e-script FILE, for scripts/e2e-linux.sh): each step does, on the UI
// goroutine, what the user's tap or keystrokes do (the same callbacks,
// reached through the panels' own fields), then waits, bounded, for what
// the user would see as its result. It logs each step on stderr, writes
// a screenshot of the screen after each one beside the script, and on the
// first failure says why and quits: Run then returns the error.
type e2eDriver struct {
	m     *mainWindow
	steps []e2eStep
	dir   string
	out   io.Writer
	quit  func()

	mu  sync.Mutex
	err error
}

// e2eTimeout bounds each step; the first (the workspace opened and its
// map drawn) may take longer on a cold machine.
const (
	e2eTimeout      = 60 * time.Second
	e2eReadyTimeout = 180 * time.Second
	// e2ePoll is how often a step's result is looked at.
	e2ePoll = 50 * time.Millisecond
	// e2eShotTimeout bounds the wait for a step's screenshot.
	e2eShotTimeout = 15 * time.Second
)

// errE2EStep marks a step whose result did not come.
var errE2EStep = errors.New("e2e step failed")

// startE2E reads the script at path and plays it once the window runs;
// screenshots go into the script's folder.
func startE2E(m *mainWindow, quit func(), path string, out io.Writer) (*e2eDriver, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("app: e2e script: %w", err)
	}
	defer f.Close()
	steps, err := parseE2EScript(f)
	if err != nil {
		return nil, err
	}
	d := &e2eDriver{m: m, steps: steps, dir: filepath.Dir(path), out: out, quit: quit}
	go d.run()
	return d, nil
}

// result is the failure that ended the script, nil when it passed (or
// when there was no script).
func (d *e2eDriver) result() error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *e2eDriver) run() {
	started := time.Now()
	for i, st := range d.steps {
		n := i + 1
		t := time.Now()
		detail, err := d.play(st)
		took := time.Since(t).Milliseconds()
		shot := d.screenshot(n, st, err != nil)
		if err != nil {
			fmt.Fprintf(d.out, "e2e: step %d: %s: FAILED: %v (line %d; screenshot %s)\n", n, st, err, st.line, shot)
			d.mu.Lock()
			d.err = fmt.Errorf("app: e2e step %d (%s): %w", n, st, err)
			d.mu.Unlock()
			fyne.Do(d.quit)
			return
		}
		fmt.Fprintf(d.out, "e2e: step %d: %s: %s (%d ms, %s) ok\n", n, st, detail, took, shot)
	}
	fmt.Fprintf(d.out, "e2e: done: %d steps in %d ms\n", len(d.steps), time.Since(started).Milliseconds())
}

// e2eCheck looks, on the UI goroutine, whether a step's result came: what
// it sees, whether it is done, and an error when it can no longer be.
type e2eCheck func() (detail string, done bool, err error)

// play does one step and waits for its result.
func (d *e2eDriver) play(st e2eStep) (string, error) {
	timeout := e2eTimeout
	if st.verb == "ready" {
		timeout = e2eReadyTimeout
	}
	var check e2eCheck
	var err error
	fyne.DoAndWait(func() { check, err = d.begin(st) })
	if err != nil {
		return "", err
	}
	deadline := time.Now().Add(timeout)
	for {
		var detail string
		var done bool
		fyne.DoAndWait(func() { detail, done, err = check() })
		switch {
		case err != nil:
			return detail, err
		case done:
			return detail, nil
		case time.Now().After(deadline):
			return detail, fmt.Errorf("%w: no result after %s (%s)", errE2EStep, timeout, detail)
		}
		time.Sleep(e2ePoll)
	}
}

// begin starts a step on the UI goroutine and returns how to see it done.
func (d *e2eDriver) begin(st e2eStep) (e2eCheck, error) {
	m := d.m
	if st.verb == "ready" {
		return d.ready(st.arg), nil
	}
	v := m.view
	if v == nil {
		return nil, fmt.Errorf("%w: no workspace is open", errE2EStep)
	}
	switch st.verb {
	case "search":
		return d.search(v, st.arg), nil
	case "open-result":
		return d.openResult(v, st.number()-1)
	case "nearby":
		v.tabs.Select(d.tab(v, lang.L("Search")))
		v.search.near.Tapped(&fyne.PointEvent{})
		return func() (string, bool, error) {
			p := v.search
			return p.info.Text, p.near0 && p.shown != "" && len(p.results) > 0, nil
		}, nil
	case "nearby-in":
		return d.nearbyIn(v, st.arg)
	case "expect-empty":
		e, err := d.editor(v, st.field)
		if err != nil {
			return nil, err
		}
		if e.field.Required {
			return nil, fmt.Errorf("%w: «%s» is required, not optional", errE2EStep, e.field.DisplayTitle())
		}
		if val, _ := e.judge(); val != nil {
			return nil, fmt.Errorf("%w: «%s» holds %v", errE2EStep, e.field.DisplayTitle(), val)
		}
		return func() (string, bool, error) {
			return fmt.Sprintf("«%s» is empty (optional)", e.field.DisplayTitle()), true, nil
		}, nil
	case "set":
		return d.set(v, st.field, st.arg)
	case "save":
		return d.save(v)
	case "pending":
		want := pendingText(st.number())
		return func() (string, bool, error) {
			return fmt.Sprintf("status bar: %s; journal: %d pending", v.syncLabel.Text, v.sync.state.pending), v.syncLabel.Text == want && v.sync.state.pending == st.number(), nil
		}, nil
	case "sync":
		return d.sync(v), nil
	case "intervention":
		return d.intervention(v, st.arg)
	case "report":
		return d.report(v, st.arg)
	case "dtdict-register":
		return d.dtdictRegister(), nil
	case "dtdict-import":
		return d.dtdictImport(st.arg)
	case "dtdict-answer":
		return d.dtdictAnswer(st.arg)
	}
	return nil, fmt.Errorf("%w: unknown step %q", errE2EStep, st.verb)
}

// ready waits for the workspace's map to be drawn and the platform to be
// looked at (and the sync started then, if any, to be over); with a size
// (WIDTHxHEIGHT), for the window to have it too, so that the screenshots
// show it whole.
func (d *e2eDriver) ready(size string) e2eCheck {
	return func() (string, bool, error) {
		m := d.m
		if m.view == nil || m.sess == nil || m.view.sync == nil {
			return "no workspace open yet", false, nil
		}
		v := m.view
		select {
		case <-m.sess.tiles.FirstDrawn():
		default:
			return "the map is not drawn yet", false, nil
		}
		c := m.window.Canvas()
		w, h := c.PixelCoordinateForPosition(fyne.NewPos(c.Size().Width, c.Size().Height))
		now := fmt.Sprintf("%dx%d", w, h)
		online := "● " + lang.L("Online")
		detail := fmt.Sprintf("title «%s», %s, %s, window %s", m.window.Title(), v.onlineLabel.Text, v.syncLabel.Text, now)
		return detail, v.onlineLabel.Text == online && v.sync.idle() && (size == "" || now == size), nil
	}
}

// tab returns the left panel's tab of that title.
func (d *e2eDriver) tab(v *workspaceView, title string) *container.TabItem {
	for _, t := range v.tabs.Items {
		if t.Text == title {
			return t
		}
	}
	return v.tabs.Selected()
}

// search types text in the search box, a key at a time as she does.
func (d *e2eDriver) search(v *workspaceView, text string) e2eCheck {
	p := v.search
	v.tabs.Select(d.tab(v, lang.L("Search")))
	d.m.window.Canvas().Focus(p.entry)
	p.entry.SetText("")
	for _, r := range text {
		p.entry.TypedRune(r)
	}
	return func() (string, bool, error) {
		if p.shown != text || p.timer != nil || p.near0 {
			return "searching", false, nil
		}
		if len(p.results) == 0 {
			return p.info.Text, false, fmt.Errorf("%w: %s", errE2EStep, p.info.Text)
		}
		first := p.results[0]
		return fmt.Sprintf("%s; first: %s (%s)", p.info.Text, first.Name, first.Layer), true, nil
	}
}

// openResult clicks result i of the list shown.
func (d *e2eDriver) openResult(v *workspaceView, i int) (e2eCheck, error) {
	p := v.search
	if i >= len(p.results) {
		return nil, fmt.Errorf("%w: %d results shown", errE2EStep, len(p.results))
	}
	r := p.results[i]
	p.list.Select(i)
	return func() (string, bool, error) {
		f := v.selected
		done := p.opening == 0 && f != nil && f.Layer == r.Layer && f.FID == r.FID && v.feature.current != nil && v.feature.current.UUID == f.UUID
		if !done {
			return "opening", false, nil
		}
		return fmt.Sprintf("Objet: %s; layer %s, uuid %s", v.feature.title.Text, f.Layer, f.UUID), true, nil
	}, nil
}

// nearbyIn picks a layer in «À proximité»'s choice (as she picks «Points
// d'eau incendie»), which lists again the features of that layer nearest
// the selected one.
func (d *e2eDriver) nearbyIn(v *workspaceView, layer string) (e2eCheck, error) {
	p := v.search
	for i, name := range p.nearLayers {
		if name == layer {
			p.nearIn.SetSelectedIndex(i + 1)
			return func() (string, bool, error) {
				done := p.near0 && p.timer == nil && len(p.results) > 0 && p.results[0].Layer == layer
				detail := p.info.Text
				if done {
					detail += fmt.Sprintf("; nearest: %s at %s", p.results[0].Name, distanceText(p.results[0].Distance))
				}
				return detail, done, nil
			}, nil
		}
	}
	return nil, fmt.Errorf("%w: «À proximité» does not offer the layer %s", errE2EStep, layer)
}

// editor is the form's editor of a field.
func (d *e2eDriver) editor(v *workspaceView, name string) (*fieldEditor, error) {
	if v.feature.form == nil {
		return nil, fmt.Errorf("%w: no form shown", errE2EStep)
	}
	for _, e := range v.feature.form.editors {
		if e.field.Name == name {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: the form has no field %s", errE2EStep, name)
}

// set types value in a field of the form (or picks it in a list).
func (d *e2eDriver) set(v *workspaceView, name, value string) (e2eCheck, error) {
	e, err := d.editor(v, name)
	if err != nil {
		return nil, err
	}
	// She scrolls the form to the field first.
	form := v.feature.form
	if e.box != nil {
		form.scroll.ScrollToOffset(fyne.NewPos(0, e.box.Position().Y))
	}
	switch w := e.object.(type) {
	case *widget.Entry:
		if w.Disabled() {
			return nil, fmt.Errorf("%w: «%s» may not be changed", errE2EStep, e.field.DisplayTitle())
		}
		d.m.window.Canvas().Focus(w)
		w.SetText("")
		for _, r := range value {
			w.TypedRune(r)
		}
	case *widget.Select:
		w.SetSelected(value)
	case *widget.Check:
		w.SetChecked(value == "true" || value == "oui")
	default:
		return nil, fmt.Errorf("%w: «%s» is not typed into", errE2EStep, e.field.DisplayTitle())
	}
	return func() (string, bool, error) {
		if e.problem.Visible() {
			return "", false, fmt.Errorf("%w: «%s»: %s", errE2EStep, e.field.DisplayTitle(), e.problem.Text)
		}
		return fmt.Sprintf("«%s» = %v; the save bar says «%s»", e.field.DisplayTitle(), e.get(), form.status.Text), true, nil
	}, nil
}

// save presses «Enregistrer» and waits for the form to say it saved.
func (d *e2eDriver) save(v *workspaceView) (e2eCheck, error) {
	form := v.feature.form
	if form == nil {
		return nil, fmt.Errorf("%w: no form shown", errE2EStep)
	}
	if form.save.Disabled() {
		return nil, fmt.Errorf("%w: «Enregistrer» is greyed: %s", errE2EStep, form.status.Text)
	}
	form.save.Tapped(&fyne.PointEvent{})
	saved := lang.L("Saved. The change will be sent to the platform at the next synchronisation.")
	return func() (string, bool, error) {
		if form.status.Importance == widget.DangerImportance {
			return "", false, fmt.Errorf("%w: %s", errE2EStep, form.status.Text)
		}
		return fmt.Sprintf("the save bar says «%s»", form.status.Text), form.status.Text == saved, nil
	}, nil
}

// sync presses «Synchroniser» on the Sync tab once no sync runs, and
// waits for it to end with nothing waiting.
func (d *e2eDriver) sync(v *workspaceView) e2eCheck {
	p := v.sync
	closeIntervention(v)
	v.tabs.Select(d.tab(v, lang.L("Sync")))
	pressed := false
	return func() (string, bool, error) {
		if !pressed {
			if !p.idle() {
				return "a sync is under way", false, nil
			}
			p.syncButton.Tapped(&fyne.PointEvent{})
			pressed = true
			return "pressed", false, nil
		}
		if !p.idle() {
			return "syncing: " + p.stage.Text, false, nil
		}
		if p.stage.Text == "" {
			return "", false, fmt.Errorf("%w: the sync failed: %s", errE2EStep, d.m.status)
		}
		return fmt.Sprintf("%s; status bar: %s · %s", p.stage.Text, v.syncLabel.Text, v.syncDetail.Text), p.state.pending == 0, nil
	}
}

// intervention presses «Nouvelle intervention», «Créer l'intervention»,
// then adds the photo as the file dialog hands it, and waits for its
// thumbnail; the dialog stays open for the screenshot (the next step
// closes it).
func (d *e2eDriver) intervention(v *workspaceView, photo string) (e2eCheck, error) {
	sec := v.feature.maint
	if sec.add.Disabled() || !sec.add.Visible() {
		return nil, fmt.Errorf("%w: «Nouvelle intervention» is not offered", errE2EStep)
	}
	sec.opened = nil
	sec.add.Tapped(&fyne.PointEvent{})
	created, attached := false, false
	return func() (string, bool, error) {
		dl := sec.opened
		switch {
		case dl == nil:
			return "no dialog", false, nil
		case !created:
			// She writes what was done, then creates it.
			for _, e := range dl.form.editors {
				if w, ok := e.object.(*widget.Entry); ok && e.field.Name == "notes" {
					d.m.window.Canvas().Focus(w)
					for _, r := range "Débit mesuré : 62,5 m³/h." { // what she types, not a word of the app
						w.TypedRune(r)
					}
				}
			}
			dl.form.save.Tapped(&fyne.PointEvent{})
			created = true
			return "creating", false, nil
		case dl.feature == nil:
			if dl.form.status.Importance == widget.DangerImportance {
				return "", false, fmt.Errorf("%w: %s", errE2EStep, dl.form.status.Text)
			}
			return "creating", false, nil
		case !attached:
			f, err := os.Open(photo)
			if err != nil {
				return "", false, fmt.Errorf("%w: %w", errE2EStep, err)
			}
			dl.photos.attachFrom(filepath.Base(photo), f)
			attached = true
			return "adding the photo", false, nil
		case len(dl.photos.hashes) == 0 || dl.photos.add.Disabled():
			return "adding the photo: " + dl.photos.hint.Text, false, nil
		}
		dl.scroll.ScrollToBottom() // she looks at her photo
		detail := fmt.Sprintf("%s; %d photo; %s", strings.ReplaceAll(dl.heading.Text, "\n", " / "), len(dl.photos.hashes), describeIntervention(dl.layer, *dl.feature))
		return detail, true, nil
	}, nil
}

// report writes a before-works report of a zone around the feature
// shown, 60 m by 60 m, to path, as the report's dialogs do once the zone
// is drawn, the title and margin left as offered and the file chosen.
func (d *e2eDriver) report(v *workspaceView, path string) (e2eCheck, error) {
	closeIntervention(v)
	if v.selected == nil || v.selected.Geometry == nil {
		return nil, fmt.Errorf("%w: no feature selected", errE2EStep)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errE2EStep, err)
	}
	c := anchorPoint(v.selected.Geometry)
	const dx, dy = 0.0004, 0.00027 // about 30 m each way at 46.5° N
	ring := orb.Ring{{c[0] - dx, c[1] - dy}, {c[0] + dx, c[1] - dy}, {c[0] + dx, c[1] + dy}, {c[0] - dx, c[1] + dy}, {c[0] - dx, c[1] - dy}}
	z := report.Zone{Geometry: orb.MultiPolygon{{ring}}}
	m := d.m
	m.status = ""
	m.writeReport(abs, z, lang.L("zone drawn on the map"), lang.L("Before works report"), report.DefaultBuffer)
	return func() (string, bool, error) {
		if !strings.Contains(m.status, abs) {
			return "writing", false, nil
		}
		st, err := os.Stat(abs)
		if err != nil || st.Size() == 0 {
			return "", false, fmt.Errorf("%w: the report is not written: %v", errE2EStep, err)
		}
		return m.status, true, nil
	}, nil
}

// screenshot asks the script that started the app for a picture of the
// screen after a step — a line «e2e: shoot PATH» on the log — and waits,
// bounded, for the file; it returns its path. The script takes it with
// ImageMagick's import, as the screen shows it (dialogs included): under
// Xvfb the window's GL front buffer reads back black, so Capture cannot.
func (d *e2eDriver) screenshot(n int, st e2eStep, failed bool) string {
	name := fmt.Sprintf("step-%02d-%s.png", n, st.verb)
	if failed {
		name = fmt.Sprintf("step-%02d-%s-failed.png", n, st.verb)
	}
	path := filepath.Join(d.dir, name)
	fmt.Fprintf(d.out, "e2e: shoot %s\n", path)
	for deadline := time.Now().Add(e2eShotTimeout); time.Now().Before(deadline); time.Sleep(e2ePoll) {
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return fmt.Sprintf("no screenshot after %s", e2eShotTimeout)
}

// closeIntervention presses «Fermer» on the intervention's dialog, when
// one is open.
func closeIntervention(v *workspaceView) {
	if sec := v.feature.maint; sec.opened != nil && sec.opened.d != nil {
		sec.opened.d.Hide()
	}
}
