package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
)

// declarationExtension is the extension of the one-stop shop's files.
const declarationExtension = ".xml"

// chooseFile asks for a declaration's XML file, then imports it.
func (d *dtdictDesk) chooseFile() {
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(d.m.window, lang.L("Cannot open the chosen file: {{.Error}}", map[string]any{"Error": err.Error()}))
			return
		}
		if r == nil { // cancelled
			return
		}
		uri := r.URI()
		_ = r.Close() // read again off the UI goroutine
		d.importURI(uri)
	}, d.m.window)
	open.SetFilter(storage.NewExtensionFileFilter([]string{declarationExtension}))
	if dir := documentsFolder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			open.SetLocation(l)
		}
	}
	open.Show()
}

// importURI reads a declaration file off the UI goroutine, then asks the
// day it was received; a file the reader refuses is said so, and nothing
// is imported.
func (d *dtdictDesk) importURI(uri fyne.URI) {
	d.m.status = lang.L("Reading {{.Name}}…", map[string]any{"Name": uri.Name()})
	d.m.refresh()
	go func() {
		decl, data, err := readDeclaration(uri)
		d.m.do(func() {
			if err != nil {
				d.failed(err)
				return
			}
			d.m.status = ""
			d.m.refresh()
			d.confirmImport(decl, data)
		})
	}()
}

// readDeclaration reads and decodes the file at uri: its bytes are kept
// with the register's entry.
func readDeclaration(uri fyne.URI) (*dtdict.Declaration, []byte, error) {
	r, err := storage.Reader(uri)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	return dtdict.ReadWithData(r)
}

// importForm is the confirmation of an import: what was read, and the day
// the declaration was received (today unless she says otherwise), which
// its due date counts from.
type importForm struct {
	dialog   *dialog.FormDialog
	received *dateField
}

// confirmImport shows what the file declares and asks the day it was
// received, then records it in the register.
func (d *dtdictDesk) confirmImport(decl *dtdict.Declaration, data []byte) *importForm {
	f := &importForm{received: newDateField()}
	now := d.now()
	latest := dtdict.LatestReception(decl.Declared, now)
	f.received.setDate(&latest)
	f.received.entry.Validator = receivedValidator(decl.Declared, now)
	summary := widget.NewLabel(declarationSummary(decl))
	summary.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", summary),
		formItemWithHint(lang.L("Received on"), f.received.entry,
			lang.L("The day the e-mail arrived: the due date counts from it.")),
	}
	f.dialog = dialog.NewForm(lang.L("Import a declaration"), lang.L("Record in the register"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		received, _ := parseTypedDay(f.received.entry.Text)
		d.record(decl, data, received)
	}, d.m.window)
	f.dialog.Resize(fyne.NewSize(620, 0))
	f.dialog.Show()
	d.lastImport = f
	return f
}

// receivedValidator accepts the day a declaration made on declared
// (unknown when zero) was received, now being now: a date that
// dtdict.CheckReception accepts.
func receivedValidator(declared, now time.Time) fyne.StringValidator {
	return func(s string) error {
		day, err := parseTypedDay(s)
		if err != nil {
			return errors.New(lang.L("Type the date as dd/mm/yyyy."))
		}
		switch err := dtdict.CheckReception(day, declared, now); {
		case errors.Is(err, dtdict.ErrReceivedLater):
			return errors.New(lang.L("This day is still to come."))
		case errors.Is(err, dtdict.ErrReceivedBeforeDeclared):
			return errors.New(lang.L("The declaration was only made on {{.Day}}.", map[string]any{"Day": dayText(declared)}))
		}
		return nil
	}
}

// parseTypedDay reads a date typed as dd/mm/yyyy, at midnight local time.
func parseTypedDay(s string) (time.Time, error) {
	return time.ParseInLocation(formDateLayout, strings.TrimSpace(s), time.Local)
}

// declarationSummary says in one sentence what a declaration is: «DICT
// n° 2026061500123 de Terrassements Bourguignons, travaux à Tournus».
func declarationSummary(decl *dtdict.Declaration) string {
	where := decl.Place.Commune
	if where == "" {
		where = decl.Place.INSEE
	}
	return lang.L("{{.Kind}} n° {{.Number}} from {{.Declarant}}, works in {{.Commune}}: {{.Works}}", map[string]any{
		"Kind": string(decl.Kind), "Number": decl.Number, "Declarant": orDash(decl.Declarant.Name),
		"Commune": orDash(where), "Works": orDash(decl.Works.Description)})
}

// record writes the declaration in the register off the UI goroutine and
// analyses it (whether our networks are concerned goes in the register),
// then opens its answer screen.
func (d *dtdictDesk) record(decl *dtdict.Declaration, data []byte, received time.Time) {
	ws := d.m.sess.ws
	go func() {
		ctx := context.Background()
		entry, _, err := dtdict.Import(ctx, ws, decl, data, received, true, dtdict.AnalysisOptions{})
		if entry.Number != "" {
			// Recorded: an analysis that cannot be made is said on the
			// answer screen.
			err = nil
		}
		d.m.do(func() {
			if err != nil {
				d.failed(err)
				return
			}
			data := map[string]any{"Kind": string(entry.Kind), "Number": entry.Number, "Due": dayText(entry.Due)}
			if entry.Due.IsZero() {
				d.m.status = lang.L("{{.Kind}} n° {{.Number}} recorded in the register: to answer at once.", data)
			} else {
				d.m.status = lang.L("{{.Kind}} n° {{.Number}} recorded in the register: to answer by {{.Due}}.", data)
			}
			d.m.refresh()
			d.changed()
			d.dialog.Show()
			d.openEntry(entry)
		})
	}()
}

// failed says on the status line and in a dialog why a declaration could
// not be read or recorded.
func (d *dtdictDesk) failed(err error) {
	d.m.status = dtdictError(err)
	d.m.refresh()
	showError(d.m.window, d.m.status)
}

// dropped takes what is dropped on the main window: a declaration (.xml)
// is imported into the register, a workspace (.gpkg) opened; anything
// else is said to be of no use here.
func (m *mainWindow) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, u := range uris {
		switch strings.ToLower(u.Extension()) {
		case declarationExtension:
			if m.view == nil {
				showError(m.window, lang.L("Open a workspace first: the declaration goes in its DT-DICT register."))
				return
			}
			desk := m.dtdictDesk()
			desk.show()
			desk.importURI(u)
		case workspaceExtension:
			m.openWorkspace(u.Path())
			m.refresh()
		default:
			m.status = lang.L("Terrimap does not open {{.Name}}: drop a DT-DICT declaration (.xml) or a workspace (.gpkg).", map[string]any{"Name": u.Name()})
			m.refresh()
		}
	}
}
