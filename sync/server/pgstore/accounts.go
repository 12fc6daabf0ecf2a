package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// Accounts in terrimap.users (name, bcrypt hash; db_role and last_push_seq
// belong to other parts of the platform and are never touched here),
// terrimap.memberships (a role per organisation), terrimap.tokens (the
// SHA-256 of each token, its user and expiry) and terrimap.logins (each
// user's last sign-in).
//
// Lists are sorted by the bytes of names and organisation ids (COLLATE
// "C"), as SQLite sorts them, whatever the database's collation.
//
// PostgreSQL keeps times to the microsecond; a token's expiry is rounded
// up to the next one, so a token is never refused before the instant it
// was given for (it may live less than a microsecond longer).

var _ server.Accounts = (*Storage)(nil)

// queryer is what reads: a pool or a transaction.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// User returns a user with their memberships. A name PostgreSQL cannot
// hold (not UTF-8, or with a NUL byte: a sign-in may send one) is no
// user's, as on SQLite, rather than a failure of the database.
func (s *Storage) User(ctx context.Context, name string) (server.User, error) {
	u := server.User{Name: name}
	if !storableText(name) {
		return u, fmt.Errorf("%w: user %q", server.ErrNotFound, name)
	}
	err := s.pool.QueryRow(ctx, `SELECT password_hash FROM terrimap.users WHERE name = $1`, name).Scan(&u.PasswordHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, fmt.Errorf("%w: user %s", server.ErrNotFound, name)
	}
	if err != nil {
		return u, fmt.Errorf("pgstore: user %s: %w", name, err)
	}
	u.Memberships, err = memberships(ctx, s.pool, name)
	return u, err
}

