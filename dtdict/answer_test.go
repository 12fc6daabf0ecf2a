package dtdict

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"terrimap/internal/demows"
	"terrimap/mapview"
	"terrimap/store"
)

// answerDesk is a writable copy of the demo's Tournus workspace (networks,
// DT-DICT settings, empty register; never synced: no territory).
func answerDesk(t *testing.T) *store.Workspace {
	t.Helper()
	return demows.OpenCopy(t, "tournus", demows.Tournus())
}

// answerFixture reads a fixture and the declaration in it.
func answerFixture(t *testing.T, name string) (*Declaration, []byte) {
	t.Helper()
	data := readFixture(t, name)
	d, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return d, data
}

// dirNames lists a folder's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestAnswer(t *testing.T) {
	received := time.Date(2026, 12, 3, 0, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		name      string
		fixture   string
		vector    string // "" keeps the declarant's wish
		answered  time.Time
		concerned bool
		files     []string // besides the récépissé, by suffix
		status    Status
		note      string
	}{
		{"DT concerned, DXF asked", "dt-tournus.xml", "", received.AddDate(0, 0, 2), true, []string{"plans-2026120300412T01.pdf", ".dxf"}, StatusAnswered, ""},
		{"DICT concerned, MIF/MID asked, answered late", "dict-tournus.xml", "", received.AddDate(0, 0, 30), true, []string{"plans-2026120700877T.pdf", ".mif", ".mid"}, StatusLate, ""},
		{"a vector format we do not write", "dt-tournus.xml", "PDF_VECTORIEL", received, true, []string{"plans-2026120300412T01.pdf"}, StatusAnswered, "« PDF_VECTORIEL »"},
		{"off our territory", "dict-offterritory.xml", "", received, false, nil, StatusAnswered, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := answerDesk(t)
			d, xml := answerFixture(t, tc.fixture)
			if tc.vector != "" {
				d.Wishes.Vector, d.Wishes.VectorFormat = true, tc.vector
			}
			dir := t.TempDir()
			r := mapview.NewRenderer(ws, mapview.RendererOptions{})
			res, err := Answer(context.Background(), ws, r, d, xml, AnswerOptions{Dir: dir, Received: received, Answered: tc.answered, Signatory: "Jeanne Martin"})
			if err != nil {
				t.Fatal(err)
			}
			// Not received before the day it was made.
			wantReceived := received
			if declared := civilDay(d.Declared); declared.After(wantReceived) {
				wantReceived = declared
			}
			if due := Due(d.Kind, wantReceived, true); res.Analysis.Concerned != tc.concerned || !res.Due.Equal(due) || !res.Entry.Received.Equal(wantReceived) {
				t.Errorf("concerned %v, received %v, due %v; want %v, %v, %v", res.Analysis.Concerned, res.Entry.Received, res.Due, tc.concerned, wantReceived, due)
			}
			names := dirNames(t, dir)
			recepisse := "recepisse-" + fileStem(d) + ".pdf"
			if len(res.Files) == 0 || filepath.Base(res.Files[0]) != recepisse || !slices.Contains(names, recepisse) {
				t.Errorf("files %v (folder %v), want %s first", res.Files, names, recepisse)
			}
			for _, want := range tc.files {
				if !slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, want) }) {
					t.Errorf("folder %v without …%s", names, want)
				}
			}
			if !tc.concerned && len(names) != 1 {
				t.Errorf("not concerned, the answer wrote %v: the récépissé alone is due", names)
			}
			if len(names) != len(res.Files) {
				t.Errorf("the folder holds %v, Answer says %v", names, res.Files)
			}
			if (tc.note == "") != (len(res.Notes) == 0) || tc.note != "" && !strings.Contains(res.Notes[0], tc.note) {
				t.Errorf("notes %q, want one naming %s", res.Notes, tc.note)
			}
			e := res.Entry
			if e.Stored != tc.status || !e.Analysed || e.Concerned != tc.concerned || !e.Answered.Equal(tc.answered) || e.AnsweredBy != "Jeanne Martin" {
				t.Errorf("register entry %+v", e)
			}
			if len(e.Files) != len(names)+1 {
				t.Fatalf("register files %v, want the XML and %v", e.Files, names)
			}
			for _, f := range e.Files[1:] {
				kept, err := ReadFile(context.Background(), ws, f)
				written, rerr := os.ReadFile(filepath.Join(dir, f.Name))
				if err != nil || rerr != nil || !bytes.Equal(kept, written) {
					t.Errorf("%s: the register keeps other bytes than the folder (%v, %v)", f.Name, err, rerr)
				}
			}
		})
	}
}

