package app

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"terrimap/dtdict"
	"terrimap/internal/demows"
	"terrimap/report"
	"terrimap/sync/protocol"
)

// openDTDesk opens a copy of the demo's Tournus (its networks, the
// register and the networks declared at the one-stop shop) in a shell, in
// French, its clock at now, and returns the window and its UI queue.
func openDTDesk(t *testing.T, now time.Time) (*mainWindow, uiQueue) {
	t.Helper()
	useLocale(t, "fr_FR.UTF-8")
	w, m := newTestShell(t, Options{})
	w.Resize(fyne.NewSize(1366, 768))
	q := openInShell(t, m, demows.Copy(t, "tournus", demows.Tournus()))
	m.view.clock = func() time.Time { return now }
	return m, q
}

// fixture is the URI of a declaration of dtdict's testdata.
func fixture(t *testing.T, name string) fyne.URI {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", "dtdict", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(abs)
}

// entries reads the register.
func entries(t *testing.T, m *mainWindow) []dtdict.Entry {
	t.Helper()
	es, err := dtdict.Entries(context.Background(), m.sess.ws)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// importFixture imports a declaration as the dialog does — the file
// chosen, the reception day confirmed — and waits for its answer screen.
func importFixture(t *testing.T, m *mainWindow, q uiQueue, name string, received time.Time) *answerScreen {
	t.Helper()
	desk := m.dtdictDesk()
	desk.show()
	desk.lastImport = nil
	desk.importURI(fixture(t, name))
	q.runUntil(t, func() bool { return desk.lastImport != nil })
	desk.lastImport.received.setDate(&received)
	desk.lastImport.dialog.Submit()
	q.runUntil(t, func() bool { return desk.answer != nil && desk.answer.loaded })
	return desk.answer
}

// The secretary imports the DT received on 3 December through «Importer
// une déclaration…»: it goes in the register «à traiter», due 9 days
// later not counting holidays (14 December), and its answer screen shows
// the zone with our networks found, by class, and the table of them.
func TestDTDICTImportThroughTheDialog(t *testing.T) {
	received := time.Date(2026, 12, 3, 0, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, received)
	s := importFixture(t, m, q, "dt-tournus.xml", received)

	es := entries(t, m)
	if len(es) != 1 || es[0].Number != "2026120300412T01" || es[0].Kind != dtdict.KindDT {
		t.Fatalf("register after the import: %+v", es)
	}
	// Nine days from 4 December, no holiday among them.
	if want := time.Date(2026, 12, 12, 0, 0, 0, 0, time.Local); !es[0].Due.Equal(want) {
		t.Errorf("due %v, want %v", es[0].Due, want)
	}
	if !strings.Contains(m.statusLabel.Text, "2026120300412T01") || !strings.Contains(m.statusLabel.Text, "enregistrée au registre") {
		t.Errorf("status after the import: %q", m.statusLabel.Text)
	}
	if s.analysis == nil || !s.analysis.Concerned || len(s.analysis.Items) == 0 {
		t.Fatalf("analysis: %+v (verdict %q)", s.analysis, s.verdict.Text)
	}
	if !strings.HasPrefix(s.verdict.Text, "Concerné : ") {
		t.Errorf("verdict %q", s.verdict.Text)
	}
	if !strings.Contains(s.declarant.Text, "Saône VRD") || !strings.Contains(s.works.Text, "Réfection de la chaussée") {
		t.Errorf("declarant %q, works %q", s.declarant.Text, s.works.Text)
	}
	if !strings.HasPrefix(s.due.Text, "À rendre le ") || s.due.Importance == widget.DangerImportance {
		t.Errorf("due %q (importance %v) on the day of reception", s.due.Text, s.due.Importance)
	}
	// The map: the zone and every class found drawn in its colour.
	if s.picture == nil || s.picture.background == nil {
		t.Fatal("no map drawn")
	}
	want := map[color.NRGBA]bool{dtZoneColour: true}
	for _, it := range s.analysis.Items {
		want[report.ClassColour(it.Class)] = true
	}
	got := map[color.NRGBA]bool{}
	o := s.picture.overlay
	for y := o.Rect.Min.Y; y < o.Rect.Max.Y; y++ {
		for x := o.Rect.Min.X; x < o.Rect.Max.X; x++ {
			got[o.NRGBAAt(x, y)] = true
		}
	}
	for c := range want {
		if !got[c] {
			t.Errorf("nothing drawn in %v on the map", c)
		}
	}
	// The table: one row per item, the class in its colour.
	table := newItemsTable(s.analysis.Items)
	if rows, cols := table.table.Length(); rows != len(s.analysis.Items) || cols != 8 {
		t.Errorf("table %d×%d for %d items", rows, cols, len(s.analysis.Items))
	}
	for i, it := range s.analysis.Items {
		if c := table.cell(i, 6); c.importance != classImportance(it.Class) || c.text != classLabel(it.Class) {
			t.Errorf("row %d: class cell %+v for class %q", i, c, it.Class)
		}
	}
}

// A file that is not a declaration, or a declaration with an element
// missing, gets the reader's French message naming what is wrong, and
// the register stays as it was.
func TestDTDICTMalformedImportsNothing(t *testing.T) {
	m, q := openDTDesk(t, time.Date(2026, 12, 3, 10, 0, 0, 0, time.Local))
	desk := m.dtdictDesk()
	desk.show()
	q.runUntil(t, func() bool { return desk.listed })
	if !desk.empty.Visible() || !strings.HasPrefix(desk.empty.Text, "Aucune déclaration reçue") || desk.table.table.Visible() {
		t.Errorf("an empty register shows %q (table shown: %v)", desk.empty.Text, desk.table.table.Visible())
	}
	good, err := os.ReadFile(filepath.Join("..", "dtdict", "testdata", "dict-tournus.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"notes.xml", "<notes><note>rappeler le maire</note></notes>", "n’est pas une déclaration DT-DICT"},
		{"sans-insee.xml", strings.Replace(string(good), "codeINSEE", "codeInconnu", -1), "codeINSEE"},
		{"tronque.xml", string(good[:len(good)/2]), "illisible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			desk.lastImport = nil
			m.status = ""
			desk.importURI(storage.NewFileURI(path))
			q.runUntil(t, func() bool { return m.status != "" && !strings.HasPrefix(m.status, "Lecture de") })
			if !strings.Contains(m.status, tc.want) {
				t.Errorf("message %q, want it to say %q", m.status, tc.want)
			}
			if desk.lastImport != nil {
				t.Error("a refused file was offered for import")
			}
			if n := len(entries(t, m)); n != 0 {
				t.Errorf("%d entries in the register after a refused file", n)
			}
		})
	}
}

// Dropping the DICT's file on the window imports it (the confirmation
// opens); a file of another kind is said to be of no use here.
func TestDTDICTDropOnTheWindow(t *testing.T) {
	received := time.Date(2026, 12, 8, 0, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, received)
	desk := m.dtdictDesk()
	m.dropped(fyne.NewPos(300, 300), []fyne.URI{fixture(t, "dict-tournus.xml")})
	q.runUntil(t, func() bool { return desk.lastImport != nil })
	desk.lastImport.dialog.Submit()
	q.runUntil(t, func() bool { return desk.answer != nil && desk.answer.loaded })
	if es := entries(t, m); len(es) != 1 || es[0].Kind != dtdict.KindDICT {
		t.Fatalf("register after the drop: %+v", es)
	}

	m.dropped(fyne.NewPos(300, 300), []fyne.URI{storage.NewFileURI(filepath.Join(t.TempDir(), "photo.jpg"))})
	if !strings.Contains(m.status, "Terrimap n’ouvre pas photo.jpg") {
		t.Errorf("status after dropping a photo: %q", m.status)
	}
}

// register records a fixture's declaration as received on day, off the
// app (another desk's import, synced).
func register(t *testing.T, m *mainWindow, name string, day time.Time) dtdict.Entry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "dtdict", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := dtdict.Read(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := dtdict.Register(context.Background(), m.sess.ws, d, data, day, true)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The register lists the declarations by due date, the earliest first;
// one past its due date unanswered reads «Hors délai» in red on a red
// row, one due within two days has its date in orange on an orange row,
// the others are plain.
func TestDTDICTRegisterOrderAndColours(t *testing.T) {
	now := time.Date(2026, 12, 14, 9, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, now)
	late := register(t, m, "dt-tournus.xml", time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local))                  // DT: due 10 December
	soon := register(t, m, "dict-tournus.xml", time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local))                // DICT: due 14 or 15 December
	later := register(t, m, "dtdict-conjointes-tournus.xml", time.Date(2026, 12, 10, 0, 0, 0, 0, time.Local)) // DT delay: due 21 December
	for _, e := range []dtdict.Entry{late, soon, later} {
		t.Logf("%s %s due %s", e.Kind, e.Number, e.Due.Format("2006-01-02"))
	}
	if !(late.Due.Before(now) && dtdict.DaysLeft(soon.Due, now) <= 2 && dtdict.DaysLeft(soon.Due, now) >= 0 && dtdict.DaysLeft(later.Due, now) > 2) {
		t.Fatalf("the fixtures' due dates do not make the three cases")
	}
	desk := m.dtdictDesk()
	desk.show()
	q.runUntil(t, func() bool { return len(desk.entries) == 3 })
	for i, want := range []dtdict.Entry{late, soon, later} {
		if got := desk.entries[i].Number; got != want.Number {
			t.Errorf("row %d: %s, want %s", i, got, want.Number)
		}
	}
	if desk.empty.Visible() {
		t.Error("the «no declaration» message shows over the list")
	}
	for _, tc := range []struct {
		row        int
		tint       color.Color
		status     string
		importance widget.Importance
		due        widget.Importance
	}{
		{0, tintOverdue, "Hors délai", widget.DangerImportance, widget.DangerImportance},
		{1, tintSoon, "À traiter", widget.MediumImportance, widget.WarningImportance},
		{2, nil, "À traiter", widget.MediumImportance, widget.MediumImportance},
	} {
		st := desk.cell(tc.row, 6)
		if st.text != tc.status || st.importance != tc.importance || st.tint != tc.tint {
			t.Errorf("row %d status cell %+v, want %q importance %v tint %v", tc.row, st, tc.status, tc.importance, tc.tint)
		}
		if due := desk.cell(tc.row, 5); due.importance != tc.due || due.text != dayText(desk.entries[tc.row].Due) {
			t.Errorf("row %d due cell %+v", tc.row, due)
		}
		cell := newTintedLabel()
		cell.show(st)
		if cell.label.Text != tc.status || (tc.tint != nil && cell.bg.FillColor != tc.tint) {
			t.Errorf("row %d drawn %q on %v", tc.row, cell.label.Text, cell.bg.FillColor)
		}
	}
}

