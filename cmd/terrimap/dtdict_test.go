package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"terrimap/dtdict"
	"terrimap/internal/paper"
	"terrimap/store"
)

// dtdictFixtures are the one-stop shop's declarations of dtdict's tests.
const dtdictFixtures = "../../dtdict/testdata"

func TestDtdictCommandLine(t *testing.T) {
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.gpkg")
	ws, err := store.Create(bare)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	notXML := filepath.Join(dir, "note.xml")
	if err := os.WriteFile(notXML, []byte("<html><body>Bonjour</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	dt := filepath.Join(dtdictFixtures, "dt-tournus.xml")
	fixture, err := os.ReadFile(dt)
	if err != nil {
		t.Fatal(err)
	}
	badINSEE := filepath.Join(dir, "insee.xml")
	if err := os.WriteFile(badINSEE, []byte(strings.Replace(string(fixture), "<codeINSEE>71543<", "<codeINSEE>7154<", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format("2006-01-02")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"dtdict"}, 2, "import, answer ou list"},
		{[]string{"dtdict", "send"}, 2, `"send" n'est pas une action`},
		{[]string{"dtdict", "import", dt}, 2, "--workspace manque"},
		{[]string{"dtdict", "import", "--workspace", bare}, 2, "donnez le fichier XML"},
		{[]string{"dtdict", "import", "--workspace", bare, dt, dt}, 2, "un seul fichier"},
		{[]string{"dtdict", "import", "--workspace", bare, "--received", "03/12/2026", dt}, 2, "AAAA-MM-JJ"},
		{[]string{"dtdict", "import", "--workspace", bare, "--received", tomorrow, dt}, 2, "pas encore arrivé"},
		{[]string{"dtdict", "answer", "--workspace", bare, dt}, 2, "--out manque"},
		{[]string{"dtdict", "answer", "--workspace", bare, dt, "--out", dir, "--basemap", "nulle-part"}, 2, `--basemap "nulle-part"`},
		{[]string{"dtdict", "list"}, 2, "--workspace manque"},
		{[]string{"dtdict", "import", "--workspace", bare, filepath.Join(dir, "absent.xml")}, 1, "absent.xml n'existe pas"},
		{[]string{"dtdict", "import", "--workspace", bare, notXML}, 1, "n'est pas une déclaration DT-DICT"},
		{[]string{"dtdict", "import", "--workspace", bare, badINSEE}, 1, "insee.xml : l'élément « codeINSEE » contient « 7154 », qui n'est pas un code INSEE de commune (5 caractères) ; rien n'a été enregistré\n"},
		{[]string{"dtdict", "import", "--workspace", filepath.Join(dir, "absent.gpkg"), dt}, 1, "synchronisez d'abord"},
		{[]string{"dtdict", "import", "--workspace", bare, dt}, 1, "n'a pas le registre des DT-DICT"},
		{[]string{"dtdict", "list", "--workspace", bare}, 1, "n'a pas le registre des DT-DICT"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want %d; stderr\n%s\nwithout %q (stdout %s)", code, tc.code, errOut, tc.want, out)
			}
			if bad := frenchPunctuationSlip(errOut); bad != "" {
				t.Errorf("stderr %q: %s", errOut, bad)
			}
		})
	}
	code, out, _ := run(t, "dtdict", "help")
	if code != 0 || !strings.Contains(out, "terrimap dtdict import --workspace WS") {
		t.Errorf("dtdict help: %d\n%s", code, out)
	}
}

