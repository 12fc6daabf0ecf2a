package app

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/store/schema"
)

// featureForm edits the attributes of one feature, built from its layer's
// schema: each field's title above its widget (readable at any panel
// width), coded values as drop-downs of their labels, dates with a calendar
// in the user's language, yes/no as check boxes, required fields marked,
// read-only fields greyed. Under the scrolled fields, a save bar that never
// scrolls away holds «Enregistrer», «Annuler» and, whenever a save is not
// possible, why; each field's problem is also shown under the field.
type featureForm struct {
	layer    schema.Layer
	readOnly bool
	editors  []*fieldEditor
	// fields holds the fields, one under the other; scroll scrolls them.
	fields *fyne.Container
	scroll *container.Scroll
	// bar is the save bar: status, then cancel and save; hidden when the
	// form is read-only.
	bar *fyne.Container
	// view is the form as the panel shows it: the scroll above the bar;
	// nil until content is asked for.
	view   *fyne.Container
	status *widget.Label
	save   *widget.Button
	cancel *widget.Button
	// onSave receives the changed properties, typed; the form does not close.
	onSave func(changed map[string]any)
	// original holds the values shown at load, to tell what changed.
	original map[string]any
	// loading is set while load fills the widgets, whose change callbacks
	// then judge nothing.
	loading bool
}

// fieldEditor is the widget of one field, its title and problem, and how
// to read and fill it.
type fieldEditor struct {
	field  schema.Field
	title  *widget.Label
	object fyne.CanvasObject
	// hint is the field's description; problem says what is wrong with
	// the value typed (hidden when nothing is).
	hint    *widget.Label
	problem *widget.Label
	// loaded is what the widget held right after load: a value shown and
	// left alone is unchanged, even where the widget shows it rounded (the
	// seconds of a date and time).
	loaded any
	// box holds title, widget, problem and hint, as the form lays it out.
	box    *fyne.Container
	get    func() any
	set    func(any)
	enable func(bool)
	// onChanged is called when the user changes the value.
	onChanged func()
}

// newFeatureForm builds the form of a layer; readOnly shows values only
// (a viewer, a read-only layer, or a feature outside the user's territory).
func newFeatureForm(layer schema.Layer, readOnly bool, onSave func(map[string]any)) *featureForm {
	f := &featureForm{layer: layer, readOnly: readOnly || layer.ReadOnly, onSave: onSave}
	f.fields = container.NewVBox()
	for _, field := range layer.Fields {
		if photoListField(layer, field) || equipmentLinkField(layer, field) {
			// The intervention's photo strip shows its photos, not a list
			// of hashes; its section names its equipment, not a UUID.
			continue
		}
		var e *fieldEditor
		if f.readOnly {
			e = newFieldView(field)
		} else {
			e = newFieldEditor(field)
		}
		e.enable(!f.readOnly && !field.ReadOnly)
		e.onChanged = f.edited
		f.editors = append(f.editors, e)
		f.fields.Add(e.block())
	}
	f.scroll = container.NewVScroll(f.fields)
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.status.Hide()
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), f.revert)
	f.bar = container.NewVBox(widget.NewSeparator(), f.status,
		container.NewHBox(layout.NewSpacer(), f.cancel, f.save))
	if f.readOnly {
		f.bar.Hide()
	}
	return f
}

// setSaveText names the save button («Créer l'intervention»).
func (f *featureForm) setSaveText(text string) { f.save.SetText(text) }

// block is the field as the form shows it: title, widget, problem, hint.
func (e *fieldEditor) block() fyne.CanvasObject {
	e.box = container.NewVBox(e.title, e.object, e.problem, e.hint)
	return e.box
}

// load shows a feature's values, with no problem and no status.
func (f *featureForm) load(props map[string]any) {
	f.loading = true
	defer func() { f.loading = false }()
	f.original = map[string]any{}
	for _, e := range f.editors {
		v := props[e.field.Name]
		f.original[e.field.Name] = v
		e.set(v)
		e.loaded = e.get()
		e.showProblem("")
	}
	f.setStatus("", widget.MediumImportance)
}

