package server

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"terrimap/sync/protocol"
)

// NewPassword returns a random password easy to read out and type.
func NewPassword() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12]
}

// AddUser creates a user (or replaces its password) with a role in one organisation.
func AddUser(ctx context.Context, st Storage, name, password, org string, role protocol.Role) error {
	if !role.Valid() {
		return fmt.Errorf("server: role %q is not viewer, editor or admin", role)
	}
	if name == "" || strings.ContainsAny(name, " \t\n:/") {
		return fmt.Errorf("server: %q is not a user name", name)
	}
	if _, err := st.Organisation(ctx, org); err != nil {
		return fmt.Errorf("server: organisation %s: %w (a commune's INSEE code or %q)", org, err, protocol.OrgCCMT)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u := User{Name: name, PasswordHash: hash}
	// The user's other memberships are kept: a read that fails (not a user
	// that does not exist) must stop here, not replace them all.
	old, err := st.User(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("server: add user %s: %w", name, err)
	}
	for _, m := range old.Memberships {
		if m.Org != org {
			u.Memberships = append(u.Memberships, m)
		}
	}
	u.Memberships = append(u.Memberships, protocol.Membership{Org: org, Role: role})
	return st.PutUser(ctx, u)
}
