package app

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// dtdictRegister opens Outils › DT-DICT and waits for the register's list
// (the e2e step «dtdict-register»).
func (d *e2eDriver) dtdictRegister() e2eCheck {
	m := d.m
	m.showDTDICT()
	desk := m.dtdict
	desk.listed = false
	return func() (string, bool, error) {
		if !desk.listed {
			return "reading the register", false, nil
		}
		if desk.empty.Visible() {
			return desk.empty.Text, true, nil
		}
		first := desk.entries[0]
		return fmt.Sprintf("%d declarations, first %s n° %s due %s, %s", len(desk.entries), first.Kind, first.Number,
			dueText(first), statusText(first.Status(desk.now()))), true, nil
	}
}

// dtdictImport drops a declaration's file on the window, confirms the
// day of reception offered (today) and waits for its answer screen, the
// zone analysed (the e2e step «dtdict-import FILE»).
func (d *e2eDriver) dtdictImport(path string) (e2eCheck, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errE2EStep, err)
	}
	m := d.m
	desk := m.dtdictDesk()
	desk.lastImport = nil
	m.status = ""
	m.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(abs)})
	reading := m.status // «Lecture de dt-tournus.xml…»
	confirmed := false
	return func() (string, bool, error) {
		switch {
		case !confirmed && desk.lastImport == nil:
			if m.status != reading { // the file was refused: the status says why
				return m.status, false, fmt.Errorf("%w: %s", errE2EStep, m.status)
			}
			return "reading the declaration", false, nil
		case !confirmed:
			desk.lastImport.dialog.Submit()
			confirmed = true
			return "recording it", false, nil
		case desk.answer == nil || !desk.answer.loaded:
			return "analysing its zone", false, nil
		}
		s := desk.answer
		return fmt.Sprintf("%s; %s; %s", m.status, s.due.Text, s.verdict.Text), true, nil
	}, nil
}

// dtdictAnswer generates the answer of the declaration shown into dir, as
// the signed-in user, no works planned (the e2e step «dtdict-answer DIR»),
// and waits for the message listing the files written.
func (d *e2eDriver) dtdictAnswer(dir string) (e2eCheck, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errE2EStep, err)
	}
	desk := d.m.dtdict
	if desk == nil || desk.answer == nil || !desk.answer.loaded || desk.answer.decl == nil {
		return nil, fmt.Errorf("%w: no declaration's answer screen is open", errE2EStep)
	}
	s := desk.answer
	s.result = nil
	s.askAnswer()
	s.form.dir = abs
	s.form.dialog.Submit()
	return func() (string, bool, error) {
		if s.result == nil {
			if !s.busy { // over, and failed: the status says why
				return d.m.status, false, fmt.Errorf("%w: %s", errE2EStep, d.m.status)
			}
			return "writing the answer", false, nil
		}
		return d.m.status, true, nil
	}, nil
}