// An answer that cannot be written whole leaves nothing in the folder and
// the declaration still to answer.
func TestAnswerAllOrNothing(t *testing.T) {
	ws := answerDesk(t)
	d, xml := answerFixture(t, "dt-tournus.xml")
	dir := t.TempDir()
	// A folder in the way of the plans.
	blocker := filepath.Join(dir, "plans-"+fileStem(d)+".pdf")
	if err := os.Mkdir(blocker, 0o755); err != nil {
		t.Fatal(err)
	}
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	if _, err := Answer(context.Background(), ws, r, d, xml, AnswerOptions{Dir: dir}); err == nil {
		t.Fatal("the answer was written over a folder")
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{filepath.Base(blocker)}) {
		t.Errorf("a failed answer left %v", names)
	}
	entries, err := Entries(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Stored != StatusPending || len(entries[0].Files) != 1 {
		t.Errorf("register after a failed answer: %+v, want the declaration to answer with its XML", entries)
	}
	if _, err := Answer(context.Background(), ws, r, d, xml, AnswerOptions{Dir: filepath.Join(dir, "absent")}); err == nil {
		t.Error("an answer into a missing folder succeeded")
	}
}

// A zone too large for plans on paper is still answered: the récépissé
// and our networks as vector plans (the format asked, else DXF), with a
// note saying why there is no PDF plan.
func TestAnswerZoneTooLargeForPaper(t *testing.T) {
	received := time.Date(2026, 12, 3, 0, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		name, format string
		want         []string // besides the récépissé, by suffix
		notes        int
	}{
		{"no vector plans asked", "", []string{".dxf"}, 1},
		{"MIF/MID asked", "MIF_MID", []string{".mif", ".mid"}, 1},
		{"a format we do not write", "PDF_VECTORIEL", []string{".dxf"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := answerDesk(t)
			d := testDeclaration(zoneRect(4.9075, 46.5665, 6000, 6000), "A4", true)
			d.Wishes.Vector, d.Wishes.VectorFormat = tc.format != "", tc.format
			dir := t.TempDir()
			r := mapview.NewRenderer(ws, mapview.RendererOptions{})
			res, err := Answer(context.Background(), ws, r, d, []byte("<dossierConsultation/>"), AnswerOptions{Dir: dir, Received: received, Answered: received, Signatory: "Jeanne Martin"})
			if err != nil {
				t.Fatal(err)
			}
			names := dirNames(t, dir)
			if !res.Analysis.Concerned || slices.Contains(names, "plans-"+fileStem(d)+".pdf") {
				t.Fatalf("concerned %v, folder %v: want concerned and no PDF plans", res.Analysis.Concerned, names)
			}
			for _, want := range tc.want {
				if !slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, want) }) {
					t.Errorf("folder %v without …%s", names, want)
				}
			}
			if len(res.Notes) != tc.notes || !strings.Contains(res.Notes[0], "trop étendue") {
				t.Errorf("notes %q, want %d, the first saying the zone is too large", res.Notes, tc.notes)
			}
			if res.Entry.Stored != StatusAnswered {
				t.Errorf("register status %v, want answered", res.Entry.Stored)
			}
		})
	}
}
