package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
)

// dtSoon is how near its due date a declaration is shown in orange, and
// counted in the status bar's warning.
const dtSoon = 48 * time.Hour

// dtDialogSize is the size of the DT-DICT window over the main one.
var dtDialogSize = fyne.NewSize(1240, 760)

// dtdictDesk is Outils › DT-DICT: the register of the declarations
// received, sorted by due date, each opening its answer screen; a
// declaration is imported from its XML file (a button, or the file
// dropped on the window).
type dtdictDesk struct {
	m *mainWindow

	// dialog shows body: the register, or a declaration's answer screen.
	dialog *dialog.CustomDialog
	body   *fyne.Container

	register  fyne.CanvasObject
	entries   []dtdict.Entry
	table     *textTable
	importBtn *widget.Button
	// empty says why the list is empty (no declaration yet, no register).
	empty *widget.Label
	// answer is the answer screen shown; nil on the register.
	answer *answerScreen
	// readOnlyNote says why she may not import nor answer (an élu).
	readOnlyNote *widget.Label
	// listed is true once the register was read (tests wait for it).
	listed bool
	// lastImport is the last import's confirmation (tests tap it).
	lastImport *importForm
}

// showDTDICT opens the register (Outils › DT-DICT…).
func (m *mainWindow) showDTDICT() {
	if m.view == nil {
		return
	}
	m.dtdictDesk().show()
}

// dtdictDesk returns the window's DT-DICT desk, made the first time.
func (m *mainWindow) dtdictDesk() *dtdictDesk {
	if m.dtdict == nil || m.dtdict.m.sess != m.sess {
		m.dtdict = &dtdictDesk{m: m}
		m.dtdict.build()
	}
	return m.dtdict
}

// now is the clock the register judges due dates by.
func (d *dtdictDesk) now() time.Time {
	if d.m.view != nil {
		return d.m.view.now()
	}
	return time.Now()
}

func (d *dtdictDesk) build() {
	title := widget.NewLabelWithStyle(lang.L("DT-DICT declarations received"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	hint := widget.NewLabel(lang.L("The declarations of works received from the one-stop shop, the most urgent first. Click one to see what lies in its zone and to answer it."))
	hint.Wrapping = fyne.TextWrapWord
	d.importBtn = widget.NewButtonWithIcon(lang.L("Import a declaration…"), theme.ContentAddIcon(), d.chooseFile)
	d.importBtn.Importance = widget.HighImportance
	d.readOnlyNote = widget.NewLabel("")
	d.readOnlyNote.Importance = widget.WarningImportance
	d.readOnlyNote.Wrapping = fyne.TextWrapWord
	d.readOnlyNote.Hide()
	d.empty = widget.NewLabel("")
	d.empty.Wrapping = fyne.TextWrapWord
	d.empty.Alignment = fyne.TextAlignCenter
	headers := []string{lang.L("Number"), lang.L("Kind"), lang.L("Commune"), lang.L("Declarant"),
		lang.L("Received"), lang.L("Due"), lang.L("Status"), lang.L("Our networks")}
	// What she needs always shows: number, commune, due date, status; on a
	// narrow screen the reception date, the verdict, the declarant and the
	// kind give way in that order; the declarant takes the spare width.
	cols := textColumns{
		widths:  []float32{150, 80, 190, 190, 105, 135, 150, 125},
		giveWay: []int{4, 7, 3, 1},
		stretch: 3,
	}
	d.table = newTextTable(headers, cols, func() int { return len(d.entries) }, d.cell, func(row int) { d.openEntry(d.entries[row]) })
	top := container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), d.importBtn), container.NewVBox(title, hint, d.readOnlyNote))
	d.register = container.NewBorder(top, nil, nil, nil, container.NewStack(d.table.view, container.NewVBox(layout.NewSpacer(), d.empty, layout.NewSpacer())))
	d.body = container.NewStack(d.register)
	d.dialog = dialog.NewCustom(lang.L("DT-DICT"), lang.L("Close"), d.body, d.m.window)
}

// show opens the desk on the register, read again, as large as the
// window lets it be.
func (d *dtdictDesk) show() {
	if ro, why := d.readOnly(); ro {
		d.importBtn.Disable()
		d.readOnlyNote.SetText(why)
		d.readOnlyNote.Show()
	} else {
		d.importBtn.Enable()
		d.readOnlyNote.Hide()
	}
	d.backToRegister()
	win := d.m.window.Canvas().Size()
	d.dialog.Resize(fyne.NewSize(min(dtDialogSize.Width, win.Width-16), min(dtDialogSize.Height, win.Height-16)))
	d.dialog.Show()
}

// readOnly reports whether the platform lets the user only read the
// register (an élu), and why in the user's words.
func (d *dtdictDesk) readOnly() (bool, string) {
	a, ok := d.m.sess.access[dtdict.RegisterLayer]
	if !ok || a.Create || a.Update {
		return false, ""
	}
	why := a.Reason
	if why == "" {
		why = lang.L("You may read the DT-DICT register, not record or answer declarations.")
	}
	return true, why
}

