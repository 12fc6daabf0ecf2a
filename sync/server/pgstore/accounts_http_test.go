package pgstore

import (
	"context"
	"net/http"
	"testing"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// Sessions on PostgreSQL over real HTTP: a desk signs out alone, a new
// password signs every desk of the user out, another user keeps theirs,
// and a removed user's token no longer opens anything.
func TestSessionsOverHTTP(t *testing.T) {
	ctx := context.Background()
	p := newHTTPPlatform(t)
	layers := func(token string) int {
		t.Helper()
		p.tokens["?"] = token
		resp, _ := p.request("?", http.MethodGet, protocol.PathLayers, nil, nil)
		return resp.StatusCode
	}
	office, field := p.signIn("tournus"), p.signIn("tournus")
	p.tokens["tournus"] = office
	if resp, _ := p.request("tournus", http.MethodDelete, protocol.PathToken, nil, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign out: HTTP %d", resp.StatusCode)
	}
	if code := layers(office); code != http.StatusUnauthorized {
		t.Errorf("signed-out token: HTTP %d, want 401", code)
	}
	if code := layers(field); code != http.StatusOK {
		t.Errorf("the same user's other desk: HTTP %d", code)
	}
	if err := server.AddUser(ctx, p.pg, "tournus", "nouveau mot de passe", "71543", protocol.RoleEditor); err != nil {
		t.Fatal(err)
	}
	if code := layers(field); code != http.StatusUnauthorized {
		t.Errorf("token after a new password: HTTP %d, want 401", code)
	}
	elu := p.tokens["elu"]
	if code := layers(elu); code != http.StatusOK {
		t.Errorf("another user's token: HTTP %d", code)
	}
	users, err := p.pg.Users(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == "elu" && (u.Tokens != 1 || u.LastLogin.IsZero()) {
			t.Errorf("elu in the user list: %+v", u)
		}
	}
	if err := p.pg.RemoveUser(ctx, "elu"); err != nil {
		t.Fatal(err)
	}
	if code := layers(elu); code != http.StatusUnauthorized {
		t.Errorf("removed user's token: HTTP %d, want 401", code)
	}
}

// A user name PostgreSQL cannot hold (a NUL byte, from JSON's \u0000) is
// an unknown user — 401 as on SQLite — not a server error.
func TestSignInWithAnUnstorableName(t *testing.T) {
	p := newHTTPPlatform(t)
	resp, body := p.request("", http.MethodPost, protocol.PathToken,
		[]byte(`{"username": "tournus\u0000", "password": "mot de passe sûr"}`),
		map[string]string{protocol.HeaderContentType: protocol.ContentTypeJSON})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign-in as \"tournus\\x00\": HTTP %d %s, want 401", resp.StatusCode, body)
	}
}
