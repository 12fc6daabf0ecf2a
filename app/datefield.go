package app

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// formDateLayout is how the forms show and read a date: day/month/year,
// as French users write it.
const formDateLayout = "02/01/2006"

// dateField is a text entry for a date with a button that opens a calendar
// in the user's language. Unlike Fyne's DateEntry, it never judges its own
// text: an empty date is the form's business (fine when the field is
// optional), and a date is read by the field's schema, which also takes
// 5/6/2026 or 2026-06-05.
type dateField struct {
	entry  *widget.Entry
	button *widget.Button
	cal    *monthCalendar
	popUp  *widget.PopUp
}

func newDateField() *dateField {
	d := &dateField{entry: widget.NewEntry()}
	// Short, drawn whole: the mouse wheel over it scrolls the form.
	d.entry.Wrapping, d.entry.Scroll = fyne.TextWrapOff, container.ScrollNone
	d.entry.PlaceHolder = lang.L("dd/mm/yyyy")
	d.button = widget.NewButtonWithIcon("", theme.CalendarIcon(), d.openCalendar)
	d.button.Importance = widget.LowImportance
	d.entry.ActionItem = d.button
	d.cal = newMonthCalendar(time.Now(), d.pick)
	return d
}

// setDate shows t, or an empty entry for nil.
func (d *dateField) setDate(t *time.Time) {
	if t == nil {
		d.entry.SetText("")
		return
	}
	d.entry.SetText(t.Format(formDateLayout))
}

func (d *dateField) pick(t time.Time) {
	if d.popUp != nil {
		d.popUp.Hide()
	}
	d.setDate(&t)
}

// openCalendar shows the calendar under the entry, on the month of the
// date typed if any.
func (d *dateField) openCalendar() {
	c := fyne.CurrentApp().Driver().CanvasForObject(d.entry)
	if c == nil {
		return
	}
	if t, err := time.Parse(formDateLayout, d.entry.Text); err == nil {
		d.cal.selected = t
		d.cal.showMonth(t)
	} else {
		d.cal.selected = time.Time{}
		d.cal.showMonth(time.Now())
	}
	d.popUp = widget.NewPopUp(d.cal.content, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(d.entry)
	d.popUp.ShowAtPosition(pos.Add(fyne.NewPos(0, d.entry.Size().Height)))
}

func (d *dateField) enable(on bool) {
	setEnabled(d.entry, on)
	setEnabled(d.button, on)
}

// monthCalendar shows one month, weeks starting on Monday, with the
// month's and days' names in the user's language; a tap on a day picks it.
type monthCalendar struct {
	month    time.Time // the first day of the month shown
	selected time.Time // the date in the entry, zero for none
	onPick   func(time.Time)
	title    *widget.Label
	headings []*widget.Label
	days     *fyne.Container
	content  fyne.CanvasObject
}

func newMonthCalendar(shown time.Time, onPick func(time.Time)) *monthCalendar {
	c := &monthCalendar{onPick: onPick}
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { c.showMonth(c.month.AddDate(0, -1, 0)) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { c.showMonth(c.month.AddDate(0, 1, 0)) })
	prev.Importance, next.Importance = widget.LowImportance, widget.LowImportance
	heads := container.NewGridWithColumns(7)
	for _, name := range shortDayNames() {
		l := widget.NewLabelWithStyle(name, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		c.headings = append(c.headings, l)
		heads.Add(l)
	}
	c.days = container.NewGridWithColumns(7)
	c.content = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, prev, next, c.title), heads), nil, nil, nil, c.days)
	c.showMonth(shown)
	return c
}

// showMonth shows the month of t.
func (c *monthCalendar) showMonth(t time.Time) {
	c.month = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.Local)
	c.title.SetText(monthName(c.month.Month()) + " " + strconv.Itoa(c.month.Year()))
	c.days.RemoveAll()
	// Monday first: Go's weeks start on Sunday (0).
	for range (int(c.month.Weekday()) + 6) % 7 {
		c.days.Add(layout.NewSpacer())
	}
	for d := c.month; d.Month() == c.month.Month(); d = d.AddDate(0, 0, 1) {
		day := d
		b := widget.NewButton(strconv.Itoa(d.Day()), func() { c.onPick(day) })
		switch {
		case sameDay(d, c.selected):
			b.Importance = widget.HighImportance
		case sameDay(d, time.Now()):
			b.Importance = widget.MediumImportance
		default:
			b.Importance = widget.LowImportance
		}
		c.days.Add(b)
	}
	c.days.Refresh()
}

// sameDay reports whether a and b fall on the same calendar day.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// monthName is the name of m in the user's language, as a date writes it
// («décembre», «December»).
func monthName(m time.Month) string {
	names := [...]string{
		lang.L("January"), lang.L("February"), lang.L("March"), lang.L("April"),
		lang.L("May"), lang.L("June"), lang.L("July"), lang.L("August"),
		lang.L("September"), lang.L("October"), lang.L("November"), lang.L("December"),
	}
	return names[m-1]
}

// shortDayNames are the headings of a week, Monday first. Their keys are
// the ones Fyne's own calendar asks the translations for.
func shortDayNames() []string {
	return []string{
		lang.L("monday.short"), lang.L("tuesday.short"), lang.L("wednesday.short"),
		lang.L("thursday.short"), lang.L("friday.short"), lang.L("saturday.short"),
		lang.L("sunday.short"),
	}
}