// backToRegister leaves the answer screen for the register, read again.
func (d *dtdictDesk) backToRegister() {
	d.answer = nil
	d.body.Objects = []fyne.CanvasObject{d.register}
	d.body.Refresh()
	d.reload()
}

// reload reads the register off the UI goroutine and shows it.
func (d *dtdictDesk) reload() {
	ws := d.m.sess.ws
	go func() {
		entries, err := dtdict.Entries(context.Background(), ws)
		d.m.do(func() { d.showEntries(entries, err) })
	}()
}

// showEntries shows the register's entries, or why there are none.
func (d *dtdictDesk) showEntries(entries []dtdict.Entry, err error) {
	d.entries, d.listed = entries, true
	switch {
	case err != nil:
		d.empty.SetText(dtdictError(err))
	case len(entries) == 0:
		d.empty.SetText(lang.L("No declaration received yet. Import the XML file the one-stop shop sent by e-mail: «Import a declaration…», or drop the file on Terrimap's window."))
	}
	if len(entries) == 0 {
		d.empty.Show()
		d.table.table.Hide()
		return
	}
	d.empty.Hide()
	d.table.table.Show()
	d.table.table.Refresh()
}

// cell is what the register shows of an entry: the due date in orange
// when it is within two days, the row in red with «Hors délai» once it
// has passed unanswered.
func (d *dtdictDesk) cell(row, col int) tableCell {
	e := d.entries[row]
	now := d.now()
	status := e.Status(now)
	var c tableCell
	switch {
	case status == dtdict.StatusOverdue:
		c.tint = tintOverdue
	case e.DueWithin(now, dtSoon):
		c.tint = tintSoon
	}
	switch col {
	case 0:
		c.text = e.Number
	case 1:
		c.text = string(e.Kind)
	case 2:
		c.text = orDash(e.Commune)
	case 3:
		c.text = orDash(e.Declarant)
	case 4:
		c.text = dayText(e.Received)
	case 5:
		c.text = dueText(e)
		if c.tint != nil {
			c.bold, c.importance = true, dueImportance(e, status)
		}
	case 6:
		c.text, c.importance = statusText(status), statusImportance(status)
		c.bold = status == dtdict.StatusOverdue
	case 7:
		c.text = concernedText(e)
	}
	return c
}

// dayText is a date as the register writes it, a dash for none.
func dayText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(formDateLayout)
}

// dueText is an entry's due date; an ATU is answered at once.
func dueText(e dtdict.Entry) string {
	if e.Due.IsZero() && e.Kind == dtdict.KindATU {
		return lang.L("at once")
	}
	return dayText(e.Due)
}

// dueImportance colours a due date near or past: orange, red past, and
// red for an urgent works notice (ATU) not answered yet: it is due at once.
func dueImportance(e dtdict.Entry, s dtdict.Status) widget.Importance {
	if s == dtdict.StatusOverdue || e.Kind == dtdict.KindATU {
		return widget.DangerImportance
	}
	return widget.WarningImportance
}

// statusText names a status in the user's language.
func statusText(s dtdict.Status) string {
	switch s {
	case dtdict.StatusPending:
		return lang.L("To answer")
	case dtdict.StatusOverdue:
		return lang.L("Overdue")
	case dtdict.StatusAnswered:
		return lang.L("Answered")
	case dtdict.StatusLate:
		return lang.L("Answered late")
	}
	return string(s)
}

// statusImportance colours a status: red overdue, green answered.
func statusImportance(s dtdict.Status) widget.Importance {
	switch s {
	case dtdict.StatusOverdue:
		return widget.DangerImportance
	case dtdict.StatusAnswered:
		return widget.SuccessImportance
	case dtdict.StatusLate:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// concernedText says whether our networks are in the zone, once analysed.
func concernedText(e dtdict.Entry) string {
	switch {
	case !e.Analysed:
		return "—"
	case e.Concerned:
		return lang.L("Concerned")
	}
	return lang.L("Not concerned")
}

// openEntry shows the answer screen of an entry.
func (d *dtdictDesk) openEntry(e dtdict.Entry) {
	d.answer = newAnswerScreen(d, e)
	back := widget.NewButtonWithIcon(lang.L("Back to the register"), theme.NavigateBackIcon(), d.backToRegister)
	d.body.Objects = []fyne.CanvasObject{d.answer.build(back)}
	d.body.Refresh()
	d.answer.load()
}

// changed is called once the register changed here (an import, an
// answer): the list and the status bar's warning are read again.
func (d *dtdictDesk) changed() {
	if d.answer == nil {
		d.reload()
	}
	if d.m.view != nil && d.m.view.due != nil {
		d.m.view.due.refresh()
	}
}
