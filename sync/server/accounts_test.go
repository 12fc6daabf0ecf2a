package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
)

// layersStatus is the answer to GET /api/v1/layers with a token.
func (f *platformFixture) layersStatus(token string) int {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+protocol.PathLayers, nil)
	req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// signIn returns a new token of user (another desk).
func (f *platformFixture) signIn(user string) string {
	f.t.Helper()
	var resp protocol.TokenResponse
	if code := f.do("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: user, Password: rightPassword}, &resp); code != http.StatusOK {
		f.t.Fatalf("sign in %s: HTTP %d", user, code)
	}
	return resp.Token
}

func TestChangedAccountLosesItsTokens(t *testing.T) {
	ctx := context.Background()
	f := newPlatformFixture(t)
	tournus, uchizy, elu := f.tokens["tournus"], f.tokens["uchizy"], f.tokens["elu"]
	// user add on an existing user: a new password.
	if err := AddUser(ctx, f.st, "tournus", "nouveau mot de passe", "71543", protocol.RoleEditor); err != nil {
		t.Fatal(err)
	}
	if code := f.layersStatus(tournus); code != http.StatusUnauthorized {
		t.Errorf("token after a new password: HTTP %d, want 401", code)
	}
	if code := f.layersStatus(uchizy); code != http.StatusOK {
		t.Errorf("another user's token: HTTP %d", code)
	}
	// The same password hash with another role.
	u, err := f.st.User(ctx, "elu")
	if err != nil {
		t.Fatal(err)
	}
	u.Memberships = []protocol.Membership{{Org: "71543", Role: protocol.RoleEditor}}
	if err := f.st.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if code := f.layersStatus(elu); code != http.StatusUnauthorized {
		t.Errorf("token after a new role: HTTP %d, want 401", code)
	}
	// Writing a user back unchanged keeps their sessions.
	u, _ = f.st.User(ctx, "uchizy")
	if err := f.st.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if code := f.layersStatus(uchizy); code != http.StatusOK {
		t.Errorf("token after an unchanged PutUser: HTTP %d", code)
	}
}

func TestSignOut(t *testing.T) {
	f := newPlatformFixture(t)
	office, field := f.signIn("tournus"), f.signIn("tournus")
	signOut := func(token string) int {
		req, _ := http.NewRequest(http.MethodDelete, f.http.URL+protocol.PathToken, nil)
		if token != "" {
			req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(token))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := signOut(office); code != http.StatusNoContent {
		t.Fatalf("sign out: HTTP %d, want 204", code)
	}
	if code := f.layersStatus(office); code != http.StatusUnauthorized {
		t.Errorf("signed-out token: HTTP %d, want 401", code)
	}
	if code := f.layersStatus(field); code != http.StatusOK {
		t.Errorf("the same user's other desk: HTTP %d", code)
	}
	if code := signOut(office); code != http.StatusUnauthorized {
		t.Errorf("signing out twice: HTTP %d, want 401", code)
	}
	if code := signOut(""); code != http.StatusUnauthorized {
		t.Errorf("signing out without a token: HTTP %d, want 401", code)
	}
}

func TestRevokeAndRemoveUser(t *testing.T) {
	ctx := context.Background()
	f := newPlatformFixture(t)
	second := f.signIn("tournus")
	id := newID()
	if r := f.push("tournus", createHydrant(id, orb.Point{4.9, 46.55}, nil))[0]; r.Status != protocol.StatusApplied {
		t.Fatalf("create: %+v", r)
	}
	users, err := f.st.Users(ctx, f.now)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u UserSummary) bool { return u.Name == "tournus" })
	if i < 0 || users[i].Tokens != 2 || users[i].LastLogin.IsZero() || len(users[i].Memberships) != 1 || users[i].Memberships[0].OrgName != "Tournus" {
		t.Fatalf("user list: %+v", users)
	}
	if n, err := f.st.RevokeTokens(ctx, "tournus"); err != nil || n != 2 {
		t.Fatalf("revoke: %d, %v; want 2", n, err)
	}
	if f.layersStatus(second) != http.StatusUnauthorized || f.layersStatus(f.tokens["tournus"]) != http.StatusUnauthorized {
		t.Error("a revoked token still works")
	}
	f.tokens["tournus"] = f.signIn("tournus")
	if err := f.st.RemoveUser(ctx, "tournus"); err != nil {
		t.Fatal(err)
	}
	if code := f.layersStatus(f.tokens["tournus"]); code != http.StatusUnauthorized {
		t.Errorf("removed user's token: HTTP %d, want 401", code)
	}
	if _, err := f.st.User(ctx, "tournus"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed user: %v", err)
	}
	// Their edits keep their name.
	var hist protocol.HistoryResponse
	if code := f.do("elu", http.MethodGet, protocol.HistoryPath(id), nil, &hist); code != http.StatusOK || len(hist.Versions) != 1 || hist.Versions[0].Author != "tournus" {
		t.Errorf("history after removal: %d %+v", code, hist.Versions)
	}
	if err := f.st.RemoveUser(ctx, "tournus"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
}

func TestPurgeExpiredTokens(t *testing.T) {
	ctx := context.Background()
	f := newPlatformFixture(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 500_000_000, time.UTC)
	// 1234 tokens expired from one minute to 1234 minutes ago, written as
	// PutToken writes them.
	if _, err := f.st.Workspace().DB().Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
		INSERT INTO srv_tokens (hash, user, expires_at)
		SELECT 'expired-' || i, 'elu', strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-' || i || ' minutes') FROM n`,
		now.Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	soon := tokenHash("valide encore une demi-seconde")
	if err := f.st.PutToken(ctx, soon, "elu", now.Add(time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	n, err := PurgeExpiredTokens(ctx, f.st, now)
	if err != nil || n != 1234 {
		t.Fatalf("purge: %d, %v; want 1234", n, err)
	}
	var left int
	if err := f.st.Workspace().DB().QueryRow(`SELECT count(*) FROM srv_tokens`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if want := len(f.tokens) + 1; left != want {
		t.Errorf("%d tokens left, want %d", left, want)
	}
	if user, err := f.st.TokenUser(ctx, soon, now); err != nil || user != "elu" {
		t.Errorf("a token valid for 1 ns more: %q, %v", user, err)
	}
}
