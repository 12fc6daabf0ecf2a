package app

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
	"terrimap/report"
	"terrimap/sync/client"
)

// answerScreen is a declaration's answer screen: the zone on the map with
// our networks found there coloured by location class, the table of those
// tronçons, the declarant, the works, the due date (red when near or
// past), whether we are concerned and why not, «Générer la réponse…», and
// the files of the answers already given.
type answerScreen struct {
	d     *dtdictDesk
	entry dtdict.Entry
	// decl and xml are the declaration and its file; analysis is what lies
	// in its zone (nil when it could not be made: why is in verdict).
	decl     *dtdict.Declaration
	xml      []byte
	analysis *dtdict.Analysis
	// user is who is signed in on this desk: the default signatory.
	user string

	title   *widget.Label
	loading *widget.ProgressBarInfinite
	mapArea *fyne.Container
	// mapSize is the map's size, smaller on a short screen.
	mapSize   fyne.Size
	due       *widget.Label
	verdict   *widget.Label
	declarant *widget.Label
	works     *widget.Label
	itemsHead *widget.Label
	itemsArea *fyne.Container
	generate  *widget.Button
	openDir   *widget.Button
	files     *fyne.Container
	// folder is where this screen last wrote an answer; "" before.
	folder string
	// picture is the map drawn.
	picture *zonePicture
	// loaded is true once the declaration is shown (tests wait for it).
	loaded bool
	// busy is true while an answer is being written.
	busy bool
	// form is the last «Générer la réponse» form, result the last
	// message of an answer written (tests reach their buttons).
	form   *answerForm
	result *fileWrittenDialog
}

func newAnswerScreen(d *dtdictDesk, e dtdict.Entry) *answerScreen {
	return &answerScreen{d: d, entry: e}
}

