package pgstore

// Reads from a streaming replica (Options.ReplicaURL), with
// read-your-writes.
//
// The feed, the OGC API's items, a feature's history and a layer's extent
// are read from the replica; the layers and the schema version stay on the
// primary (two tiny reads): were they read from a replica behind the
// primary, a desk could store a schema version newer than the schemas it
// got, or apply features read from the primary under an older schema and
// drop their new fields.
//
// Read-your-writes: every platform transaction that writes versions on a
// signed-in user's behalf records, on the primary and in the same
// transaction, the last feed sequence it wrote (terrimap.users.
// last_push_seq; recordUserPush). A read made for that user (the user is in
// the request's context, server.RequestUser) goes to the replica only once
// the replica's terrimap.feed_clock has reached that sequence: the replica
// replays the primary's commits in order, and a sequence number is visible
// only once every smaller one is (feed.go), so the replica then holds the
// user's push and everything before it. Otherwise the read waits a little
// for the replica, then goes to the primary. A desk that has just pushed
// therefore never pulls a feed that lacks its push; other desks may read
// a feed a few milliseconds old, which their next sync completes (the feed
// is a cursor, nothing is skipped).
//
// Nothing about users is kept in memory between requests, so that several
// servers agree: the check reads the user's last push on the primary and
// the replica's feed clock, two one-row reads. A replica that does not
// answer within replicaWait sends that read to the primary; a probe every
// replicaProbeEvery marks the replica down while it does not answer, and
// every read then goes to the primary until it answers again.

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"terrimap/sync/server"
)

const (
	// replicaProbeEvery is how often the replica is asked whether it
	// answers; it is marked down after replicaProbeFailures failures in a
	// row (a loaded replica answering slowly once is not down), and up at
	// the first answer.
	replicaProbeEvery    = time.Second
	replicaProbeFailures = 3
	// replicaWait bounds how long a read for a user who has just pushed
	// waits for the replica to replay the push before going to the
	// primary; replicaPoll is how often it looks meanwhile.
	replicaWait = 50 * time.Millisecond
	replicaPoll = 5 * time.Millisecond
)

// hasReplica reports whether reads may go to a replica.
func (s *Storage) hasReplica() bool { return s.read != s.pool }

// replicaWatch follows the read replica: whether it answers.
type replicaWatch struct {
	down atomic.Bool
}

// watchReplica starts probing the replica every replicaProbeEvery until
// the storage closes. Open calls it when there is a replica.
func (s *Storage) watchReplica() *replicaWatch {
	w := &replicaWatch{}
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		tick := time.NewTicker(replicaProbeEvery)
		defer tick.Stop()
		failures := 0
		for {
			select {
			case <-s.bg.Done():
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(s.bg, 2*replicaProbeEvery)
			_, err := feedClock(ctx, s.read)
			cancel()
			if s.bg.Err() != nil {
				return
			}
			if err == nil {
				failures = 0
				w.down.Store(false)
			} else if failures++; failures >= replicaProbeFailures {
				w.down.Store(true)
			}
		}
	}()
	return w
}

// replicaUp reports whether reads may go to the replica now.
func (s *Storage) replicaUp() bool {
	return s.hasReplica() && (s.replica == nil || !s.replica.down.Load())
}

// feedClock reads the last sequence number given out, as seen by db.
func feedClock(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int64, error) {
	var end int64
	if err := db.QueryRow(ctx, `SELECT last_seq FROM terrimap.feed_clock WHERE id = 1`).Scan(&end); err != nil {
		return 0, fmt.Errorf("pgstore: feed clock: %w", err)
	}
	return end, nil
}

// replicaReached reports whether the replica has replayed the feed up to
// seq, waiting at most replicaWait for it.
func (s *Storage) replicaReached(ctx context.Context, seq int64) bool {
	ctx, cancel := context.WithTimeout(ctx, replicaWait)
	defer cancel()
	for {
		end, err := feedClock(ctx, s.read)
		if err != nil {
			return false
		}
		if end >= seq {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(replicaPoll):
		}
	}
}

