package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

var (
	tournusSquare  = orb.Polygon{{{4.88, 46.53}, {4.93, 46.53}, {4.93, 46.58}, {4.88, 46.58}, {4.88, 46.53}}}
	uchizyTwoParts = orb.MultiPolygon{
		{{{4.88, 46.48}, {4.91, 46.48}, {4.91, 46.50}, {4.88, 46.48}}},
		{{{4.92, 46.48}, {4.95, 46.48}, {4.95, 46.51}, {4.92, 46.48}}},
	}
)

// putOrgs writes the intercommunality and two communes.
func putOrgs(t *testing.T, st accountStore) {
	t.Helper()
	for _, o := range []server.Organisation{
		{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"},
		{ID: "71543", Name: "Tournus", Territory: tournusSquare},
		{ID: "71550", Name: "Uchizy", Territory: uchizyTwoParts},
	} {
		if err := st.PutOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOrganisations(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		putOrgs(t, st)
		for _, want := range []server.Organisation{
			{ID: protocol.OrgCCMT, Name: "CC Mâconnais-Tournugeois"},
			{ID: "71543", Name: "Tournus", Territory: tournusSquare},
			{ID: "71550", Name: "Uchizy", Territory: uchizyTwoParts},
		} {
			got, err := st.Organisation(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != want.Name || !orb.Equal(got.Territory, want.Territory) && (got.Territory != nil || want.Territory != nil) {
				t.Errorf("organisation %s: %+v, want %+v", want.ID, got, want)
			}
		}
		// Replaced: a new name, no territory any more.
		if err := st.PutOrganisation(ctx, server.Organisation{ID: "71543", Name: "Ville de Tournus"}); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Organisation(ctx, "71543"); err != nil || got.Name != "Ville de Tournus" || got.Territory != nil {
			t.Errorf("replaced organisation: %+v, %v", got, err)
		}
		if _, err := st.Organisation(ctx, "99999"); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("unknown organisation: %v", err)
		}
	})
}

func TestChangedUserLosesTokens(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		putOrgs(t, st)
		now := time.Now()
		editor := []protocol.Membership{{Org: "71543", Role: protocol.RoleEditor}}
		put := func(u server.User) {
			t.Helper()
			if err := st.PutUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		token := func(n int) string {
			t.Helper()
			h := fmt.Sprintf("token-%d", n)
			if err := st.PutToken(ctx, h, "tournus", now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			return h
		}
		valid := func(h string) bool {
			user, err := st.TokenUser(ctx, h, now)
			if err != nil && !errors.Is(err, server.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil && user == "tournus"
		}
		put(server.User{Name: "tournus", PasswordHash: "h1", Memberships: editor})
		for i, c := range []struct {
			name string
			user server.User
			kept bool
		}{
			{"unchanged", server.User{Name: "tournus", PasswordHash: "h1", Memberships: editor}, true},
			{"new password", server.User{Name: "tournus", PasswordHash: "h2", Memberships: editor}, false},
			{"new role", server.User{Name: "tournus", PasswordHash: "h2", Memberships: []protocol.Membership{{Org: "71543", Role: protocol.RoleViewer}}}, false},
			{"one more organisation", server.User{Name: "tournus", PasswordHash: "h2", Memberships: []protocol.Membership{
				{Org: "71550", Role: protocol.RoleViewer}, {Org: "71543", Role: protocol.RoleViewer}}}, false},
			{"same roles in another order", server.User{Name: "tournus", PasswordHash: "h2", Memberships: []protocol.Membership{
				{Org: "71543", Role: protocol.RoleViewer}, {Org: "71550", Role: protocol.RoleViewer}}}, true},
		} {
			h := token(i)
			put(c.user)
			if got := valid(h); got != c.kept {
				t.Errorf("%s: token kept %v, want %v", c.name, got, c.kept)
			}
			u, err := st.User(ctx, "tournus")
			if err != nil {
				t.Fatal(err)
			}
			if u.PasswordHash != c.user.PasswordHash || !sameRoleList(u.Memberships, c.user.Memberships) {
				t.Errorf("%s: user read back %+v", c.name, u)
			}
		}
		if _, err := st.User(ctx, "personne"); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}

// sameRoleList compares memberships by organisation and role.
func sameRoleList(a, b []protocol.Membership) bool {
	key := func(ms []protocol.Membership) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Org+"/"+string(m.Role))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

func TestUsersTokensAndLogins(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		putOrgs(t, st)
		now := time.Date(2026, 3, 2, 9, 0, 0, 123_456_789, time.UTC)
		for _, u := range []server.User{
			{Name: "tournus", PasswordHash: "h", Memberships: []protocol.Membership{{Org: "71543", Role: protocol.RoleEditor}}},
			{Name: "elu", PasswordHash: "h", Memberships: []protocol.Membership{{Org: "71550", Role: protocol.RoleViewer}, {Org: "71543", Role: protocol.RoleViewer}}},
			{Name: "orphelin", PasswordHash: "h", Memberships: []protocol.Membership{{Org: "00000", Role: protocol.RoleViewer}}},
			{Name: "admin", PasswordHash: "h"},
		} {
			if err := st.PutUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		for i, expires := range []time.Duration{time.Hour, time.Minute, -time.Minute} {
			if err := st.PutToken(ctx, fmt.Sprint("t", i), "tournus", now.Add(expires)); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.PutToken(ctx, "e", "elu", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordLogin(ctx, "tournus", now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordLogin(ctx, "tournus", now); err != nil {
			t.Fatal(err)
		}
		users, err := st.Users(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			name   string
			tokens int
			login  bool
			orgs   string
		}
		var got []row
		for _, u := range users {
			orgs := ""
			for _, m := range u.Memberships {
				orgs += fmt.Sprintf("%s:%s:%s ", m.Org, m.OrgName, m.Role)
			}
			got = append(got, row{u.Name, u.Tokens, !u.LastLogin.IsZero(), orgs})
			if u.Name == "tournus" && !u.LastLogin.Equal(now.Truncate(time.Microsecond)) && !u.LastLogin.Equal(now) {
				t.Errorf("last login %v, want %v", u.LastLogin, now)
			}
		}
		want := []row{
			{"admin", 0, false, ""},
			{"elu", 1, false, "71543:Tournus:viewer 71550:Uchizy:viewer "},
			{"orphelin", 0, false, "00000:00000:viewer "},
			{"tournus", 2, true, "71543:Tournus:editor "},
		}
		if !slices.Equal(got, want) {
			t.Errorf("users:\n got %+v\nwant %+v", got, want)
		}
	})
}

func TestRevokeAndRemove(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		putOrgs(t, st)
		now := time.Now()
		for _, name := range []string{"tournus", "uchizy"} {
			if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: "h", Memberships: []protocol.Membership{{Org: "71543", Role: protocol.RoleEditor}}}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := st.PutToken(ctx, fmt.Sprint(name, i), name, now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := st.RevokeToken(ctx, "tournus0"); err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeToken(ctx, "tournus0"); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("revoking a token twice: %v", err)
		}
		if n, err := st.RevokeTokens(ctx, "tournus"); err != nil || n != 2 {
			t.Errorf("revoke tokens: %d, %v; want 2", n, err)
		}
		if n, err := st.RevokeTokens(ctx, "tournus"); err != nil || n != 0 {
			t.Errorf("revoke tokens again: %d, %v; want 0", n, err)
		}
		if err := st.RecordLogin(ctx, "uchizy", now); err != nil {
			t.Fatal(err)
		}
		if err := st.RemoveUser(ctx, "uchizy"); err != nil {
			t.Fatal(err)
		}
		if err := st.RemoveUser(ctx, "uchizy"); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("removing twice: %v", err)
		}
		if _, err := st.TokenUser(ctx, "uchizy1", now); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("a removed user's token: %v", err)
		}
		// The name given again is a new account: nothing of the old one.
		if err := st.PutUser(ctx, server.User{Name: "uchizy", PasswordHash: "h2"}); err != nil {
			t.Fatal(err)
		}
		users, err := st.Users(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(users, func(u server.UserSummary) bool { return u.Name == "uchizy" })
		if i < 0 || users[i].Tokens != 0 || !users[i].LastLogin.IsZero() || len(users[i].Memberships) != 0 {
			t.Errorf("the name given again: %+v", users)
		}
	})
}

// Expired tokens go, a batch per transaction; one valid for a nanosecond
// more stays and still signs in.
func TestPurgeTokens(t *testing.T) {
	forBothStorages(t, func(t *testing.T, st accountStore) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 500_000_000, time.UTC)
		if err := st.PutUser(ctx, server.User{Name: "elu", PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
		const expired = 1100
		for i := range expired {
			if err := st.PutToken(ctx, fmt.Sprint("expired-", i), "elu", now.Add(-time.Duration(i+1)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.PutToken(ctx, "soon", "elu", now.Add(time.Nanosecond)); err != nil {
			t.Fatal(err)
		}
		if err := st.PutToken(ctx, "now", "elu", now); err != nil {
			t.Fatal(err)
		}
		if _, err := st.TokenUser(ctx, "now", now); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("a token at its expiry: %v", err)
		}
		if err := st.RevokeToken(ctx, "now"); err != nil {
			t.Fatal(err)
		}
		n, err := server.PurgeExpiredTokens(ctx, st, now)
		if err != nil || n != expired {
			t.Fatalf("purge: %d, %v; want %d", n, err, expired)
		}
		if user, err := st.TokenUser(ctx, "soon", now); err != nil || user != "elu" {
			t.Errorf("a token valid for 1 ns more: %q, %v", user, err)
		}
		if _, err := st.TokenUser(ctx, "soon", now.Add(time.Microsecond)); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("that token a microsecond later: %v", err)
		}
		if n, err := st.RevokeTokens(ctx, "elu"); err != nil || n != 1 {
			t.Errorf("tokens left: %d, %v; want 1", n, err)
		}
	})
}

// Users come in the same order as on SQLite (by the bytes of their names)
// even in a database whose text sorts the French way.
func TestUsersOrderIgnoresTheDatabaseCollation(t *testing.T) {
	ctx := context.Background()
	st := openTestStorage(t)
	if _, err := st.pool.Exec(ctx, `ALTER TABLE terrimap.users ALTER COLUMN name TYPE text COLLATE "fr-FR-x-icu"`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"élu", "admin", "Zoé", "Élodie", "zoe"} {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	users, err := st.Users(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Name)
	}
	if want := []string{"Zoé", "admin", "zoe", "Élodie", "élu"}; !slices.Equal(got, want) {
		t.Errorf("users in the order %v, want %v", got, want)
	}
}