// build makes the screen's widgets, empty until load has read the
// declaration; back goes back to the register.
func (s *answerScreen) build(back fyne.CanvasObject) fyne.CanvasObject {
	s.title = widget.NewLabelWithStyle(entryTitle(s.entry), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.loading = widget.NewProgressBarInfinite()
	s.mapSize = dtMapSizeFor(s.d.m.window.Canvas().Size().Height)
	s.mapArea = container.NewStack(container.NewGridWrap(s.mapSize, container.NewCenter(
		container.NewVBox(widget.NewLabel(lang.L("Looking for our networks in the zone…")), s.loading))))
	label := func(bold bool) *widget.Label {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.due, s.verdict, s.declarant, s.works = label(true), label(true), label(false), label(false)
	s.showDue()
	s.generate = widget.NewButtonWithIcon(lang.L("Generate the answer…"), theme.DocumentCreateIcon(), s.askAnswer)
	s.generate.Importance = widget.HighImportance
	s.generate.Disable() // until the declaration is read
	s.openDir = widget.NewButtonWithIcon(lang.L("Open the folder"), theme.FolderOpenIcon(), func() { openPath(s.d.m.app, s.d.m.window, s.folder) })
	s.openDir.Hide()
	s.files = container.NewVBox()
	s.showFiles()
	heading := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	side := container.NewVBox(s.due, s.verdict,
		container.NewHBox(s.generate, s.openDir),
		widget.NewSeparator(),
		heading(lang.L("Declarant")), s.declarant,
		heading(lang.L("Works")), s.works,
		widget.NewSeparator(),
		heading(lang.L("Answers already given")), s.files)
	s.itemsHead = heading(lang.L("Our networks found in the zone"))
	s.itemsArea = container.NewStack()
	top := container.NewBorder(container.NewHBox(back, s.title), nil, container.NewVBox(s.mapArea), nil, container.NewVScroll(side))
	bottom := container.NewBorder(s.itemsHead, nil, nil, nil, s.itemsArea)
	split := container.NewVSplit(top, bottom)
	split.Offset = 0 // the map whole, the rest to the table
	return split
}

// entryTitle names a declaration: «DICT n° 2026061500123 — Tournus».
func entryTitle(e dtdict.Entry) string {
	t := lang.L("{{.Kind}} n° {{.Number}}", map[string]any{"Kind": string(e.Kind), "Number": e.Number})
	if e.Commune != "" {
		t += " — " + e.Commune
	}
	return t
}

// answerLoad is what load reads off the UI goroutine.
type answerLoad struct {
	decl     *dtdict.Declaration
	xml      []byte
	analysis *dtdict.Analysis
	pic      *zonePicture
	user     string
	// err stops the screen (the declaration cannot be read); analysisErr
	// only the analysis.
	err, analysisErr error
}

// errNoDeclarationFile: an entry of the register without its XML.
var errNoDeclarationFile = errors.New("app: the register's entry has no declaration file")

// load reads the declaration (the file kept with the entry, unless the
// import just read it), analyses it and draws its map off the UI
// goroutine, then shows them.
func (s *answerScreen) load() {
	sess := s.d.m.sess
	entry, decl, xml, size := s.entry, s.decl, s.xml, s.mapSize
	go func() {
		ctx := context.Background()
		var l answerLoad
		l.decl, l.xml = decl, xml
		if l.decl == nil {
			l.decl, l.xml, l.err = readEntryDeclaration(ctx, sess, entry)
		}
		if l.err == nil {
			l.analysis, l.analysisErr = dtdict.Analyse(ctx, sess.ws, l.decl, dtdict.AnalysisOptions{})
			var items []report.Item
			var networks []string
			if l.analysis != nil {
				items = l.analysis.Items
				for _, o := range l.analysis.Ours {
					networks = append(networks, o.Layers...)
				}
			}
			l.pic = drawZonePicture(ctx, sess.renderer, size, networks, l.decl.Zone, items)
			info, _ := client.Platform(ctx, sess.ws)
			l.user = info.User
		}
		s.d.m.do(func() { s.show(l) })
	}()
}

// readEntryDeclaration reads the declaration kept with an entry (its
// first file).
func readEntryDeclaration(ctx context.Context, sess *session, e dtdict.Entry) (*dtdict.Declaration, []byte, error) {
	if len(e.Files) == 0 {
		return nil, nil, errNoDeclarationFile
	}
	data, err := dtdict.ReadFile(ctx, sess.ws, e.Files[0])
	if err != nil {
		return nil, nil, err
	}
	decl, err := dtdict.Read(bytes.NewReader(data))
	return decl, data, err
}

// show puts what load read on the screen.
func (s *answerScreen) show(l answerLoad) {
	s.loading.Stop()
	s.loaded = true
	if l.err != nil {
		msg := dtdictError(l.err)
		if errors.Is(l.err, errNoDeclarationFile) {
			msg = lang.L("The register does not hold this declaration's file: import the XML file again.")
		}
		s.verdict.Importance = widget.DangerImportance
		s.verdict.SetText(msg)
		s.mapArea.Objects = nil
		s.mapArea.Refresh()
		return
	}
	s.decl, s.xml, s.analysis, s.user, s.picture = l.decl, l.xml, l.analysis, l.user, l.pic
	if l.pic != nil {
		s.mapArea.Objects = []fyne.CanvasObject{l.pic.object()}
	} else {
		s.mapArea.Objects = []fyne.CanvasObject{container.NewGridWrap(s.mapSize, container.NewCenter(widget.NewLabel(lang.L("The declaration gives no works zone."))))}
	}
	s.mapArea.Refresh()
	s.declarant.SetText(partyText(l.decl.Declarant))
	s.works.SetText(worksText(l.decl))
	s.showVerdict(l.analysisErr)
	var items []report.Item
	if s.analysis != nil {
		items = s.analysis.Items
	}
	s.itemsHead.SetText(lang.L("Our networks found in the zone: {{.N}}", map[string]any{"N": len(items)}))
	if len(items) > 0 {
		s.itemsArea.Objects = []fyne.CanvasObject{newItemsTable(items).view}
	} else {
		s.itemsArea.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("None of our networks lies in the zone or within its margins."))}
	}
	s.itemsArea.Refresh()
	if ro, _ := s.d.readOnly(); !ro {
		s.generate.Enable()
	}
}

// showVerdict says whether our networks are concerned, and why not.
func (s *answerScreen) showVerdict(err error) {
	a := s.analysis
	switch {
	case err != nil || a == nil:
		s.verdict.Importance = widget.DangerImportance
		msg := lang.L("The zone could not be analysed.")
		if err != nil {
			msg = dtdictError(err)
		}
		s.verdict.SetText(msg)
	case a.Concerned:
		investigate := 0
		if a.Selection != nil { // Analyse gives it when concerned
			investigate = a.Selection.Investigate()
		}
		s.verdict.Importance = widget.WarningImportance
		s.verdict.SetText(lang.L("Concerned: {{.N}} features of our networks may lie in the zone, {{.C}} of them to be located on site (class C or unknown). The answer sends the récépissé and the plans.",
			map[string]any{"N": len(a.Items), "C": investigate}))
	default:
		s.verdict.Importance = widget.SuccessImportance
		s.verdict.SetText(lang.L("Not concerned: {{.Why}}", map[string]any{"Why": a.Reason}))
	}
}

