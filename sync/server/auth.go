package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// ErrBadCredentials is returned for a wrong user name or password.
var ErrBadCredentials = errors.New("server: wrong user name or password")

// errBusy: too many password checks wait already; try again in a moment.
var errBusy = errors.New("server: too many sign-ins at once")

// bcryptCost is the work factor of stored password hashes.
const bcryptCost = 11

// HashPassword returns the bcrypt hash of a password, for PutUser.
func HashPassword(password string) (string, error) { return HashPasswordCost(password, bcryptCost) }

// HashPasswordCost is HashPassword with another bcrypt work factor: tests
// use bcrypt.MinCost, which the race detector makes bearable.
func HashPasswordCost(password string, cost int) (string, error) {
	if len(password) < 8 {
		return "", fmt.Errorf("server: a password needs at least 8 characters")
	}
	if len(password) > 72 {
		return "", fmt.Errorf("server: a password has at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("server: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash makes a login for an unknown user cost as much as a wrong
// password, so that timing does not tell which user names exist.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("terrimap: no such user"), bcryptCost)
	return h
})

// checkPassword returns the user whose password it is, or
// ErrBadCredentials. The check costs the same for an unknown user (timing
// does not tell which names exist) and runs within the gate: errBusy when
// no slot came in time.
func (s *Server) checkPassword(ctx context.Context, name, password string) (User, error) {
	u, err := s.st.User(ctx, name)
	hash := []byte(u.PasswordHash)
	if errors.Is(err, ErrNotFound) {
		hash = dummyHash()
	} else if err != nil {
		return User{}, err
	}
	if !s.guard.gate.enter(ctx) {
		return User{}, errBusy
	}
	mismatch := bcrypt.CompareHashAndPassword(hash, []byte(password))
	s.guard.gate.leave()
	if err != nil || mismatch != nil {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// issueToken makes a token valid for ttl from now, keeps its hash and
// notes the sign-in.
func issueToken(ctx context.Context, st Storage, user string, ttl time.Duration, now time.Time) (token string, expires time.Time, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("server: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	expires = now.Add(ttl)
	if err := st.PutToken(ctx, tokenHash(token), user, expires); err != nil {
		return "", time.Time{}, err
	}
	if err := st.RecordLogin(ctx, user, now); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// tokenHash is what the platform stores of a token: a stolen database
// gives no usable token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