// «Générer la réponse» writes the récépissé and the plans into the folder
// (in a folder of the declaration's number), marks the declaration
// «répondu» by the signatory, and lists the answer's files.
func TestDTDICTAnswerWritesTheFiles(t *testing.T) {
	received := time.Date(2026, 12, 3, 0, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, received.Add(30*time.Hour))
	s := importFixture(t, m, q, "dt-tournus.xml", received)
	if s.generate.Disabled() {
		t.Fatal("«Générer la réponse…» is greyed once the declaration is shown")
	}
	test.Tap(s.generate)
	if s.form == nil {
		t.Fatal("no form")
	}
	s.form.signatory.SetText("Jeanne Martin, secrétaire de mairie")
	s.form.dir = t.TempDir()
	s.form.dialog.Submit()
	q.runUntil(t, func() bool { return s.result != nil })
	dir := filepath.Join(s.form.dir, "DT-DICT 2026120300412T01")
	for _, name := range []string{"recepisse-2026120300412T01.pdf", "plans-2026120300412T01.pdf"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	es := entries(t, m)
	if len(es) != 1 || es[0].Stored != dtdict.StatusAnswered || es[0].AnsweredBy != "Jeanne Martin, secrétaire de mairie" {
		t.Fatalf("register after the answer: %+v", es)
	}
	if !s.openDir.Visible() || s.folder != dir {
		t.Errorf("«Ouvrir le dossier» for %q (shown %v)", s.folder, s.openDir.Visible())
	}
	if !strings.HasPrefix(s.due.Text, "Répondu le 04/12/2026 par Jeanne Martin") {
		t.Errorf("due line after the answer: %q", s.due.Text)
	}
	if len(s.files.Objects) < 2 {
		t.Errorf("%d answer files listed", len(s.files.Objects))
	}
	if got := m.prefs.String(prefSignatory); got != "Jeanne Martin, secrétaire de mairie" {
		t.Errorf("signatory remembered: %q", got)
	}
}

// The status bar warns of a declaration due within two days, not of one
// due in three; clicking the warning opens the register.
func TestDTDICTStatusBarWarning(t *testing.T) {
	received := time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, received)
	e := register(t, m, "dict-tournus.xml", received)
	v := m.view
	for _, tc := range []struct {
		daysBefore int
		shown      bool
		text       string
		importance widget.Importance
	}{
		{3, false, "", widget.WarningImportance},
		{2, true, "1 DT-DICT", widget.WarningImportance},
		{0, true, "1 DT-DICT", widget.WarningImportance},
		{-1, true, "1 DT-DICT", widget.DangerImportance},
	} {
		now := e.Due.AddDate(0, 0, -tc.daysBefore).Add(9 * time.Hour)
		v.clock = func() time.Time { return now }
		v.due.overdue, v.due.soon = -1, -1
		v.due.refresh()
		q.runUntil(t, func() bool { return v.due.soon >= 0 })
		if v.due.button.Visible() != tc.shown || (tc.shown && (v.due.button.Text != tc.text || v.due.button.Importance != tc.importance)) {
			t.Errorf("%d days before the due date: warning %q (importance %v) shown %v", tc.daysBefore, v.due.button.Text, v.due.button.Importance, v.due.button.Visible())
		}
	}
	test.Tap(v.due.button)
	if m.dtdict == nil || m.dtdict.answer != nil {
		t.Fatal("the warning did not open the register")
	}
	q.runUntil(t, func() bool { return len(m.dtdict.entries) == 1 })
}