// showDue says by when the answer is due, in red when it is within two
// days or past; once answered, when and by whom.
func (s *answerScreen) showDue() {
	e := s.entry
	now := s.d.now()
	status := e.Status(now)
	s.due.Importance = widget.MediumImportance
	switch {
	case status == dtdict.StatusAnswered || status == dtdict.StatusLate:
		s.due.Importance = widget.SuccessImportance
		key := lang.L("Answered on {{.Day}} by {{.By}}.", map[string]any{"Day": dayText(e.Answered), "By": orDash(e.AnsweredBy)})
		if status == dtdict.StatusLate {
			s.due.Importance = widget.WarningImportance
			key = lang.L("Answered late on {{.Day}} by {{.By}} (it was due on {{.Due}}).", map[string]any{"Day": dayText(e.Answered), "By": orDash(e.AnsweredBy), "Due": dayText(e.Due)})
		}
		s.due.SetText(key)
		return
	case e.Due.IsZero():
		s.due.Importance = widget.DangerImportance
		s.due.SetText(lang.L("To answer at once: an urgent works notice (ATU) has no delay."))
		return
	}
	days := dtdict.DaysLeft(e.Due, now)
	day := dayText(e.Due)
	if e.DueWithin(now, dtSoon) {
		s.due.Importance = widget.DangerImportance
	}
	switch {
	case days < -1:
		s.due.SetText(lang.L("Due on {{.Day}}: {{.N}} days late.", map[string]any{"Day": day, "N": -days}))
	case days == -1:
		s.due.SetText(lang.L("Due on {{.Day}}: one day late.", map[string]any{"Day": day}))
	case days == 0:
		s.due.SetText(lang.L("Due today, {{.Day}}.", map[string]any{"Day": day}))
	case days == 1:
		s.due.SetText(lang.L("Due tomorrow, {{.Day}}.", map[string]any{"Day": day}))
	default:
		s.due.SetText(lang.L("Due on {{.Day}}, in {{.N}} days.", map[string]any{"Day": day, "N": days}))
	}
}

// partyText writes a declarant on a few lines: name, contact, address,
// phone and e-mail.
func partyText(p dtdict.Party) string {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	add(p.Name)
	if p.Contact != p.Name {
		add(p.Contact)
	}
	add(p.Address)
	add(strings.Join(nonEmpty(p.Phone, p.Email), " · "))
	return orDash(strings.Join(lines, "\n"))
}

// worksText describes the works: what, where, when, how long, and the
// trenchless techniques.
func worksText(d *dtdict.Declaration) string {
	var lines []string
	if d.Works.Description != "" {
		lines = append(lines, d.Works.Description)
	}
	if d.Place.Address != "" {
		lines = append(lines, d.Place.Address)
	}
	switch {
	case !d.Works.Start.IsZero() && d.Works.DurationDays > 0:
		lines = append(lines, lang.L("From {{.Day}}, for {{.N}} days.", map[string]any{"Day": dayText(d.Works.Start), "N": d.Works.DurationDays}))
	case !d.Works.Start.IsZero():
		lines = append(lines, lang.L("From {{.Day}}.", map[string]any{"Day": dayText(d.Works.Start)}))
	}
	if len(d.Works.Natures) > 0 {
		lines = append(lines, lang.L("Nature: {{.List}}", map[string]any{"List": strings.Join(d.Works.Natures, ", ")}))
	}
	switch {
	case len(d.Works.Trenchless) > 0:
		lines = append(lines, lang.L("Trenchless techniques: {{.List}}", map[string]any{"List": strings.Join(d.Works.Trenchless, ", ")}))
	case d.Works.TrenchlessUsed:
		lines = append(lines, lang.L("Trenchless techniques are used."))
	}
	return orDash(strings.Join(lines, "\n"))
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// showFiles lists the answers' files kept in the register (all but the
// declaration itself, kept first), each with a button opening it.
func (s *answerScreen) showFiles() {
	s.files.Objects = nil
	if len(s.entry.Files) <= 1 {
		s.files.Add(widget.NewLabel(lang.L("None yet.")))
	}
	for i := 1; i < len(s.entry.Files); i++ {
		f := s.entry.Files[i]
		open := widget.NewButtonWithIcon("", theme.FileIcon(), func() { s.openFile(f) })
		open.Importance = widget.LowImportance
		name := widget.NewLabel(f.Name)
		name.Truncation = fyne.TextTruncateEllipsis
		s.files.Add(container.NewBorder(nil, nil, open, nil, name))
	}
	s.files.Refresh()
}
