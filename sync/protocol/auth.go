package protocol

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of the credentials a TokenRequest may carry.
const (
	// MaxUsernameLength bounds TokenRequest.Username, in bytes.
	MaxUsernameLength = 256
	// MaxPasswordLength bounds TokenRequest.Password, in bytes.
	MaxPasswordLength = 1024
)

// TokenRequest is the body of POST PathToken.
type TokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Validate checks that both credentials are given and not absurdly long.
// Its errors never quote the password.
func (r TokenRequest) Validate() error {
	switch {
	case strings.TrimSpace(r.Username) == "":
		return errors.New("username is empty")
	case len(r.Username) > MaxUsernameLength:
		return fmt.Errorf("username is longer than %d bytes", MaxUsernameLength)
	case r.Password == "":
		return errors.New("password is empty")
	case len(r.Password) > MaxPasswordLength:
		return fmt.Errorf("password is longer than %d bytes", MaxPasswordLength)
	}
	return nil
}

// TokenResponse is the answer to a TokenRequest with good credentials.
type TokenResponse struct {
	// Token goes in HeaderAuthorization (see Authorization) of every other call.
	Token string `json:"token"`
	// ExpiresAt is when the token stops working; log in again before.
	ExpiresAt time.Time `json:"expires_at"`
	// User says who logged in and their roles.
	User UserInfo `json:"user"`
}

// Validate checks the token is usable in a header and expires some time.
func (r TokenResponse) Validate() error {
	switch {
	case r.Token == "" || len(r.Token) > 4096:
		return errors.New("token is empty or too long")
	case strings.ContainsAny(r.Token, " \t\r\n") || !utf8.ValidString(r.Token) || strings.ContainsFunc(r.Token, func(c rune) bool { return c < 0x20 || c == 0x7f }):
		return errors.New("token holds spaces or control characters")
	case r.ExpiresAt.IsZero():
		return errors.New("expires_at is missing")
	}
	return r.User.Validate()
}

// OrgCCMT is the organisation code of the intercommunality itself; communes
// are named by their INSEE code.
const OrgCCMT = "ccmt"

// UserInfo is who a token belongs to.
type UserInfo struct {
	// Name is the user name, as typed in TokenRequest.
	Name string `json:"name"`
	// Roles gives the user's role in each organisation they belong to.
	Roles []Membership `json:"roles,omitempty"`
}

// Validate checks each membership names an organisation.
func (u UserInfo) Validate() error {
	for i, m := range u.Roles {
		if m.Org == "" {
			return fmt.Errorf("roles[%d]: org is empty", i)
		}
	}
	return nil
}

// RoleIn returns the user's role in the organisation org.
func (u UserInfo) RoleIn(org string) (Role, bool) {
	for _, m := range u.Roles {
		if m.Org == org {
			return m.Role, true
		}
	}
	return "", false
}

// CanWrite reports whether the user may edit in some organisation.
func (u UserInfo) CanWrite() bool {
	for _, m := range u.Roles {
		if m.Role.CanWrite() {
			return true
		}
	}
	return false
}

// Membership is a user's role in one organisation.
type Membership struct {
	// Org is a commune's INSEE code ("71543") or OrgCCMT.
	Org string `json:"org"`
	// OrgName is the organisation's name, for display ("Tournus").
	OrgName string `json:"org_name,omitempty"`
	// Role is what the user may do in the organisation.
	Role Role `json:"role"`
}

// Role is what a user may do in an organisation.
type Role string

// The roles. An unknown role (from a newer platform) grants nothing.
const (
	// RoleViewer reads (an élu).
	RoleViewer Role = "viewer"
	// RoleEditor reads and edits the layers granted to editors, within the
	// organisation's territory (a field agent).
	RoleEditor Role = "editor"
	// RoleAdmin edits and manages users of the organisation.
	RoleAdmin Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleViewer || r == RoleEditor || r == RoleAdmin }

// CanWrite reports whether the role may edit features.
func (r Role) CanWrite() bool { return r == RoleEditor || r == RoleAdmin }