// The message after an answer names the PDFs and counts the vector plans'
// files.
func TestDescribeAnswerFiles(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{"/d/recepisse-1.pdf"}, "\n• recepisse-1.pdf"},
		{[]string{"/d/recepisse-1.pdf", "/d/plans-1.pdf", "/d/plans-1.dxf"}, "\n• recepisse-1.pdf\n• plans-1.pdf\n• les plans vectoriels : 1 fichier (.dxf)"},
		{[]string{"/d/recepisse-1.pdf", "/d/plans-1.pdf", "/d/a.mif", "/d/a.mid", "/d/b.mif", "/d/b.mid"}, "\n• recepisse-1.pdf\n• plans-1.pdf\n• les plans vectoriels : 4 fichiers (.mif, .mid)"},
	} {
		if got := describeFiles(tc.files); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.files, got, tc.want)
		}
	}
}

// The day of reception is a date between the declaration's and today.
func TestReceivedValidator(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	declared := time.Date(2026, 12, 3, 9, 14, 0, 0, time.Local)
	today := time.Date(2026, 12, 8, 16, 0, 0, 0, time.Local)
	valid := receivedValidator(declared, today)
	for _, tc := range []struct {
		typed, want string
	}{
		{"03/12/2026", ""},
		{"08/12/2026", ""},
		{" 05/12/2026 ", ""},
		{"02/12/2026", "La déclaration n’a été faite que le 03/12/2026."},
		{"09/12/2026", "Ce jour n’est pas encore arrivé."},
		{"2026-12-05", "Tapez la date sous la forme jj/mm/aaaa."},
		{"", "Tapez la date sous la forme jj/mm/aaaa."},
	} {
		err := valid(tc.typed)
		if (err == nil) != (tc.want == "") || (err != nil && err.Error() != tc.want) {
			t.Errorf("%q: %v, want %q", tc.typed, err, tc.want)
		}
	}
	// A declaration dated after this computer's today is received on its day.
	m, q := openDTDesk(t, time.Date(2026, 12, 6, 18, 0, 0, 0, time.Local))
	desk := m.dtdictDesk()
	desk.importURI(fixture(t, "dict-tournus.xml")) // made on 7 December
	q.runUntil(t, func() bool { return desk.lastImport != nil })
	if got := desk.lastImport.received.entry.Text; got != "07/12/2026" {
		t.Errorf("received offered %q", got)
	}
	if err := desk.lastImport.received.entry.Validate(); err != nil {
		t.Errorf("the day offered is refused: %v", err)
	}
	if err := receivedValidator(time.Time{}, today)("01/01/2020"); err != nil {
		t.Errorf("a declaration without its date refuses an old day: %v", err)
	}
}