// Import on a desk of Tournus: the DT over the networks of the centre is
// concerned, the DICT near Lyon is not; importing the DT again keeps one
// entry; the list shows both by due date.
func TestDtdictImportAndList(t *testing.T) {
	ws := reportWorkspace(t)
	dt := filepath.Join(dtdictFixtures, "dt-tournus.xml")
	code, out, errOut := run(t, "dtdict", "import", "--workspace", ws, "--received", "2026-12-03", dt)
	if code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"DT n° 2026120300412T01 — Tournus (71543)", "Bureau d'études Saône VRD",
		"Reçue le 3 décembre 2026 ; réponse due au plus tard le 12 décembre 2026.", "Concerné : ", "EAUPOT71543", "Au registre : "} {
		if !strings.Contains(out, want) {
			t.Errorf("import says\n%s\nwithout %q", out, want)
		}
	}
	code, _, errOut = run(t, "dtdict", "import", "--workspace", ws, "--received", "2026-11-30", dt)
	if code != 2 || !strings.Contains(errOut, "--received 2026-11-30 : la déclaration n'a été faite que le 3 décembre 2026") {
		t.Errorf("received before declared: %d\n%s", code, errOut)
	}
	code, out, errOut = run(t, "dtdict", "import", "--workspace", ws, "--paper", filepath.Join(dtdictFixtures, "dict-offterritory.xml"))
	if code != 0 || !strings.Contains(out, "Non concerné : la zone des travaux est hors de notre territoire") {
		t.Errorf("import off our territory: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = run(t, "dtdict", "import", "--workspace", ws, dt); code != 0 {
		t.Errorf("import again: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "dtdict", "list", "--workspace", ws)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "Échéance") ||
		!strings.Contains(lines[1], "2026120300412T01") || !strings.Contains(lines[1], "12/12/2026") || !strings.Contains(lines[2], "2026120801502T") ||
		!strings.HasPrefix(lines[3], "2 déclarations au registre") {
		t.Errorf("list: %d\n%s%s", code, out, errOut)
	}
}

// frenchPunctuationSlip says what is wrong with the punctuation of a
// French message made of joined sentences: a full stop before a
// semicolon or a colon, a line ending with a stop after joined clauses
// (the command's lines do not end with one). "" when none.
func frenchPunctuationSlip(msg string) string {
	for _, slip := range []string{". ;", ". :", " ; ;", ".\n"} {
		if strings.Contains(msg, slip) {
			return fmt.Sprintf("holds %q", slip)
		}
	}
	return ""
}

// The list's last line counts apart the declarations past their due date
// and those due within 2 days, as the app's status bar does: an overdue
// one is not «à rendre d'ici 2 jours».
func TestDtdictListCountsOverdueApart(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	now := today()
	declaredOn := func(number string, day time.Time) string { return dtDeclaredOn(t, dir, number, day) }
	// soonDay is a reception day whose due date is today or tomorrow.
	soonDay := now
	for dtdict.Due(dtdict.KindDT, soonDay, true).After(now.AddDate(0, 0, 1)) {
		soonDay = soonDay.AddDate(0, 0, -1)
	}
	import1 := func(path string, received time.Time) {
		if code, out, errOut := run(t, "dtdict", "import", "--workspace", ws, "--received", received.Format("2006-01-02"), path); code != 0 {
			t.Fatalf("import: %d\n%s%s", code, out, errOut)
		}
	}
	count := func() string {
		code, out, errOut := run(t, "dtdict", "list", "--workspace", ws)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 {
			t.Fatalf("list: %d\n%s%s", code, out, errOut)
		}
		return lines[len(lines)-1]
	}
	late := now.AddDate(0, 0, -30)
	import1(declaredOn("2026110100001T01", late), late)
	if got, want := count(), "1 déclaration au registre, dont 1 hors délai."; got != want {
		t.Errorf("one overdue: %q, want %q", got, want)
	}
	import1(declaredOn("2026110100002T01", soonDay), soonDay)
	import1(declaredOn("2026110100003T01", late), late)
	if got, want := count(), "3 déclarations au registre, dont 2 hors délai et 1 à rendre d'ici 2 jours."; got != want {
		t.Errorf("two overdue, one due soon: %q, want %q", got, want)
	}
	import1(declaredOn("2026110100004T01", now), now)
	if got, want := count(), "4 déclarations au registre, dont 2 hors délai et 1 à rendre d'ici 2 jours."; got != want {
		t.Errorf("and one due later: %q, want %q", got, want)
	}
}

// The reception day defaults to today: when the declaration was made days
// before, import and answer warn that the deadline counts from the
// reception day and how to give it; not when it was made today or
// yesterday, nor when --received gives the day or the register holds an
// earlier one.
func TestDtdictWarnsOfALateReceptionDay(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	now := today()
	declaredOn := func(number string, day time.Time) string { return dtDeclaredOn(t, dir, number, day) }
	threeDaysAgo := now.AddDate(0, 0, -3)
	warning := "Attention : la déclaration a été faite le " + paper.Date(threeDaysAgo) + ", il y a 3 jours ; le délai de réponse court à partir du jour de réception, aujourd'hui (" + paper.Date(now) + ") faute de --received : si elle a été reçue plus tôt, donnez ce jour avec --received AAAA-MM-JJ."
	old := declaredOn("2026110100011T01", threeDaysAgo)
	for _, tc := range []struct {
		name string
		args []string
		warn bool
	}{
		{"import of a DT made 3 days ago", []string{"dtdict", "import", "--workspace", ws, old}, true},
		{"answer of a DT made 3 days ago", []string{"dtdict", "answer", "--workspace", ws, "--out", filepath.Join(dir, "out"), old}, true},
		{"import with --received", []string{"dtdict", "import", "--workspace", ws, "--received", threeDaysAgo.Format("2006-01-02"), old}, false},
		{"import again, the register keeping that day", []string{"dtdict", "import", "--workspace", ws, old}, false},
		{"import of a DT made yesterday", []string{"dtdict", "import", "--workspace", ws, declaredOn("2026110100012T01", now.AddDate(0, 0, -1))}, false},
		{"import of a DT made today", []string{"dtdict", "import", "--workspace", ws, declaredOn("2026110100013T01", now)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != 0 {
				t.Fatalf("%d\n%s%s", code, out, errOut)
			}
			if strings.Contains(out, warning) != tc.warn || strings.Contains(out, "--received AAAA-MM-JJ") != tc.warn {
				t.Errorf("warning %v, want %v (%q):\n%s", !tc.warn, tc.warn, warning, out)
			}
		})
	}
}

// dtDeclaredOn writes into dir the DT of dt-tournus.xml as made on day
// under another number, and returns its path.
func dtDeclaredOn(t *testing.T, dir, number string, day time.Time) string {
	t.Helper()
	fixture, err := os.ReadFile(filepath.Join(dtdictFixtures, "dt-tournus.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(fixture), "2026120300412T01", number, 1)
	s = strings.Replace(s, "2026-12-03T09:14:27.512+01:00", day.Format("2006-01-02")+"T09:14:27.512+01:00", 1)
	path := filepath.Join(dir, number+".xml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// answer ends with whom to send the answer to: the declarant with the
// e-mail, and for a joint DT-DICT the exécutant des travaux too; the
// récépissé offers a meeting on site when --site-meeting asks.
func TestDtdictAnswerSaysWhomToSendItTo(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	for _, tc := range []struct {
		file, stem string
		args       []string
		to         []string
		meeting    bool
	}{
		{"dt-tournus.xml", "2026120300412T01", []string{"--received", "2026-12-03"}, []string{
			"  Bureau d'études Saône VRD, Claire Bonnot — c.bonnot@saone-vrd.example.fr (représentant du responsable du projet)"}, false},
		{"dtdict-conjointes-tournus.xml", "2026120401133T", []string{"--received", "2026-12-04", "--site-meeting"}, []string{
			"  SYDESL, Service travaux — travaux@sydesl.example.fr (responsable du projet)",
			"  Réseaux Mâconnais Électricité, Marc Lacroix — m.lacroix@rme.example.fr (exécutant des travaux)"}, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out := filepath.Join(dir, tc.stem)
			args := append([]string{"dtdict", "answer", "--workspace", ws, "--out", out, filepath.Join(dtdictFixtures, tc.file)}, tc.args...)
			code, stdout, errOut := run(t, args...)
			if code != 0 {
				t.Fatalf("answer: %d\n%s%s", code, stdout, errOut)
			}
			want := "À envoyer à :\n" + strings.Join(tc.to, "\n") + "\n"
			if !strings.HasSuffix(stdout, want) {
				t.Errorf("answer says\n%s\nnot ending with\n%s", stdout, want)
			}
			text, err := exec.Command("pdftotext", filepath.Join(out, "recepisse-"+tc.stem+".pdf"), "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, text)
			}
			words := strings.Join(strings.Fields(string(text)), " ")
			if got := strings.Contains(words, "avant les travaux ; pour le fixer :"); got != tc.meeting {
				t.Errorf("meeting on site offered %v, want %v:\n%s", got, tc.meeting, words)
			}
		})
	}
}

// An answer that cannot be written says so in French, the technical
// detail after it; nothing is left in the folder.
func TestDtdictAnswerNotWritten(t *testing.T) {
	dir := t.TempDir()
	ws := reportWorkspace(t)
	out := filepath.Join(dir, "reponse")
	if err := os.MkdirAll(filepath.Join(out, "recepisse-2026120300412T01.pdf"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := run(t, "dtdict", "answer", "--workspace", ws, "--out", out, "--received", "2026-12-03", filepath.Join(dtdictFixtures, "dt-tournus.xml"))
	want := "terrimap dtdict answer : la réponse n'a pas pu être écrite dans " + out + " (aucun fichier n'y est laissé) — détail technique : "
	if code != 1 || !strings.HasPrefix(errOut, want) {
		t.Errorf("exit %d, stderr\n%s\nwant it to start with\n%s\n(stdout %s)", code, errOut, want, stdout)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("%d files left in the folder, want only the folder in the way", len(entries))
	}
}