// storableText reports whether PostgreSQL can hold s as text.
func storableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// memberships returns a user's roles, by organisation id.
func memberships(ctx context.Context, q queryer, name string) ([]protocol.Membership, error) {
	rows, err := q.Query(ctx, `SELECT m.org, coalesce(o.name, m.org), m.role FROM terrimap.memberships m
		LEFT JOIN terrimap.orgs o ON o.id = m.org WHERE m.user_name = $1 ORDER BY m.org COLLATE "C"`, name)
	if err != nil {
		return nil, fmt.Errorf("pgstore: user %s: %w", name, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (protocol.Membership, error) {
		var m protocol.Membership
		var role string
		err := row.Scan(&m.Org, &m.OrgName, &role)
		m.Role = protocol.Role(role)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: user %s: %w", name, err)
	}
	return out, nil
}

// PutUser creates or replaces a user and their memberships. Replacing the
// password or a role of an existing user revokes their tokens in the same
// transaction: every desk signs in again, with the new password and the
// new rights.
func (s *Storage) PutUser(ctx context.Context, u server.User) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var oldHash string
		err := tx.QueryRow(ctx, `SELECT password_hash FROM terrimap.users WHERE name = $1 FOR UPDATE`, u.Name).Scan(&oldHash)
		existed := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		changed := existed && oldHash != u.PasswordHash
		if existed && !changed {
			old, err := memberships(ctx, tx, u.Name)
			if err != nil {
				return err
			}
			changed = !server.SameRoles(old, u.Memberships)
		}
		orgs := make([]string, len(u.Memberships))
		roles := make([]string, len(u.Memberships))
		for i, m := range u.Memberships {
			orgs[i], roles[i] = m.Org, string(m.Role)
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO terrimap.users (name, password_hash) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash`, u.Name, u.PasswordHash)
		b.Queue(`DELETE FROM terrimap.memberships WHERE user_name = $1`, u.Name)
		b.Queue(`INSERT INTO terrimap.memberships (user_name, org, role)
			SELECT $1, org, role FROM unnest($2::text[], $3::text[]) AS m(org, role)`, u.Name, orgs, roles)
		if changed {
			b.Queue(`DELETE FROM terrimap.tokens WHERE user_name = $1`, u.Name)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("pgstore: put user %s: %w", u.Name, err)
	}
	return nil
}

// tokenExpiry is t rounded up to PostgreSQL's microsecond.
func tokenExpiry(t time.Time) time.Time {
	if r := t.Truncate(time.Microsecond); r.Before(t) {
		return r.Add(time.Microsecond)
	}
	return t
}

// PutToken records a token's hash.
func (s *Storage) PutToken(ctx context.Context, hash, user string, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO terrimap.tokens (hash, user_name, expires_at) VALUES ($1, $2, $3)`,
		hash, user, tokenExpiry(expires))
	if err != nil {
		return fmt.Errorf("pgstore: put token: %w", err)
	}
	return nil
}

// TokenUser returns the user of an unexpired token.
func (s *Storage) TokenUser(ctx context.Context, hash string, now time.Time) (string, error) {
	var user string
	var expires time.Time
	err := s.pool.QueryRow(ctx, `SELECT user_name, expires_at FROM terrimap.tokens WHERE hash = $1`, hash).Scan(&user, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("%w: token", server.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: token: %w", err)
	}
	if !now.Before(expires) {
		return "", fmt.Errorf("%w: token expired", server.ErrNotFound)
	}
	return user, nil
}

// Users lists every account by name, with its valid tokens and last login.
func (s *Storage) Users(ctx context.Context, now time.Time) ([]server.UserSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.name, l.at,
			(SELECT count(*) FROM terrimap.tokens t WHERE t.user_name = u.name AND t.expires_at > $1),
			coalesce((SELECT array_agg(m.org ORDER BY m.org COLLATE "C") FROM terrimap.memberships m WHERE m.user_name = u.name), '{}'),
			coalesce((SELECT array_agg(coalesce(o.name, m.org) ORDER BY m.org COLLATE "C") FROM terrimap.memberships m
				LEFT JOIN terrimap.orgs o ON o.id = m.org WHERE m.user_name = u.name), '{}'),
			coalesce((SELECT array_agg(m.role ORDER BY m.org COLLATE "C") FROM terrimap.memberships m WHERE m.user_name = u.name), '{}')
		FROM terrimap.users u LEFT JOIN terrimap.logins l ON l.user_name = u.name
		ORDER BY u.name COLLATE "C"`, now)
	if err != nil {
		return nil, fmt.Errorf("pgstore: users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (server.UserSummary, error) {
		var u server.UserSummary
		var login *time.Time
		var orgs, names, roles []string
		if err := row.Scan(&u.Name, &login, &u.Tokens, &orgs, &names, &roles); err != nil {
			return u, err
		}
		if login != nil {
			u.LastLogin = login.UTC()
		}
		for i := range orgs {
			u.Memberships = append(u.Memberships, protocol.Membership{Org: orgs[i], OrgName: names[i], Role: protocol.Role(roles[i])})
		}
		return u, nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: users: %w", err)
	}
	return out, nil
}

// RemoveUser deletes a user, their memberships, tokens and last login.
// The history keeps their name as the author of their edits.
func (s *Storage) RemoveUser(ctx context.Context, name string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM terrimap.users WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: user %s", server.ErrNotFound, name)
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM terrimap.memberships WHERE user_name = $1`, name)
		b.Queue(`DELETE FROM terrimap.tokens WHERE user_name = $1`, name)
		b.Queue(`DELETE FROM terrimap.logins WHERE user_name = $1`, name)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("pgstore: remove user: %w", err)
	}
	return nil
}

// RevokeTokens deletes every token of a user.
func (s *Storage) RevokeTokens(ctx context.Context, user string) (int, error) {
	return s.deleteTokens(ctx, `DELETE FROM terrimap.tokens WHERE user_name = $1`, user)
}

// RevokeToken deletes one token by its hash.
func (s *Storage) RevokeToken(ctx context.Context, hash string) error {
	n, err := s.deleteTokens(ctx, `DELETE FROM terrimap.tokens WHERE hash = $1`, hash)
	if err == nil && n == 0 {
		return fmt.Errorf("%w: token", server.ErrNotFound)
	}
	return err
}

// PurgeTokens deletes at most limit tokens expired at now.
func (s *Storage) PurgeTokens(ctx context.Context, now time.Time, limit int) (int, error) {
	return s.deleteTokens(ctx, `DELETE FROM terrimap.tokens WHERE hash IN
		(SELECT hash FROM terrimap.tokens WHERE expires_at <= $1 LIMIT $2)`, now, limit)
}

func (s *Storage) deleteTokens(ctx context.Context, q string, args ...any) (int, error) {
	tag, err := s.pool.Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("pgstore: tokens: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// RecordLogin notes when a user last signed in.
func (s *Storage) RecordLogin(ctx context.Context, user string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO terrimap.logins (user_name, at) VALUES ($1, $2)
		ON CONFLICT (user_name) DO UPDATE SET at = excluded.at`, user, at)
	if err != nil {
		return fmt.Errorf("pgstore: record login: %w", err)
	}
	return nil
}
