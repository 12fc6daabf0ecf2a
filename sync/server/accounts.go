package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"terrimap/sync/protocol"
)

// Accounts is the part of a Storage that keeps users and their sessions
// (tokens) beyond User, PutUser, PutToken and TokenUser. Tokens are kept
// as their SHA-256 (tokenHash): a copy of the platform's file gives no
// token that works.
type Accounts interface {
	// Users lists every account by name, with its tokens valid at now.
	Users(ctx context.Context, now time.Time) ([]UserSummary, error)
	// RemoveUser deletes a user, their memberships and their tokens
	// (ErrNotFound when there is no such user). The history keeps their
	// name as the author of their edits.
	RemoveUser(ctx context.Context, name string) error
	// RevokeTokens deletes every token of a user and says how many.
	RevokeTokens(ctx context.Context, user string) (int, error)
	// RevokeToken deletes one token by its hash (ErrNotFound when unknown).
	RevokeToken(ctx context.Context, hash string) error
	// PurgeTokens deletes at most limit tokens expired at now and says
	// how many.
	PurgeTokens(ctx context.Context, now time.Time, limit int) (int, error)
	// RecordLogin notes that a user signed in at a time.
	RecordLogin(ctx context.Context, user string, at time.Time) error
}

// UserSummary is an account as `terrimap-server user list` shows it.
type UserSummary struct {
	Name        string
	Memberships []protocol.Membership
	// Tokens counts the sessions still valid (desks signed in).
	Tokens int
	// LastLogin is when the user last signed in; zero when never.
	LastLogin time.Time
}

// purgeBatch is how many expired tokens one transaction deletes: a purge
// never holds the database for long, whatever the backlog.
const purgeBatch = 500

// PurgeExpiredTokens deletes every token expired at now, a batch per
// transaction, and says how many went.
func PurgeExpiredTokens(ctx context.Context, st Accounts, now time.Time) (int, error) {
	total := 0
	for {
		n, err := st.PurgeTokens(ctx, now, purgeBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("server: purge tokens: %w", err)
		}
		if n < purgeBatch {
			return total, nil
		}
	}
}

// PurgeTokensEvery purges expired tokens now, then every period, until
// ctx ends; failures go to the server's log.
func (s *Server) PurgeTokensEvery(ctx context.Context, period time.Duration) {
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		n, err := PurgeExpiredTokens(ctx, s.st, s.opts.Now())
		if err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("purge of expired tokens failed", "err", err)
		} else if n > 0 {
			s.opts.Logger.Info("expired tokens purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// SameRoles reports whether two lists hold the same roles in the same
// organisations, in any order: a user written back with other roles loses
// their tokens (PutUser).
func SameRoles(a, b []protocol.Membership) bool {
	key := func(ms []protocol.Membership) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Org + "\x00" + string(m.Role)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}