// An élu reads the register and the answer screens but may neither import
// nor answer: the buttons are greyed and the register says why.
func TestDTDICTReadOnlyForAViewer(t *testing.T) {
	received := time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local)
	m, q := openDTDesk(t, received)
	register(t, m, "dict-tournus.xml", received)
	m.sess.access[dtdict.RegisterLayer] = protocol.Access{Read: true, Reason: "Lecture seule : vous êtes élu de Tournus."}
	desk := m.dtdictDesk()
	desk.show()
	q.runUntil(t, func() bool { return desk.listed })
	if !desk.importBtn.Disabled() || !desk.readOnlyNote.Visible() || desk.readOnlyNote.Text != "Lecture seule : vous êtes élu de Tournus." {
		t.Errorf("import greyed %v, note %q", desk.importBtn.Disabled(), desk.readOnlyNote.Text)
	}
	desk.openEntry(desk.entries[0])
	q.runUntil(t, func() bool { return desk.answer.loaded })
	if !desk.answer.generate.Disabled() {
		t.Error("«Générer la réponse…» is offered to a viewer")
	}
	if desk.answer.analysis == nil || !desk.answer.analysis.Concerned {
		t.Error("the viewer does not see what lies in the zone")
	}

	m.sess.access[dtdict.RegisterLayer] = protocol.Access{Read: true, Create: true, Update: true}
	desk.show()
	if desk.importBtn.Disabled() || desk.readOnlyNote.Visible() {
		t.Error("an editor cannot import")
	}
}
