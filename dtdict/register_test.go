package dtdict

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/store/territory"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// registerPlatform runs a real platform (SQLite file, over HTTP) with the
// demo's 24 communes and its register layer, and three users: "tournus",
// an editor of Tournus; "agent", an editor of the intercommunality; "elu",
// a viewer of Tournus.
func registerPlatform(t *testing.T) string {
	t.Helper()
	var layers []testplatform.Layer
	for _, l := range demo.Layers() {
		if l.Name == demo.LayerDTDict {
			layers = append(layers, testplatform.Layer{Schema: l, EditBy: server.EditByEditors})
		}
	}
	return testplatform.Start(t, layers, map[string]protocol.Membership{
		"tournus": {Org: "71543", Role: protocol.RoleEditor},
		"agent":   {Org: protocol.OrgCCMT, Role: protocol.RoleEditor},
		"elu":     {Org: "71543", Role: protocol.RoleViewer},
	})
}

// square is a square zone of side 2·r degrees around c.
func regSquare(c orb.Point, r float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{c[0] - r, c[1] - r}, {c[0] + r, c[1] - r}, {c[0] + r, c[1] + r}, {c[0] - r, c[1] + r}, {c[0] - r, c[1] - r}}}}
}

// centreOf is the demo's centre of the commune insee.
func regCentre(t *testing.T, insee string) orb.Point {
	t.Helper()
	c, ok := demoCommune(t, insee)
	if !ok {
		t.Fatalf("no commune %s in the demo", insee)
	}
	return c.Centre
}

// demoCommune is the demo's commune insee; ok is false for one it lacks.
func demoCommune(t *testing.T, insee string) (c demo.Commune, ok bool) {
	t.Helper()
	communes, err := demo.Communes()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range communes {
		if c.INSEE == insee {
			return c, true
		}
	}
	return demo.Commune{}, false
}

// declaration is a DT of Tournus's centre, made in Go: the register does
// not depend on the reader.
func regDeclaration(number string, kind Kind, insee string, zone orb.MultiPolygon) *Declaration {
	return &Declaration{
		Kind:      kind,
		Number:    number,
		Declarant: Party{Name: "Bureau d'études Saône VRD", Contact: "Claire Bonnot"},
		Place:     Place{INSEE: insee, Commune: "COMMUNE " + insee}, // as the declarant typed it
		Works:     Works{Description: "Renouvellement du réseau d'eaux pluviales"},
		Zone:      zone,
	}
}

func regDay(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRegisterPlacesTheEntryWhereTheUserMayWrite(t *testing.T) {
	url := registerPlatform(t)
	tournus, _ := testplatform.Desk(t, url, "tournus")
	agent, _ := testplatform.Desk(t, url, "agent")
	ctx := context.Background()
	inTournus := regSquare(regCentre(t, "71543"), 0.0003)
	inUchizy := regSquare(regCentre(t, "71550"), 0.0003)
	// From Tournus's centre to Uchizy's: the zone of a Tournus declaration
	// that runs over its neighbour.
	a, b := regCentre(t, "71543"), regCentre(t, "71550")
	across := orb.MultiPolygon{orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}.ToPolygon()}
	for _, tc := range []struct {
		name    string
		ws      *store.Workspace
		insee   string
		zone    orb.MultiPolygon
		want    string // "zone", "point in 71543", "point in 71550"
		wantErr error
	}{
		{"in Tournus, by Tournus", tournus, "71543", inTournus, "zone", nil},
		{"over the boundary, by Tournus", tournus, "71543", across, "point in 71543", nil},
		{"in Uchizy, by Tournus", tournus, "71550", inUchizy, "point in 71543", nil},
		{"near Lyon, by Tournus", tournus, "69381", regSquare(orb.Point{4.8357, 45.7640}, 0.0003), "point in 71543", nil},
		{"over the boundary, by the intercommunality", agent, "71543", across, "zone", nil},
		{"in Uchizy, by the intercommunality", agent, "71550", inUchizy, "zone", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := regDeclaration("N-"+strings.ReplaceAll(tc.name, " ", "-"), KindDT, tc.insee, tc.zone)
			before := pendingEntries(t, tc.ws)
			e, err := Register(ctx, tc.ws, d, []byte("<dossierConsultation/>"), regDay("2026-12-03"), true)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Register: %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if n := pendingEntries(t, tc.ws); n != before {
					t.Errorf("a refused declaration left %d edits", n-before)
				}
				return
			}
			if want := officialName(t, tc.insee); e.Commune != want {
				t.Errorf("commune %q, want the communes layer's %q", e.Commune, want)
			}
			switch tc.want {
			case "zone":
				if _, ok := e.Geometry.(orb.MultiPolygon); !ok || !e.Geometry.Bound().Equal(tc.zone.Bound()) {
					t.Errorf("geometry %v, want the zone", e.Geometry)
				}
			default:
				p, ok := e.Geometry.(orb.Point)
				insee := strings.TrimPrefix(tc.want, "point in ")
				if !ok || !communeContains(t, insee, p) {
					t.Errorf("geometry %v, want a point of commune %s", e.Geometry, insee)
				}
			}
		})
	}
}