// replicaReader returns the pool a read made on ctx's behalf goes to
// (reader, hooks.go): the primary without a replica; the replica, unless
// the request's user wrote something it has not replayed yet
// (read-your-writes, see above). An error reading the user's last push
// sends the read to the primary, which is always right.
func (s *Storage) replicaReader(ctx context.Context) *pgxpool.Pool {
	if !s.replicaUp() {
		return s.pool
	}
	user, ok := server.RequestUser(ctx)
	if !ok {
		return s.read
	}
	need, err := s.lastPushSeq(ctx, user)
	if err != nil {
		return s.pool
	}
	if need == 0 || s.replicaReached(ctx, need) {
		return s.read
	}
	return s.pool
}

// readAgainOnPrimary reports whether a read that failed on pool with err
// is to be made again on the primary: pool is the replica, and the
// replica lacks a layer, a table, a column or the schema the read names.
// It has not replayed yet what the primary has: a layer just created, the
// tables a server has just installed or upgraded; seconds behind, it
// would answer such reads with an error until it replays them. The
// primary is always right; any other error is the read's own.
func (s *Storage) readAgainOnPrimary(pool *pgxpool.Pool, err error) bool {
	if err == nil || pool == s.pool {
		return false
	}
	if errors.Is(err, server.ErrNotFound) {
		return true // a layer (loadLayer): the primary's word is final
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "42P01", // undefined_table
		"42703", // undefined_column
		"3F000", // invalid_schema_name
		"42883": // undefined_function (PostGIS's, before the replica has the extension)
		return true
	}
	return false
}

// lastPushSeq reads, on the primary, the last feed sequence written on
// user's behalf (0 for none, or for a name that is not a user).
func (s *Storage) lastPushSeq(ctx context.Context, user string) (int64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, `SELECT last_push_seq FROM terrimap.users WHERE name = $1`, user).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: last push of %s: %w", user, err)
	}
	return seq, nil
}

// recordUserPush notes, in the writing transaction, that the request's
// user wrote the feed up to seq (terrimap.users.last_push_seq), so that
// their reads wait for a replica to replay it: it queues the update into
// b, the batch that writes the versions (no round trip of its own while
// the feed is locked). Nothing is noted outside a signed-in request (a
// tool, the capture worker). It is recorded with or without a replica:
// another server of the database may read through one.
func (t *writeTx) recordUserPush(b *pgx.Batch, seq int64) {
	user, ok := server.RequestUser(t.ctx)
	if !ok || seq <= 0 {
		return
	}
	b.Queue(`UPDATE terrimap.users SET last_push_seq = greatest(last_push_seq, $2) WHERE name = $1`, user, seq)
}

// ReplicaHealth says how far the read replica lags behind the primary
// (GET /healthz; server.ReplicaReporter); ok is false without one.
func (s *Storage) ReplicaHealth(ctx context.Context) (h server.ReplicaHealth, ok bool) {
	if !s.hasReplica() {
		return h, false
	}
	h.Status = "ok"
	if !s.replicaUp() {
		return server.ReplicaHealth{Status: "unreadable"}, true
	}
	replica, err := feedClock(ctx, s.read)
	if err == nil {
		// The time since the last commit replayed is a lag only while the
		// replica has received WAL it has not replayed yet: an idle
		// primary commits nothing, and a replica that is up to date is
		// not behind.
		err = s.read.QueryRow(ctx, `SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
			ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END`).Scan(&h.LagSeconds)
	}
	if err != nil {
		if s.replica != nil && ctx.Err() == nil {
			s.replica.down.Store(true) // until the probe reads it again
		}
		return server.ReplicaHealth{Status: "unreadable"}, true
	}
	if primary, err := feedClock(ctx, s.pool); err == nil {
		h.FeedBehind = max(primary-replica, 0)
	}
	return h, true
}

var _ server.ReplicaReporter = (*Storage)(nil)
