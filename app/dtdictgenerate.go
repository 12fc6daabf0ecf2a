package app

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
	"terrimap/internal/fileout"
)

// prefSignatory remembers who signed the last récépissé on this desk.
const prefSignatory = "dtdict.signatory"

// answerForm asks what the récépissé needs besides the analysis: who
// signs, whether works are planned on our networks there, and the folder
// the answer goes in.
type answerForm struct {
	dialog    *dialog.FormDialog
	signatory *widget.Entry
	planned   *widget.Check
	folder    *widget.Label
	choose    *widget.Button
	dir       string
}

// askAnswer asks the signatory (the last one, else the signed-in user),
// whether works are planned, and the folder; then writes the answer.
func (s *answerScreen) askAnswer() {
	if s.decl == nil || s.busy {
		return
	}
	prefs := s.d.m.app.Preferences()
	f := &answerForm{signatory: widget.NewEntry(), dir: saveFolder(prefs)}
	f.signatory.SetText(prefs.StringWithFallback(prefSignatory, s.user))
	f.signatory.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(lang.L("Type who signs the récépissé."))
		}
		return nil
	}
	f.planned = widget.NewCheck(lang.L("Works on our networks are planned in this zone within three months"), nil)
	f.folder = widget.NewLabel(f.dir)
	f.folder.Truncation = fyne.TextTruncateEllipsis
	f.choose = widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			f.dir = u.Path()
			f.folder.SetText(f.dir)
		}, s.d.m.window)
		if l, err := storage.ListerForURI(storage.NewFileURI(f.dir)); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	})
	items := []*widget.FormItem{
		formItemWithHint(lang.L("Signatory"), f.signatory, lang.L("Name and office, as the récépissé prints them: «Jeanne Martin, secrétaire de mairie».")),
		widget.NewFormItem("", f.planned),
		formItemWithHint(lang.L("Folder"), container.NewBorder(nil, nil, nil, f.choose, f.folder),
			lang.L("The récépissé and the plans go in a folder of the declaration's number, in this one.")),
	}
	f.dialog = dialog.NewForm(lang.L("Generate the answer"), lang.L("Generate"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		signatory := strings.TrimSpace(f.signatory.Text)
		prefs.SetString(prefSignatory, signatory)
		prefs.SetString(prefSaveFolder, f.dir)
		s.generateInto(filepath.Join(f.dir, dtdict.AnswerFolder(s.decl)), signatory, f.planned.Checked)
	}, s.d.m.window)
	f.dialog.Resize(fyne.NewSize(640, 0))
	f.dialog.Show()
	s.form = f
}

// generateInto writes the answer into dir (made if need be) off the UI
// goroutine, a progress bar showing meanwhile; then says what was
// written and offers to open the folder.
func (s *answerScreen) generateInto(dir, signatory string, worksPlanned bool) {
	m := s.d.m
	sess := m.sess
	busy := dialog.NewCustomWithoutButtons(lang.L("Generate the answer"),
		container.NewVBox(widget.NewLabel(lang.L("Writing the récépissé and the plans…")), widget.NewProgressBarInfinite()), m.window)
	busy.Show()
	s.busy = true
	s.generate.Disable()
	decl, xml, received, today := s.decl, s.xml, s.entry.Received, s.d.now()
	go func() {
		var out *dtdict.Answered
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			out, err = dtdict.Answer(context.Background(), sess.ws, sess.renderer, decl, xml, dtdict.AnswerOptions{
				Dir: dir, Received: received, Answered: today, Signatory: signatory, WorksPlanned: worksPlanned})
		}
		m.do(func() {
			busy.Hide()
			s.busy = false
			s.generate.Enable()
			s.answered(dir, out, err)
		})
	}()
}

