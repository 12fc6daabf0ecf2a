package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"terrimap/sync/server"
)

// The user commands over a real platform file: add, list, revoke, remove.
func TestUserCommands(t *testing.T) { forEachStorage(t, testUserCommands) }

func testUserCommands(t *testing.T, db string) {
	ctx := context.Background()
	onPlatform(t, db, func(st platform) {
		if err := st.PutOrganisation(ctx, server.Organisation{ID: "71543", Name: "Tournus"}); err != nil {
			t.Fatal(err)
		}
	})
	user := func(stdin string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := run(ctx, append([]string{"user"}, append(args, "--db", db)...), strings.NewReader(stdin), &out, &errs)
		return code, out.String(), errs.String()
	}
	// signedIn gives tournus n tokens, as n desks signing in would.
	signedIn := func(n int) {
		t.Helper()
		onPlatform(t, db, func(st platform) {
			for i := range n {
				if err := st.PutToken(ctx, strings.Repeat("a", 63)+string(rune('0'+i)), "tournus", time.Now().Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.RecordLogin(ctx, "tournus", time.Date(2026, 3, 2, 8, 30, 0, 0, time.Local)); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"mot de passe sûr\n", []string{"add", "--org", "71543", "--role", "editor", "tournus"}, 0, "User tournus added: editor of 71543."},
		{"", []string{"list"}, 0, "tournus  editor of 71543 (Tournus)  0       never"},
		{"", []string{"revoke", "personne"}, 1, ""},
		{"", []string{"remove"}, 2, ""},
		{"", []string{"purge"}, 2, ""},
	} {
		code, out, errs := user(c.stdin, c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("user %v: exit %d, %q %q; want %d, %q", c.args, code, out, errs, c.code, c.out)
		}
	}
	signedIn(2)
	if _, out, _ := user("", "list"); !strings.Contains(out, "tournus  editor of 71543 (Tournus)  2       2026-03-02 08:30") {
		t.Errorf("list with two desks signed in:\n%s", out)
	}
	if code, out, _ := user("", "revoke", "tournus"); code != 0 || !strings.Contains(out, "2 token(s) of tournus revoked") {
		t.Errorf("revoke: exit %d, %q", code, out)
	}
	// A new role signs the desks out.
	signedIn(1)
	if code, out, _ := user("nouveau mot de passe\n", "add", "--org", "71543", "--role", "viewer", "tournus"); code != 0 || !strings.Contains(out, "updated") {
		t.Errorf("add over an existing user: exit %d, %q", code, out)
	}
	if _, out, _ := user("", "list"); !strings.Contains(out, "tournus  viewer of 71543 (Tournus)  0") {
		t.Errorf("list after a new role:\n%s", out)
	}
	if code, out, _ := user("", "remove", "tournus"); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("remove: exit %d, %q", code, out)
	}
	if code, _, errs := user("", "remove", "tournus"); code != 1 || !strings.Contains(errs, `no user "tournus"`) {
		t.Errorf("remove twice: exit %d, %q", code, errs)
	}
	if _, out, _ := user("", "list"); strings.Contains(out, "tournus") {
		t.Errorf("list after remove:\n%s", out)
	}
}
