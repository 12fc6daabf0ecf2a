package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// Accounts in the platform's file: srv_users (name, bcrypt hash),
// srv_memberships (a role per organisation), srv_tokens (the SHA-256 of
// each token, its user and expiry, RFC 3339 UTC) and srv_logins (each
// user's last sign-in).

var _ Accounts = (*SQLiteStorage)(nil)

// User returns a user with their memberships.
func (s *SQLiteStorage) User(ctx context.Context, name string) (User, error) {
	u := User{Name: name}
	err := s.ws.DB().QueryRowContext(ctx, `SELECT password_hash FROM srv_users WHERE name = ?`, name).Scan(&u.PasswordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("%w: user %s", ErrNotFound, name)
	}
	if err != nil {
		return u, fmt.Errorf("server: user %s: %w", name, err)
	}
	u.Memberships, err = memberships(ctx, s.ws.DB(), name)
	return u, err
}

// querier is what reads memberships: the database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func memberships(ctx context.Context, db querier, name string) ([]protocol.Membership, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.org, coalesce(o.name, m.org), m.role FROM srv_memberships m
		LEFT JOIN srv_orgs o ON o.id = m.org WHERE m.user = ? ORDER BY m.org`, name)
	if err != nil {
		return nil, fmt.Errorf("server: user %s: %w", name, err)
	}
	defer rows.Close()
	var out []protocol.Membership
	for rows.Next() {
		var m protocol.Membership
		var role string
		if err := rows.Scan(&m.Org, &m.OrgName, &role); err != nil {
			return nil, fmt.Errorf("server: user %s: %w", name, err)
		}
		m.Role = protocol.Role(role)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("server: user %s: %w", name, err)
	}
	return out, nil
}

// PutUser creates or replaces a user and their memberships. Replacing
// the password or a role of an existing user revokes their tokens in the
// same transaction: every desk signs in again, with the new password and
// the new rights.
func (s *SQLiteStorage) PutUser(ctx context.Context, u User) error {
	err := s.ws.Edit(ctx, func(tx *store.Tx) error {
		db := tx.SQL()
		var oldHash string
		err := db.QueryRowContext(ctx, `SELECT password_hash FROM srv_users WHERE name = ?`, u.Name).Scan(&oldHash)
		existed := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		changed := existed && oldHash != u.PasswordHash
		if existed && !changed {
			old, err := memberships(ctx, db, u.Name)
			if err != nil {
				return err
			}
			changed = !SameRoles(old, u.Memberships)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO srv_users (name, password_hash) VALUES (?, ?)
			ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash`, u.Name, u.PasswordHash); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM srv_memberships WHERE user = ?`, u.Name); err != nil {
			return err
		}
		for _, m := range u.Memberships {
			if _, err := db.ExecContext(ctx, `INSERT INTO srv_memberships (user, org, role) VALUES (?, ?, ?)`, u.Name, m.Org, string(m.Role)); err != nil {
				return err
			}
		}
		if changed {
			if _, err := db.ExecContext(ctx, `DELETE FROM srv_tokens WHERE user = ?`, u.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("server: put user %s: %w", u.Name, err)
	}
	return nil
}

// PutToken records a token's hash.
func (s *SQLiteStorage) PutToken(ctx context.Context, hash, user string, expires time.Time) error {
	return s.exec(ctx, `INSERT INTO srv_tokens (hash, user, expires_at) VALUES (?, ?, ?)`, hash, user, expires.UTC().Format(time.RFC3339Nano))
}

// TokenUser returns the user of an unexpired token.
func (s *SQLiteStorage) TokenUser(ctx context.Context, hash string, now time.Time) (string, error) {
	var user, expires string
	err := s.ws.DB().QueryRowContext(ctx, `SELECT user, expires_at FROM srv_tokens WHERE hash = ?`, hash).Scan(&user, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: token", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("server: token: %w", err)
	}
	if t, err := time.Parse(time.RFC3339Nano, expires); err != nil || !now.Before(t) {
		return "", fmt.Errorf("%w: token expired", ErrNotFound)
	}
	return user, nil
}

// Users lists every account by name, with its valid tokens and last login.
func (s *SQLiteStorage) Users(ctx context.Context, now time.Time) ([]UserSummary, error) {
	db := s.ws.DB()
	rows, err := db.QueryContext(ctx, `SELECT u.name, coalesce(l.at, '') FROM srv_users u
		LEFT JOIN srv_logins l ON l.user = u.name ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("server: users: %w", err)
	}
	var out []UserSummary
	for rows.Next() {
		var u UserSummary
		var at string
		if err := rows.Scan(&u.Name, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("server: users: %w", err)
		}
		u.LastLogin, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("server: users: %w", err)
	}
	for i := range out {
		if out[i].Memberships, err = memberships(ctx, db, out[i].Name); err != nil {
			return nil, err
		}
		if out[i].Tokens, err = validTokens(ctx, db, out[i].Name, now); err != nil {
			return nil, fmt.Errorf("server: users: %w", err)
		}
	}
	return out, nil
}