// A user whose territory holds no commune the workspace knows cannot
// place a declaration anywhere.
func TestRegisterOutsideEveryCommune(t *testing.T) {
	url := registerPlatform(t)
	ws, _ := testplatform.Desk(t, url, "agent")
	ctx := context.Background()
	atSea := regSquare(orb.Point{-5, 46}, 0.1)
	area, err := territory.New(atSea)
	if err != nil {
		t.Fatal(err)
	}
	a := registerAccess{known: true, access: protocol.Access{Read: true, Create: true, Update: true, Territory: atSea}, area: area}
	d := regDeclaration("N", KindDT, "71543", regSquare(regCentre(t, "71543"), 0.0003))
	if _, err := placeOf(ctx, ws, d, a); !errors.Is(err, ErrOutsideTerritory) {
		t.Errorf("placeOf: %v, want ErrOutsideTerritory", err)
	}
	d.Zone = regSquare(orb.Point{-5, 46}, 0.001)
	if p, err := placeOf(ctx, ws, d, a); err != nil || p.geometry == nil {
		t.Errorf("a zone in the territory: %v, %v", p, err)
	}
}

// officialName is the demo's official name of commune insee, or what the
// declaration gives for a commune the demo lacks.
func officialName(t *testing.T, insee string) string {
	t.Helper()
	if c, ok := demoCommune(t, insee); ok {
		return c.Name
	}
	return "COMMUNE " + insee
}

