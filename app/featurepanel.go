package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/store/territory"
	"terrimap/sync/protocol"
)

// featurePanel shows the selected feature in its schema's form, saves the
// user's changes (journaled for the next sync), deletes with confirmation,
// and shows the feature's history from the platform.
type featurePanel struct {
	win fyne.Window
	s   *session
	do  func(func())
	// onEdited is called after the feature changed (to redraw the map).
	onEdited func(before, after store.Feature)
	// onNearby lists the features nearest the one shown (the search
	// panel's «À proximité»); nil hides the button.
	onNearby func(*store.Feature)

	title   *widget.Label
	reason  *widget.Label
	body    *fyne.Container
	delete  *widget.Button
	history *widget.Button
	nearby  *widget.Button

	current *store.Feature
	form    *featureForm
	// maint lists the interventions on the equipment shown.
	maint *interventionsSection
}

func newFeaturePanel(win fyne.Window, s *session, do func(func()), onEdited func(before, after store.Feature)) *featurePanel {
	return &featurePanel{win: win, s: s, do: do, onEdited: onEdited}
}

func (p *featurePanel) build() fyne.CanvasObject {
	p.title = widget.NewLabelWithStyle(lang.L("Click a feature on the map to see it here."), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.Wrapping = fyne.TextWrapWord
	p.reason = widget.NewLabel("")
	p.reason.Wrapping = fyne.TextWrapWord
	p.reason.Importance = widget.WarningImportance
	p.reason.Hide()
	p.delete = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), p.confirmDelete)
	p.delete.Importance = widget.DangerImportance
	p.delete.Hide()
	p.history = widget.NewButtonWithIcon(lang.L("History"), theme.HistoryIcon(), p.showHistory)
	p.history.Hide()
	p.nearby = widget.NewButtonWithIcon(lang.L("Nearby"), theme.SearchIcon(), func() {
		if p.current != nil && p.onNearby != nil {
			p.onNearby(p.current)
		}
	})
	p.nearby.Hide()
	p.body = container.NewStack()
	p.maint = newInterventionsSection(p)
	split := container.NewVSplit(p.body, p.maint.build())
	// The form is her work: most of the height, the interventions under it.
	split.Offset = 0.72
	return container.NewBorder(container.NewVBox(p.title, p.reason), container.NewHBox(p.nearby, p.history, p.delete), nil, nil, split)
}

// show displays a feature; nil clears the panel.
func (p *featurePanel) show(f *store.Feature) {
	p.current = f
	p.body.RemoveAll()
	p.maint.show(f)
	if f == nil {
		p.title.SetText(lang.L("Click a feature on the map to see it here."))
		p.reason.Hide()
		p.delete.Hide()
		p.history.Hide()
		p.nearby.Hide()
		return
	}
	if p.onNearby != nil {
		p.nearby.Show()
	}
	l, err := p.s.ws.Layer(f.Layer)
	if err != nil {
		return
	}
	p.title.SetText(fmt.Sprintf("%s · %s", l.Schema.DisplayTitle(), searchName(p.s.ws, l.Schema, *f)))
	why := p.editRefusal(l, f)
	if why != "" {
		p.reason.SetText(why)
		p.reason.Show()
		p.delete.Hide()
	} else {
		p.reason.Hide()
		p.delete.Show()
	}
	if p.s.client != nil && f.Version > 0 {
		p.history.Show()
	} else {
		p.history.Hide()
	}
	p.form = newFeatureForm(l.Schema, why != "", p.save)
	p.form.load(f.Properties)
	p.body.Add(p.form.content())
}

// editRefusal says why the user may not edit this feature here (a viewer, a
// read-only layer, a feature outside their commune), "" when they may: the
// app says so now instead of failing at sync.
func (p *featurePanel) editRefusal(l *store.Layer, f *store.Feature) string {
	if l.ReadOnly() {
		return readOnlyReason(p.s, l) // never empty for a read-only layer
	}
	a, ok := p.s.access[l.Name()]
	if !ok {
		return ""
	}
	if !a.Update {
		return a.Reason
	}
	if a.Territory != nil && !liesIn(a.Territory, f.Geometry) {
		return lang.L("This feature lies outside your commune: you can see it but not change it.") + " " + a.Reason
	}
	return ""
}

// liesIn applies the platform's own territory rule (store/territory: the
// feature lies in the commune, within a few metres of its boundary; one
// with no position lies nowhere), so that the form never offers an edit the
// platform would refuse. A territory that cannot be prepared refuses, as
// the platform does.
func liesIn(area, g orb.Geometry) bool {
	t, err := territory.New(area)
	return err == nil && t.Contains(g)
}

// refusal says why the shown feature may not be edited, "" when it may or
// when none is shown.
func (p *featurePanel) refusal() string {
	if p.current == nil {
		return ""
	}
	l, err := p.s.ws.Layer(p.current.Layer)
	if err != nil {
		return lang.L("This layer is read-only.")
	}
	return p.editRefusal(l, p.current)
}