// validTokens counts a user's tokens that have not expired at now.
func validTokens(ctx context.Context, db querier, user string, now time.Time) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT expires_at FROM srv_tokens WHERE user = ?`, user)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var expires string
		if err := rows.Scan(&expires); err != nil {
			return 0, err
		}
		if t, err := time.Parse(time.RFC3339Nano, expires); err == nil && now.Before(t) {
			n++
		}
	}
	return n, rows.Err()
}

// RemoveUser deletes a user, their memberships, tokens and last login.
func (s *SQLiteStorage) RemoveUser(ctx context.Context, name string) error {
	err := s.ws.Edit(ctx, func(tx *store.Tx) error {
		res, err := tx.SQL().ExecContext(ctx, `DELETE FROM srv_users WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: user %s", ErrNotFound, name)
		}
		for _, q := range []string{
			`DELETE FROM srv_memberships WHERE user = ?`,
			`DELETE FROM srv_tokens WHERE user = ?`,
			`DELETE FROM srv_logins WHERE user = ?`,
		} {
			if _, err := tx.SQL().ExecContext(ctx, q, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("server: remove user: %w", err)
	}
	return nil
}

// RevokeTokens deletes every token of a user.
func (s *SQLiteStorage) RevokeTokens(ctx context.Context, user string) (int, error) {
	return s.deleteTokens(ctx, `DELETE FROM srv_tokens WHERE user = ?`, user)
}

// RevokeToken deletes one token by its hash.
func (s *SQLiteStorage) RevokeToken(ctx context.Context, hash string) error {
	n, err := s.deleteTokens(ctx, `DELETE FROM srv_tokens WHERE hash = ?`, hash)
	if err == nil && n == 0 {
		return fmt.Errorf("%w: token", ErrNotFound)
	}
	return err
}

// PurgeTokens deletes at most limit tokens expired at now. Expiries are
// compared as text: the cutoff, a whole second before now and written
// without fraction, sorts after every expiry before it and before every
// later one, whatever fraction those carry.
func (s *SQLiteStorage) PurgeTokens(ctx context.Context, now time.Time, limit int) (int, error) {
	cutoff := now.UTC().Truncate(time.Second).Add(-time.Second).Format(time.RFC3339)
	return s.deleteTokens(ctx, `DELETE FROM srv_tokens WHERE rowid IN
		(SELECT rowid FROM srv_tokens WHERE expires_at < ? LIMIT ?)`, cutoff, limit)
}

func (s *SQLiteStorage) deleteTokens(ctx context.Context, q string, args ...any) (int, error) {
	var n int64
	err := s.ws.Edit(ctx, func(tx *store.Tx) error {
		res, err := tx.SQL().ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("server: tokens: %w", err)
	}
	return int(n), nil
}

// RecordLogin notes when a user last signed in.
func (s *SQLiteStorage) RecordLogin(ctx context.Context, user string, at time.Time) error {
	err := s.exec(ctx, `INSERT INTO srv_logins (user, at) VALUES (?, ?)
		ON CONFLICT(user) DO UPDATE SET at = excluded.at`, user, at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("server: record login: %w", err)
	}
	return nil
}
