package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"terrimap/store/schema"
)

// featureForm edits the attributes of one feature, built from its layer's
// schema: coded values as drop-downs with their labels, dates with a
// picker, yes/no as check boxes, required fields marked, read-only fields
// greyed, and each field's problem shown beside it before anything is saved.
type featureForm struct {
	layer    schema.Layer
	readOnly bool
	editors  []*fieldEditor
	form     *widget.Form
	// onSave receives the changed properties, typed; the form does not close.
	onSave func(changed map[string]any)
	// original holds the values shown at load, to tell what changed.
	original map[string]any
}

// fieldEditor is the widget of one field and how to read and fill it.
type fieldEditor struct {
	field  schema.Field
	object fyne.CanvasObject
	item   *widget.FormItem
	get    func() any
	set    func(any)
	enable func(bool)
}

// newFeatureForm builds the form of a layer; readOnly shows values only
// (a viewer, a read-only layer, or a feature outside the user's territory).
func newFeatureForm(layer schema.Layer, readOnly bool, onSave func(map[string]any)) *featureForm {
	f := &featureForm{layer: layer, readOnly: readOnly || layer.ReadOnly, onSave: onSave}
	f.form = widget.NewForm()
	for _, field := range layer.Fields {
		if photoListField(layer, field) {
			continue // the intervention's photo strip shows them, not a list of hashes
		}
		e := newFieldEditor(field)
		label := field.DisplayTitle()
		if field.Required {
			label += " *"
		}
		e.item = widget.NewFormItem(label, e.object)
		if field.Description != "" {
			e.item.HintText = field.Description
		}
		e.enable(!f.readOnly && !field.ReadOnly)
		f.editors = append(f.editors, e)
		f.form.AppendItem(e.item)
	}
	if !f.readOnly {
		f.form.SubmitText = lang.L("Save")
		f.form.OnSubmit = f.submit
	}
	return f
}

// load shows a feature's values.
func (f *featureForm) load(props map[string]any) {
	f.original = map[string]any{}
	for _, e := range f.editors {
		v := props[e.field.Name]
		f.original[e.field.Name] = v
		e.set(v)
		e.item.HintText = e.field.Description
	}
	f.form.Refresh()
}

// validate checks every field, shows each problem beside its field, and
// returns the typed values of the changed fields when all are right.
func (f *featureForm) validate() (map[string]any, bool) {
	changed := map[string]any{}
	ok := true
	for _, e := range f.editors {
		msg := ""
		v, err := e.field.Coerce(e.get())
		switch {
		case err != nil:
			msg = fieldProblem(e.field)
		case v == nil && e.field.Required:
			msg = lang.L("Required: fill in this field.")
		}
		if msg != "" {
			ok = false
			e.item.HintText = "⚠ " + msg
			continue
		}
		e.item.HintText = e.field.Description
		if e.field.ReadOnly {
			continue
		}
		if !sameValue(v, f.original[e.field.Name]) {
			changed[e.field.Name] = v
		}
	}
	f.form.Refresh()
	return changed, ok
}

func (f *featureForm) submit() {
	changed, ok := f.validate()
	if !ok || f.onSave == nil {
		return
	}
	f.onSave(changed)
}

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
		return lang.L("Type a date and time, such as 2026-06-15 14:30.")
	}
	return lang.L("This value does not fit the field.")
}

func sameValue(a, b any) bool {
	return schema.CodeString(a) == schema.CodeString(b) && (a == nil) == (b == nil)
}

// newFieldEditor picks the widget that fits a field.
func newFieldEditor(field schema.Field) *fieldEditor {
	e := &fieldEditor{field: field}
	switch {
	case len(field.Domain) > 0:
		labels := make([]string, 0, len(field.Domain)+1)
		byLabel := map[string]string{}
		if !field.Required {
			labels = append(labels, lang.L("(none)"))
		}
		for _, cv := range field.Domain {
			label := cv.Label
			if label != cv.Code && !strings.Contains(label, cv.Code) {
				label = cv.Label + " (" + cv.Code + ")"
			}
			labels = append(labels, label)
			byLabel[label] = cv.Code
		}
		sel := widget.NewSelect(labels, nil)
		sel.PlaceHolder = lang.L("Choose…")
		e.object = sel
		e.get = func() any { return byLabel[sel.Selected] }
		e.set = func(v any) {
			code := schema.CodeString(v)
			sel.ClearSelected()
			for label, c := range byLabel {
				if c == code && v != nil {
					sel.SetSelected(label)
				}
			}
		}
		e.enable = func(on bool) { setEnabled(sel, on) }
	case field.Type == schema.Boolean:
		check := widget.NewCheck("", nil)
		e.object = check
		e.get = func() any { return check.Checked }
		e.set = func(v any) { b, _ := v.(bool); check.SetChecked(b) }
		e.enable = func(on bool) { setEnabled(check, on) }
	case field.Type == schema.Date:
		de := widget.NewDateEntry()
		e.object = de
		e.get = func() any { return strings.TrimSpace(de.Text) }
		e.set = func(v any) {
			if s, ok := v.(string); ok {
				if t, err := time.Parse(schema.DateLayout, s); err == nil {
					de.SetDate(&t)
					return
				}
			}
			de.SetDate(nil)
		}
		e.enable = func(on bool) { setEnabled(de, on) }
	default:
		entry := widget.NewEntry()
		if field.Type == schema.Text && strings.Contains(field.Name, "note") || field.Name == "observations" {
			entry.MultiLine = true
			entry.Wrapping = fyne.TextWrapWord
		}
		e.object = entry
		e.get = func() any { return entry.Text }
		e.set = func(v any) {
			switch x := v.(type) {
			case nil:
				entry.SetText("")
			case float64:
				entry.SetText(strconv.FormatFloat(x, 'f', -1, 64))
			default:
				entry.SetText(schema.CodeString(x))
			}
		}
		e.enable = func(on bool) { setEnabled(entry, on) }
	}
	return e
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

// content returns the form in a scroll container.
func (f *featureForm) content() fyne.CanvasObject { return container.NewScroll(f.form) }

// describeValue renders a value for display (labels for codes, French dates).
func describeValue(field schema.Field, v any) string {
	switch {
	case v == nil:
		return ""
	case len(field.Domain) > 0:
		return field.Label(schema.CodeString(v))
	case field.Type == schema.Boolean:
		if b, _ := v.(bool); b {
			return lang.L("yes")
		}
		return lang.L("no")
	case field.Type == schema.Date:
		if t, err := time.Parse(schema.DateLayout, schema.CodeString(v)); err == nil {
			return t.Format("02/01/2006")
		}
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