// editable reports whether the shown feature may be edited.
func (p *featurePanel) editable() bool { return p.current != nil && p.refusal() == "" }

// save writes the changed fields in the background.
func (p *featurePanel) save(changed map[string]any) {
	if p.current == nil || len(changed) == 0 {
		return
	}
	before := *p.current
	go func() {
		var after store.Feature
		err := p.s.ws.Edit(context.Background(), func(tx *store.Tx) error {
			var err error
			after, err = tx.Update(before.Layer, before.UUID, store.Change{Properties: changed})
			return err
		})
		p.do(func() {
			if err != nil {
				showError(p.win, editErrorMessage(err))
				return
			}
			p.current = &after
			p.form.load(after.Properties)
			p.form.saved()
			if p.onEdited != nil {
				p.onEdited(before, after)
			}
		})
	}()
}

func (p *featurePanel) confirmDelete() {
	if p.current == nil {
		return
	}
	f := *p.current
	go func() {
		n := countInterventions(context.Background(), p.s.ws, f)
		p.do(func() { p.askDelete(f, n) })
	}()
}

// askDelete asks before deleting f, saying what becomes of its
// interventions when it is equipment that has some.
func (p *featurePanel) askDelete(f store.Feature, interventions int) {
	msg := lang.L("It will be deleted on the platform at the next synchronisation.")
	if interventions > 0 {
		msg += "\n\n" + lang.N("Its {{.N}} interventions stay in the history, shown as those of a removed equipment.",
			interventions, map[string]any{"N": interventions})
	}
	dialog.ShowConfirm(lang.L("Delete this feature?"), msg, func(ok bool) {
		if !ok {
			return
		}
		go func() {
			err := p.s.ws.Edit(context.Background(), func(tx *store.Tx) error { return tx.Delete(f.Layer, f.UUID) })
			p.do(func() {
				if err != nil {
					showError(p.win, editErrorMessage(err))
					return
				}
				p.show(nil)
				if p.onEdited != nil {
					p.onEdited(f, store.Feature{Layer: f.Layer})
				}
			})
		}()
	}, p.win)
}

// showHistory lists the platform's versions of the feature.
func (p *featurePanel) showHistory() {
	if p.current == nil || p.s.client == nil {
		return
	}
	f := *p.current
	l, err := p.s.ws.Layer(f.Layer)
	if err != nil {
		return
	}
	go func() {
		versions, err := p.s.client.History(context.Background(), f.UUID)
		p.do(func() {
			if err != nil {
				if errors.Is(err, protocol.ErrNotFound) {
					showError(p.win, lang.L("The platform has no history for this feature yet: it was never sent."))
				} else {
					showError(p.win, syncErrorMessage(err))
				}
				return
			}
			var lines []string
			for i := len(versions) - 1; i >= 0; i-- {
				v := versions[i]
				lines = append(lines, lang.L("Version {{.V}} · {{.Author}} · {{.At}}", map[string]any{
					"V": v.Version, "Author": v.Author, "At": v.At.Local().Format("02/01/2006 15:04")})+"\n  "+changedTitles(l.Schema, v))
			}
			text := widget.NewLabel(strings.Join(lines, "\n"))
			text.Wrapping = fyne.TextWrapWord
			d := dialog.NewCustom(lang.L("History"), lang.L("Close"), container.NewVScroll(text), p.win)
			d.Resize(fyne.NewSize(560, 420))
			d.Show()
		})
	}()
}

// changedTitles says what a version changed, by field titles.
func changedTitles(s schema.Layer, v protocol.Version) string {
	switch v.Op {
	case protocol.OpCreate:
		return lang.L("created")
	case protocol.OpDelete:
		return lang.L("deleted")
	}
	var out []string
	for _, name := range v.Changed {
		if name == protocol.GeometryField {
			out = append(out, lang.L("Position / shape"))
		} else if f, ok := s.Field(name); ok {
			out = append(out, f.DisplayTitle())
		} else {
			out = append(out, name)
		}
	}
	return lang.L("changed: {{.Fields}}", map[string]any{"Fields": strings.Join(out, ", ")})
}

// editErrorMessage says why an edit was refused, in plain words.
func editErrorMessage(err error) string {
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		return lang.L("Some values do not fit: check the fields marked ⚠.")
	case errors.Is(err, store.ErrReadOnly):
		return lang.L("This layer is read-only.")
	case errors.Is(err, store.ErrInvalidGeometry):
		return lang.L("This shape cannot be saved: draw it again.")
	case errors.Is(err, store.ErrFeatureNotFound):
		return lang.L("This feature no longer exists: it was deleted meanwhile.")
	}
	return lang.L("The change could not be saved. Nothing you typed is lost: try again.")
}
