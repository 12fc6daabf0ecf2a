package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"terrimap/dtdict"
	"terrimap/internal/paper"
	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/demoseed"
)

// demoPlatform runs the demo platform (SQLite file, over HTTP): the 24
// communes, their networks, the DT-DICT settings and register, and the
// demo users, whose passwords it returns by name.
func demoPlatform(t *testing.T) (string, map[string]string) {
	t.Helper()
	st := testplatform.Storage(t)
	users, err := demoseed.Seed(context.Background(), st, demo.GenerateOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	passwords := map[string]string{}
	for _, u := range users {
		passwords[u.Name] = u.Password
	}
	return testplatform.Serve(t, st), passwords
}

// syncDesk runs terrimap sync for user's desk at ws.
func syncDesk(t *testing.T, url, ws, user, password string) {
	t.Helper()
	t.Setenv(passwordEnv, password)
	if code, out, errOut := run(t, "sync", "--workspace", ws, "--server", url, "--user", user); code != 0 {
		t.Fatalf("sync of %s: %d\n%s%s", ws, code, out, errOut)
	}
}

// From the XML received by Tournus to the register on the
// intercommunality's desk: the agent of Tournus imports and answers the DT
// on his desk, syncs; the administrator's desk syncs and finds the
// declaration answered, with its due date and every file, byte for byte.
func TestDtdictFromTheXMLToTheRegisterOfASecondDesk(t *testing.T) {
	url, passwords := demoPlatform(t)
	dir := t.TempDir()
	tournus := filepath.Join(dir, "tournus.gpkg")
	admin := filepath.Join(dir, "admin.gpkg")
	syncDesk(t, url, tournus, "tournus", passwords["tournus"])
	xmlPath := filepath.Join(dtdictFixtures, "dt-tournus.xml")

	code, out, errOut := run(t, "dtdict", "import", "--workspace", tournus, xmlPath)
	if code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	received := today()
	due := dtdict.Due(dtdict.KindDT, received, true)
	for _, want := range []string{"DT n° 2026120300412T01 — Tournus (71543)", "Bureau d'études Saône VRD",
		"réponse due au plus tard le " + paper.Date(due), "Concerné : ", "EAUPOT71543", "Au registre : à traiter"} {
		if !strings.Contains(out, want) {
			t.Errorf("import says\n%s\nwithout %q", out, want)
		}
	}

	answerDir := filepath.Join(dir, "réponse")
	code, out, errOut = run(t, "dtdict", "answer", "--workspace", tournus, xmlPath, "--out", answerDir, "--signatory", "Jeanne Martin, secrétaire de mairie")
	if code != 0 {
		t.Fatalf("answer: %d\n%s%s", code, out, errOut)
	}
	written, err := os.ReadDir(answerDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range written {
		names = append(names, f.Name())
	}
	for _, want := range []string{"recepisse-2026120300412T01.pdf", "plans-2026120300412T01.pdf"} {
		if !slices.Contains(names, want) || !strings.Contains(out, want) {
			t.Errorf("answer wrote %v and said\n%s\nwithout %s", names, out, want)
		}
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, ".dxf") }) {
		t.Errorf("the declarant asked for DXF plans; the answer wrote %v", names)
	}
	if !strings.Contains(out, "Registre : répondu le "+paper.Date(today())) {
		t.Errorf("answer says\n%s\nwithout the register's «répondu»", out)
	}
	syncDesk(t, url, tournus, "tournus", passwords["tournus"])

	syncDesk(t, url, admin, "admin", passwords["admin"])
	code, out, errOut = run(t, "dtdict", "list", "--workspace", admin)
	if code != 0 || !strings.Contains(out, "2026120300412T01") || !strings.Contains(out, "Répondu") || !strings.Contains(out, due.Format("02/01/2006")) {
		t.Errorf("list on the second desk: %d\n%s%s", code, out, errOut)
	}
	ws, err := store.Open(admin, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	entries, err := dtdict.Entries(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("the second desk's register: %+v, want the DT", entries)
	}
	e := entries[0]
	if e.Number != "2026120300412T01" || e.Kind != dtdict.KindDT || e.Stored != dtdict.StatusAnswered || !e.Due.Equal(due) ||
		!e.Received.Equal(received) || !e.Analysed || !e.Concerned || e.Commune != "Tournus" || e.AnsweredBy != "Jeanne Martin, secrétaire de mairie" {
		t.Errorf("the second desk's entry: %+v", e)
	}
	xml, err := os.ReadFile(xmlPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Files) != len(names)+1 || e.Files[0].Name != "declaration-2026120300412T01.xml" {
		t.Fatalf("files %+v, want the XML then the %d written", e.Files, len(names))
	}
	for i, f := range e.Files {
		data, err := dtdict.ReadFile(ctx, ws, f)
		if err != nil {
			t.Errorf("file %s on the second desk: %v", f.Name, err)
			continue
		}
		want := xml
		if i > 0 {
			if want, err = os.ReadFile(filepath.Join(answerDir, f.Name)); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(data, want) {
			t.Errorf("file %s differs on the second desk (%d bytes, want %d)", f.Name, len(data), len(want))
		}
	}
}