// answered shows the outcome of an answer: the files written, the entry
// «répondu», what could not be given as asked.
func (s *answerScreen) answered(dir string, out *dtdict.Answered, err error) {
	m := s.d.m
	if out == nil || len(out.Files) == 0 {
		m.status = dtdictError(err)
		m.refresh()
		showError(m.window, m.status)
		return
	}
	s.folder = dir
	s.openDir.Show()
	if out.Entry.Number != "" {
		s.entry = out.Entry
	}
	if out.Analysis != nil {
		s.analysis = out.Analysis
		s.showVerdict(nil)
	}
	s.showDue()
	s.showFiles()
	m.status = lang.L("Answer to {{.Kind}} n° {{.Number}} written in {{.Dir}}.", map[string]any{"Kind": string(s.decl.Kind), "Number": s.decl.Number, "Dir": dir})
	m.refresh()
	s.d.changed()
	msg := lang.L("The answer is written in {{.Dir}}:{{.Files}}", map[string]any{"Dir": dir, "Files": describeFiles(out.Files)}) +
		"\n\n" + sendToText(s.decl)
	if err != nil {
		// The files are written; the register could not say so.
		msg += "\n\n" + lang.L("The register could not record the answer: {{.Why}}", map[string]any{"Why": dtdictError(err)})
	}
	for _, n := range out.Notes {
		msg += "\n\n" + n
	}
	s.result = showFileWritten(m.app, m.window, lang.L("Generate the answer"), msg, out.Files[0])
}

// sendToText says to whom the answer's files go: the e-mail of the
// declarant (and of the exécutant of a joint DT-DICT) with their names,
// read from the declaration, so she need not look them up.
func sendToText(d *dtdict.Declaration) string {
	var to []string
	for i, p := range dtdict.Recipients(d) {
		email := strings.TrimSpace(p.Email)
		if email == "" {
			continue
		}
		who := p.Name
		if i > 0 { // not the declarant: say who he is
			who = strings.TrimPrefix(who+", "+p.RoleTitle(), ", ")
		}
		if who != "" {
			email += " (" + who + ")"
		}
		to = append(to, email)
	}
	if len(to) == 0 {
		return lang.L("Send these files to the declarant by e-mail.")
	}
	return lang.L("Send these files by e-mail to: {{.Recipients}}.", map[string]any{"Recipients": strings.Join(to, ", ")})
}

// describeFiles lists the files written, one a line: the PDFs (the
// récépissé, the plans) by name, the vector plans' many files by count
// and kinds.
func describeFiles(paths []string) string {
	var b strings.Builder
	var exts []string
	vector := 0
	for _, p := range paths {
		ext := strings.ToLower(filepath.Ext(p))
		if ext == ".pdf" {
			b.WriteString("\n• " + filepath.Base(p))
			continue
		}
		vector++
		if !slices.Contains(exts, ext) {
			exts = append(exts, ext)
		}
	}
	switch {
	case vector == 1:
		b.WriteString("\n• " + lang.L("the vector plans: 1 file ({{.Kinds}})", map[string]any{"Kinds": strings.Join(exts, ", ")}))
	case vector > 1:
		b.WriteString("\n• " + lang.L("the vector plans: {{.N}} files ({{.Kinds}})", map[string]any{"N": vector, "Kinds": strings.Join(exts, ", ")}))
	}
	return b.String()
}

// openFile opens a file of an answer kept in the register: it is written
// into a folder of the computer's temporary files, then opened with the
// computer's own program.
func (s *answerScreen) openFile(f dtdict.File) {
	m := s.d.m
	ws := m.sess.ws
	go func() {
		path := filepath.Join(os.TempDir(), "terrimap-dtdict", filepath.Base(f.Name))
		data, err := dtdict.ReadFile(context.Background(), ws, f)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(path), 0o755)
		}
		if err == nil {
			err = fileout.Write(path, func(w io.Writer) error { _, err := w.Write(data); return err })
		}
		m.do(func() {
			if err != nil {
				showError(m.window, dtdictError(err))
				return
			}
			openPath(m.app, m.window, path)
		})
	}()
}