// saved says that the values shown were saved.
func (f *featureForm) saved() {
	f.setStatus(lang.L("Saved. The change will be sent to the platform at the next synchronisation."), widget.SuccessImportance)
}

// edited judges the form again after the user changed a value, so that a
// problem shows while she types, not only when she saves.
func (f *featureForm) edited() {
	if f.loading || f.readOnly {
		return
	}
	if changed, ok := f.validate(); ok {
		if len(changed) > 0 {
			f.setStatus(lang.L("Changes not saved yet."), widget.MediumImportance)
		} else {
			f.setStatus("", widget.MediumImportance)
		}
	}
}

// validate checks every field, shows each problem under its field and the
// count of fields to correct on the save bar, and returns the typed values
// of the changed fields when all are right.
func (f *featureForm) validate() (map[string]any, bool) {
	changed := map[string]any{}
	var wrong []string
	for _, e := range f.editors {
		v, msg := e.judge()
		e.showProblem(msg)
		if msg != "" {
			wrong = append(wrong, e.field.DisplayTitle())
			continue
		}
		if e.field.ReadOnly {
			continue
		}
		if !reflect.DeepEqual(e.get(), e.loaded) && !sameValue(v, f.original[e.field.Name]) {
			changed[e.field.Name] = v
		}
	}
	switch len(wrong) {
	case 0:
		f.setStatus("", widget.MediumImportance)
	case 1:
		f.setStatus(lang.L("Cannot save: 1 field to correct: {{.Fields}}.", map[string]any{"Fields": wrong[0]}), widget.DangerImportance)
	default:
		f.setStatus(lang.L("Cannot save: {{.Count}} fields to correct: {{.Fields}}.", map[string]any{
			"Count": len(wrong), "Fields": strings.Join(wrong, ", ")}), widget.DangerImportance)
	}
	return changed, len(wrong) == 0
}

// judge reads the field's value, typed, and says what is wrong with it
// ("" when nothing is). An empty optional field is never wrong.
func (e *fieldEditor) judge() (any, string) {
	v, err := e.field.Coerce(e.get())
	switch {
	case err != nil:
		return nil, fieldProblem(e.field)
	case v == nil && e.field.Required:
		return nil, lang.L("Required: fill in this field.")
	}
	return v, ""
}

func (e *fieldEditor) showProblem(msg string) {
	if msg == "" {
		e.problem.SetText("")
		e.problem.Hide()
		return
	}
	e.problem.SetText("⚠ " + msg)
	e.problem.Show()
}

func (f *featureForm) setStatus(text string, importance widget.Importance) {
	f.status.Importance = importance
	f.status.SetText(text)
	f.status.Hidden = text == ""
	// The bar grows or shrinks with its status: the form lays its
	// scrolled fields and its bar out again at once.
	if f.view != nil {
		f.view.Refresh()
	} else {
		f.bar.Refresh()
	}
}

func (f *featureForm) submit() {
	if f.readOnly {
		return
	}
	changed, ok := f.validate()
	if !ok {
		f.showFirstProblem()
		return
	}
	if len(changed) == 0 {
		f.setStatus(lang.L("Nothing to save: no field was changed."), widget.MediumImportance)
		return
	}
	if f.onSave != nil {
		f.onSave(changed)
	}
}

// showFirstProblem scrolls the form to the first field to correct, so
// that its reason is in view beside it, not only on the save bar.
func (f *featureForm) showFirstProblem() {
	for _, e := range f.editors {
		if e.problem.Visible() && e.box != nil {
			f.fields.Refresh() // lays the problem out before it is measured
			y := e.box.Position().Y
			if end := y + e.box.Size().Height; y < f.scroll.Offset.Y || end > f.scroll.Offset.Y+f.scroll.Size().Height {
				f.scroll.ScrollToOffset(fyne.NewPos(0, y))
			}
			return
		}
	}
}

// revert shows the values loaded again, dropping what was typed.
func (f *featureForm) revert() { f.load(f.original) }

