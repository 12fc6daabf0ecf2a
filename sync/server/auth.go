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

// Login checks a user's password and issues a token valid for ttl.
func Login(ctx context.Context, st Storage, name, password string, ttl time.Duration, now time.Time) (token string, u User, expires time.Time, err error) {
	u, err = st.User(ctx, name)
	if errors.Is(err, ErrNotFound) {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", User{}, time.Time{}, ErrBadCredentials
	}
	if err != nil {
		return "", User{}, time.Time{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return "", User{}, time.Time{}, ErrBadCredentials
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", User{}, time.Time{}, fmt.Errorf("server: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	expires = now.Add(ttl)
	if err := st.PutToken(ctx, tokenHash(token), name, expires); err != nil {
		return "", User{}, time.Time{}, err
	}
	return token, u, expires, nil
}

// tokenHash is what the platform stores of a token: a stolen database
// gives no usable token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