// pendingEntries counts the workspace's edits not yet sent.
func pendingEntries(t *testing.T, ws *store.Workspace) int {
	t.Helper()
	pending, err := ws.Pending(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(pending)
}

// communeContains applies the platform's territory rule.
func communeContains(t *testing.T, insee string, g orb.Geometry) bool {
	t.Helper()
	c, ok := demoCommune(t, insee)
	if !ok {
		return false
	}
	area, err := territory.New(c.Territory)
	return err == nil && area.Contains(g)
}

func TestRegisterRefusesWhoMayNotWrite(t *testing.T) {
	url := registerPlatform(t)
	elu, _ := testplatform.Desk(t, url, "elu")
	ctx := context.Background()
	d := regDeclaration("2026120300412T01", KindDT, "71543", regSquare(regCentre(t, "71543"), 0.0003))
	if _, err := Register(ctx, elu, d, []byte("<x/>"), regDay("2026-12-03"), true); !errors.Is(err, ErrRegisterReadOnly) || !strings.Contains(err.Error(), "élu") && !strings.Contains(err.Error(), "ecture") {
		t.Errorf("a viewer registers: %v, want ErrRegisterReadOnly with the platform's reason", err)
	}
	bare, err := store.Create(filepath.Join(t.TempDir(), "bare.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if _, err := Register(ctx, bare, d, []byte("<x/>"), regDay("2026-12-03"), true); !errors.Is(err, ErrNoRegister) {
		t.Errorf("a workspace without register: %v, want ErrNoRegister", err)
	}
	if _, err := Entries(ctx, bare); !errors.Is(err, ErrNoRegister) {
		t.Errorf("Entries of a workspace without register: %v, want ErrNoRegister", err)
	}
	tournus, _ := testplatform.Desk(t, url, "tournus")
	d.Declared = time.Date(2026, 12, 3, 9, 14, 27, 0, time.FixedZone("CET", 3600))
	if e, err := Register(ctx, tournus, d, []byte("<x/>"), regDay("2026-12-02"), true); err != nil || !e.Received.Equal(regDay("2026-12-03")) {
		t.Errorf("received the day before it was declared: %v, %v; want received the day it was declared", e.Received, err)
	}
	if _, err := MarkAnswered(ctx, bare, d.Number, d.Kind, regDay("2026-12-04"), "x", nil); !errors.Is(err, ErrNoRegister) {
		t.Errorf("MarkAnswered in a workspace without register: %v, want ErrNoRegister", err)
	}
}

func TestRegisterNeverDuplicates(t *testing.T) {
	url := registerPlatform(t)
	ws, c := testplatform.Desk(t, url, "tournus")
	ctx := context.Background()
	zone := regSquare(regCentre(t, "71543"), 0.0003)
	d := regDeclaration("2026120300412T01", KindDT, "71543", zone)
	first, err := Register(ctx, ws, d, []byte("<v1/>"), regDay("2026-12-03"), true)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stored != StatusPending || first.Received != regDay("2026-12-03") || first.Due != Due(KindDT, regDay("2026-12-03"), true) {
		t.Fatalf("first entry %+v", first)
	}
	if len(first.Files) != 1 || first.Files[0].Name != "declaration-2026120300412T01.xml" {
		t.Fatalf("files %+v, want the XML", first.Files)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The same file dropped again two days later: the deadline stays.
	again, err := Register(ctx, ws, d, []byte("<v1/>"), regDay("2026-12-05"), true)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Received != first.Received || again.Due != first.Due || len(again.Files) != 1 {
		t.Errorf("registered again: %+v, want %+v", again, first)
	}
	// A paper copy received earlier moves the reception back; a new
	// version of the XML comes first, the old one kept.
	earlier, err := Register(ctx, ws, d, []byte("<v2/>"), regDay("2026-12-01"), false)
	if err != nil {
		t.Fatal(err)
	}
	if earlier.Received != regDay("2026-12-01") || earlier.Due != Due(KindDT, regDay("2026-12-01"), false) || len(earlier.Files) != 2 {
		t.Errorf("an earlier reception: %+v", earlier)
	}
	// A DICT of the same number is another declaration.
	if _, err := Register(ctx, ws, regDeclaration(d.Number, KindDICT, "71543", zone), []byte("<dict/>"), regDay("2026-12-04"), true); err != nil {
		t.Fatal(err)
	}
	entries, err := Entries(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want the DT and the DICT: %+v", len(entries), entries)
	}
	data, err := ReadFile(ctx, ws, earlier.Files[0])
	if err != nil || string(data) != "<v2/>" {
		t.Errorf("the first file is %q, %v; want the latest XML", data, err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := pendingEntries(t, ws); n != 0 {
		t.Errorf("%d edits left after the sync: the platform refused the register's", n)
	}
}

func TestMarkAnswered(t *testing.T) {
	url := registerPlatform(t)
	ws, _ := testplatform.Desk(t, url, "tournus")
	ctx := context.Background()
	zone := regSquare(regCentre(t, "71543"), 0.0003)
	received := regDay("2026-12-03")
	due := Due(KindDICT, received, true)
	for _, tc := range []struct {
		name     string
		kind     Kind
		answered time.Time
		want     Status
	}{
		{"on the due day", KindDICT, due, StatusAnswered},
		{"the day after", KindDICT, due.AddDate(0, 0, 1), StatusLate},
		{"an ATU days later", KindATU, received.AddDate(0, 0, 5), StatusAnswered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			number := strings.ReplaceAll(tc.name, " ", "-")
			if _, err := Register(ctx, ws, regDeclaration(number, tc.kind, "71543", zone), []byte("<"+number+"/>"), received, true); err != nil {
				t.Fatal(err)
			}
			files := []File{{Name: "recepisse-" + number + ".pdf", Data: []byte("%PDF récépissé " + number)}, {Name: "plans-" + number + ".pdf", Data: []byte("%PDF plans " + number)}}
			e, err := MarkAnswered(ctx, ws, number, tc.kind, tc.answered, "Jeanne Martin", files)
			if err != nil {
				t.Fatal(err)
			}
			if e.Stored != tc.want || e.Answered != tc.answered || e.AnsweredBy != "Jeanne Martin" {
				t.Errorf("entry %+v, want %s on %v", e, tc.want, tc.answered)
			}
			names := []string{}
			for _, f := range e.Files {
				names = append(names, f.Name)
			}
			want := []string{"declaration-" + number + ".xml", files[0].Name, files[1].Name}
			if !slices.Equal(names, want) {
				t.Errorf("files %v, want %v", names, want)
			}
			// Sent again, the same files are not added twice.
			again, err := MarkAnswered(ctx, ws, number, tc.kind, tc.answered, "Jeanne Martin", files)
			if err != nil || len(again.Files) != 3 {
				t.Errorf("answered twice: %d files, %v", len(again.Files), err)
			}
			// Corrected later, by someone else: the first answer dates it.
			corrected, err := MarkAnswered(ctx, ws, number, tc.kind, tc.answered.AddDate(0, 0, 3), "Paul Durand", []File{{Name: files[0].Name, Data: []byte("%PDF corrigé")}})
			if err != nil || corrected.Stored != tc.want || !corrected.Answered.Equal(tc.answered) || corrected.AnsweredBy != "Jeanne Martin" || len(corrected.Files) != 4 {
				t.Errorf("corrected: %+v, %v; want %s on %v by Jeanne Martin with 4 files", corrected, err, tc.want, tc.answered)
			}
			data, err := ReadFile(ctx, ws, again.Files[2])
			if err != nil || string(data) != string(files[1].Data) {
				t.Errorf("file %s: %q, %v", again.Files[2].Name, data, err)
			}
		})
	}
	if _, err := MarkAnswered(ctx, ws, "inconnue", KindDT, received, "x", nil); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("an unknown declaration answered: %v, want ErrNotRegistered", err)
	}
}

func TestEntriesByDueDateAndStatus(t *testing.T) {
	url := registerPlatform(t)
	ws, _ := testplatform.Desk(t, url, "tournus")
	ctx := context.Background()
	zone := regSquare(regCentre(t, "71543"), 0.0003)
	for _, r := range []struct {
		number   string
		kind     Kind
		received string
	}{{"C", KindDT, "2026-12-01"}, {"A", KindDICT, "2026-11-20"}, {"B", KindATU, "2026-11-30"}, {"D", KindDICT, "2026-12-07"}} {
		if _, err := Register(ctx, ws, regDeclaration(r.number, r.kind, "71543", zone), []byte(r.number), regDay(r.received), true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := MarkAnswered(ctx, ws, "B", KindATU, regDay("2026-11-30"), "x", nil); err != nil {
		t.Fatal(err)
	}
	entries, err := Entries(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range entries {
		order = append(order, e.Number)
	}
	if !slices.Equal(order, []string{"A", "B", "C", "D"}) {
		t.Errorf("order %v, want by due date: A (DICT of 20/11), B (ATU of 30/11), C (DT of 01/12), D (DICT of 07/12)", order)
	}
	// A: due in early December; C: a DT of 1 December, due 10 December
	// (9 days, none a holiday); D due 16 December.
	now := time.Date(2026, 12, 8, 16, 0, 0, 0, time.Local)
	for _, e := range entries {
		want := map[string]Status{"A": StatusOverdue, "B": StatusAnswered, "C": StatusPending, "D": StatusPending}[e.Number]
		if got := e.Status(now); got != want {
			t.Errorf("%s (due %v): status %s, want %s", e.Number, e.Due, got, want)
		}
	}
	var soon []string
	for _, e := range dueSoon(entries, now, 48*time.Hour) {
		soon = append(soon, e.Number)
	}
	if !slices.Equal(soon, []string{"A", "C"}) {
		t.Errorf("due soon on 8 December: %v, want A (past due) and C (due on the 10th)", soon)
	}
	if overdue, dueSoon := DueCounts(entries, now, 48*time.Hour); overdue != 1 || dueSoon != 1 {
		t.Errorf("due counts on 8 December: %d overdue, %d due soon; want 1 (A) and 1 (C)", overdue, dueSoon)
	}
}

func TestEntryStatusAndDueWithin(t *testing.T) {
	due := regDay("2026-12-10")
	for _, tc := range []struct {
		name   string
		stored Status
		now    time.Time
		want   Status
		soon   bool
	}{
		{"two days before, morning", StatusPending, time.Date(2026, 12, 8, 8, 0, 0, 0, time.Local), StatusPending, true},
		{"three days before, evening", StatusPending, time.Date(2026, 12, 7, 23, 0, 0, 0, time.Local), StatusPending, false},
		{"on the day, late", StatusPending, time.Date(2026, 12, 10, 23, 59, 0, 0, time.Local), StatusPending, true},
		{"the day after", StatusPending, time.Date(2026, 12, 11, 0, 1, 0, 0, time.Local), StatusOverdue, true},
		{"answered, the day after", StatusAnswered, time.Date(2026, 12, 11, 9, 0, 0, 0, time.Local), StatusAnswered, false},
		{"answered late", StatusLate, time.Date(2026, 12, 20, 9, 0, 0, 0, time.Local), StatusLate, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Entry{Number: "N", Stored: tc.stored, Received: regDay("2026-12-01"), Due: due}
			if got := e.Status(tc.now); got != tc.want {
				t.Errorf("Status = %s, want %s", got, tc.want)
			}
			if got := e.DueWithin(tc.now, 48*time.Hour); got != tc.soon {
				t.Errorf("DueWithin = %v, want %v", got, tc.soon)
			}
		})
	}
}

func TestFilesValuesRoundTrip(t *testing.T) {
	h := func(c string) string { return strings.Repeat(c, 64) }
	for _, files := range [][]File{
		nil,
		{{Name: "declaration-1.xml", Hash: h("a")}},
		{{Name: "declaration-1.xml", Hash: h("a")}, {Name: "recepisse-1.pdf", Hash: h("b")}, {Name: "canalaep_A.shp", Hash: h("c")}},
	} {
		hashes, names := filesValues(files)
		got := filesOf(hashes, names)
		if len(got) != len(files) {
			t.Fatalf("%v: read back %v", files, got)
		}
		for i := range files {
			if got[i].Name != files[i].Name || got[i].Hash != files[i].Hash {
				t.Errorf("%v: read back %v", files, got)
			}
		}
		if refs := store.BlobRefs(map[string]any{fieldFiles: hashes}); len(refs) != len(files) {
			t.Errorf("sync finds %d attachments in %q, want %d", len(refs), hashes, len(files))
		}
	}
	// A name holding the separator does not shift the others.
	hashes, names := filesValues([]File{{Name: "a | b.pdf", Hash: h("a")}, {Name: "c.pdf", Hash: h("b")}})
	if got := filesOf(hashes, names); got[1].Name != "c.pdf" {
		t.Errorf("names %q read back as %v", names, got)
	}
}

// FuzzFilesOf reads fichiers and noms_fichiers as another desk may have
// written them: never a panic, never a file without hash, and what it
// reads is written back the same.
func FuzzFilesOf(f *testing.F) {
	h := strings.Repeat("a", 64)
	f.Add(h+","+strings.Repeat("b", 64), "declaration-1.xml | recepisse-1.pdf")
	f.Add(h, "")
	f.Add(",,"+h+",", " | | x")
	f.Add("", "a | b")
	f.Fuzz(func(t *testing.T, hashes, names string) {
		files := filesOf(hashes, names)
		for _, file := range files {
			if file.Hash == "" || file.Name == "" {
				t.Fatalf("%q %q: file %+v", hashes, names, file)
			}
		}
		again := filesOf(filesValues(files))
		if len(again) != len(files) {
			t.Fatalf("%q %q: %v read back as %v", hashes, names, files, again)
		}
		for i := range files {
			if again[i].Hash != files[i].Hash {
				t.Fatalf("%q %q: %v read back as %v", hashes, names, files, again)
			}
		}
	})
}

// An answer's folder is named after the declaration's number, made safe
// for a file name (the number comes from outside).
func TestAnswerFolder(t *testing.T) {
	for number, want := range map[string]string{
		"2026120300412T01": "DT-DICT 2026120300412T01",
		"2026/12 ../x":     "DT-DICT 2026_12____x",
	} {
		if got := AnswerFolder(&Declaration{Number: number}); got != want {
			t.Errorf("%q: %q, want %q", number, got, want)
		}
	}
}