// fieldProblem says, in the user's language, what a field expects.
func fieldProblem(field schema.Field) string {
	switch {
	case len(field.Domain) > 0:
		return lang.L("Choose a value from the list.")
	case field.Type == schema.Integer:
		return lang.L("Type a whole number, such as 110.")
	case field.Type == schema.Real:
		return lang.L("Type a number, such as 2.5 or 2,5.")
	case field.Type == schema.Date:
		return lang.L("Type a date as day/month/year, such as 15/06/2026, or use the calendar.")
	case field.Type == schema.DateTime:
		return lang.L("Type a date and time as day/month/year hours:minutes, such as 15/06/2026 14:30.")
	}
	return lang.L("This value does not fit the field.")
}

func sameValue(a, b any) bool {
	return schema.CodeString(a) == schema.CodeString(b) && (a == nil) == (b == nil)
}

// newFieldView shows a field's value as text, for a form that may only be
// read: black on white, where a disabled entry would be pale grey.
func newFieldView(field schema.Field) *fieldEditor {
	e := newFieldFrame(field)
	value := widget.NewLabel("")
	value.Wrapping = fyne.TextWrapWord
	var shown any
	e.object = value
	e.get = func() any { return shown }
	e.set = func(v any) {
		shown = v
		value.SetText(describeValue(field, v))
	}
	e.enable = func(bool) {}
	return e
}

// newFieldFrame is a field's title, hint and problem, without its widget.
func newFieldFrame(field schema.Field) *fieldEditor {
	e := &fieldEditor{field: field}
	title := field.DisplayTitle()
	if field.Required {
		title += " *"
	}
	e.title = widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.title.Wrapping = fyne.TextWrapWord
	e.hint = widget.NewLabel(field.Description)
	e.hint.Wrapping = fyne.TextWrapWord
	e.hint.SizeName = theme.SizeNameCaptionText
	e.hint.TextStyle = fyne.TextStyle{Italic: true}
	e.hint.Hidden = field.Description == ""
	e.problem = widget.NewLabel("")
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Importance = widget.DangerImportance
	e.problem.Hide()
	return e
}

// newFieldEditor picks the widget that fits a field.
func newFieldEditor(field schema.Field) *fieldEditor {
	e := newFieldFrame(field)
	changed := func() {
		if e.onChanged != nil {
			e.onChanged()
		}
	}
	switch {
	case len(field.Domain) > 0:
		labels, byLabel := domainChoices(field)
		sel := widget.NewSelect(labels, func(string) { changed() })
		sel.PlaceHolder = lang.L("Choose…")
		e.object = sel
		e.get = func() any { return byLabel[sel.Selected] }
		e.set = func(v any) {
			sel.ClearSelected()
			if v == nil {
				return
			}
			code := schema.CodeString(v)
			for _, label := range labels {
				if c, ok := byLabel[label]; ok && c == code {
					sel.SetSelected(label)
				}
			}
		}
		e.enable = func(on bool) { setEnabled(sel, on) }
	case field.Type == schema.Boolean:
		check := widget.NewCheck("", func(bool) { changed() })
		e.object = check
		e.get = func() any { return check.Checked }
		e.set = func(v any) { b, _ := v.(bool); check.SetChecked(b) }
		e.enable = func(on bool) { setEnabled(check, on) }
	case field.Type == schema.Date:
		de := newDateField()
		de.entry.OnChanged = func(string) { changed() }
		e.object = de.entry
		e.get = func() any { return strings.TrimSpace(de.entry.Text) }
		e.set = func(v any) {
			if t, err := time.Parse(schema.DateLayout, schema.CodeString(v)); err == nil {
				de.setDate(&t)
				return
			}
			de.setDate(nil)
		}
		e.enable = de.enable
	default:
		entry := widget.NewEntry()
		if field.Type == schema.Text && strings.Contains(field.Name, "note") || field.Name == "observations" {
			entry.MultiLine = true
			entry.Wrapping = fyne.TextWrapWord
		}
		if field.Type != schema.Text {
			// A number or a date is short: drawn whole, with no scroll of
			// its own to swallow the mouse wheel, which then scrolls the
			// form even with the pointer over the entry.
			entry.Wrapping, entry.Scroll = fyne.TextWrapOff, container.ScrollNone
		}
		entry.OnChanged = func(string) { changed() }
		e.object = entry
		e.get = func() any { return readEntry(field, entry.Text) }
		e.set = func(v any) { entry.SetText(editText(field, v)) }
		e.enable = func(on bool) { setEnabled(entry, on) }
	}
	return e
}

