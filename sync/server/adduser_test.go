package server

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"terrimap/sync/protocol"
)

// unreadableUsers is a real storage whose reads of users fail for a moment
// (the database away between two statements).
type unreadableUsers struct{ Storage }

var errUsersAway = errors.New("users table unreadable for a moment")

func (u unreadableUsers) User(context.Context, string) (User, error) {
	return User{}, errUsersAway
}

// A user add whose read of the existing user fails must fail and change
// nothing: going on would replace the user's memberships in other
// organisations by the one given.
func TestAddUserKeepsMembershipsWhenUserUnreadable(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, o := range []Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus"}, {ID: "71550", Name: "Uchizy"}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := AddUser(ctx, st, "agent", "premier mot de passe", "71543", protocol.RoleEditor); err != nil {
		t.Fatal(err)
	}
	err = AddUser(ctx, unreadableUsers{st}, "agent", "premier mot de passe", "71550", protocol.RoleViewer)
	if !errors.Is(err, errUsersAway) {
		t.Errorf("AddUser with the user unreadable: %v, want the read's error", err)
	}
	u, err := st.User(ctx, "agent")
	if err != nil {
		t.Fatal(err)
	}
	want := []protocol.Membership{{Org: "71543", OrgName: "Tournus", Role: protocol.RoleEditor}}
	if !SameRoles(u.Memberships, want) {
		t.Errorf("memberships after a failed user add: %+v, want %+v", u.Memberships, want)
	}
}