// domainChoices are the labels a drop-down of coded values offers — the
// labels alone, the code added only to tell apart two codes of one label —
// and the code of each.
func domainChoices(field schema.Field) ([]string, map[string]string) {
	labels := make([]string, 0, len(field.Domain)+1)
	byLabel := map[string]string{}
	if !field.Required {
		labels = append(labels, lang.L("(none)"))
	}
	seen := map[string]int{}
	for _, cv := range field.Domain {
		seen[codeLabel(cv)]++
	}
	for _, cv := range field.Domain {
		label := codeLabel(cv)
		if seen[label] > 1 {
			label += " (" + cv.Code + ")"
		}
		labels = append(labels, label)
		byLabel[label] = cv.Code
	}
	return labels, byLabel
}

// codeLabel is the label of a coded value, its code when it has none.
func codeLabel(cv schema.CodedValue) string {
	if strings.TrimSpace(cv.Label) == "" {
		return cv.Code
	}
	return cv.Label
}

// editText is a value as an entry shows it for editing: reals with the
// decimal mark of the user's language, dates and times in local time.
func editText(field schema.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return formatReal(x)
	case string:
		if field.Type == schema.DateTime {
			if t, err := time.Parse(time.RFC3339, x); err == nil {
				return t.Local().Format(formDateTimeLayout)
			}
		}
	}
	return schema.CodeString(v)
}

// readEntry is what an entry's text means for its field: a date and time
// typed day/month/year is read in local time; the rest goes to the schema.
func readEntry(field schema.Field, text string) any {
	if field.Type == schema.DateTime {
		s := strings.TrimSpace(text)
		for _, layout := range []string{formDateTimeLayout, "2/1/2006 15:04", "02/01/2006 15:04:05", formDateLayout} {
			if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
				return t
			}
		}
	}
	return text
}

// formDateTimeLayout is how the forms show and read a date and time.
const formDateTimeLayout = "02/01/2006 15:04"

// formatReal writes x with the decimal mark of the user's language
// («5,2» in French).
func formatReal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", lang.L("decimal mark"), 1)
}

type disableable interface {
	Enable()
	Disable()
}

func setEnabled(w disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// content returns the scrolled fields above the save bar, which stays in
// view however long the form. A form shown otherwise (the intervention's
// dialog lays out fields and bar itself) never calls it.
func (f *featureForm) content() fyne.CanvasObject {
	if f.view == nil {
		f.view = container.NewBorder(nil, f.bar, nil, nil, f.scroll)
	}
	return f.view
}

// describeValue renders a value for display (labels for codes, French dates).
func describeValue(field schema.Field, v any) string {
	switch {
	case v == nil:
		return ""
	case len(field.Domain) > 0:
		code := schema.CodeString(v)
		for _, cv := range field.Domain {
			if cv.Code == code {
				return codeLabel(cv)
			}
		}
		return code
	case field.Type == schema.Boolean:
		if b, _ := v.(bool); b {
			return lang.L("yes")
		}
		return lang.L("no")
	case field.Type == schema.Date:
		if t, err := time.Parse(schema.DateLayout, schema.CodeString(v)); err == nil {
			return t.Format(formDateLayout)
		}
	case field.Type == schema.Real || field.Type == schema.DateTime:
		return editText(field, v)
	}
	return fmt.Sprint(v)
}

// photoListField reports whether field is an intervention's list of photo
// hashes, which the photo strip shows and edits instead of the form.
func photoListField(layer schema.Layer, field schema.Field) bool {
	if field.Name != fieldPhotos {
		return false
	}
	_, ok := layer.Field(fieldEquipmentID)
	return ok
}
