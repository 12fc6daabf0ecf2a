package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// errUnfinished marks what the skeleton does not do yet.
var errUnfinished = errors.New("pgstore: not implemented yet")

// featureKey names a feature of a layer.
type featureKey struct{ layer, uuid string }

// pendingVersion is a version written in a transaction and not yet sent to
// terrimap.versions/heads: they are written together when the
// transaction ends (see flush), so that the feed lock is held briefly.
type pendingVersion struct {
	seq     int64
	key     featureKey
	state   protocol.FeatureState
	op      protocol.Op
	author  string
	dbRole  string // the database role of a captured direct edit; "" for the platform
	changed []string
}

// writeTx is one write transaction of the platform (server.WriteTx). It
// runs `set_config('terrimap.writer', 'platform', true)` first, so the
// capture triggers ignore what it writes to the layer tables.
type writeTx struct {
	s   *Storage
	tx  pgx.Tx
	ctx context.Context

	// layers caches the layers read in this transaction.
	layers map[string]*layerDef
	// pending holds the versions written in this transaction, by feature
	// (last is latest) and in sequence order (queue): reads within the
	// transaction see them before they are flushed.
	pending map[featureKey][]*pendingVersion
	queue   []*pendingVersion
	// clock is the last sequence number handed out; locked says the
	// feed_clock row is locked by this transaction (see feed.go).
	clock  int64
	locked bool
	// beforeCommit runs after the versions are flushed, before commit:
	// buffered writes of other files (answered pushes…) go there.
	beforeCommit []func() error
}

// Write runs fn in one write transaction.
func (s *Storage) Write(ctx context.Context, fn func(server.WriteTx) error) error {
	return s.write(ctx, func(t *writeTx) error { return fn(t) })
}

// write runs fn in one platform write transaction, flushes its buffered
// versions and commits.
func (s *Storage) write(ctx context.Context, fn func(*writeTx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('terrimap.writer', 'platform', true)`); err != nil {
			return err
		}
		t := &writeTx{s: s, tx: tx, ctx: ctx, layers: map[string]*layerDef{}, pending: map[featureKey][]*pendingVersion{}}
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
	if err != nil {
		return fmt.Errorf("pgstore: write: %w", err)
	}
	return nil
}

// flush writes the buffered versions, then runs beforeCommit.
func (t *writeTx) flush() error {
	for _, f := range t.beforeCommit {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// Layer returns a layer's record.
func (t *writeTx) Layer(name string) (server.LayerRecord, error) {
	return server.LayerRecord{}, fmt.Errorf("%w: layer %s", server.ErrNotFound, name)
}

// Feature returns the platform's current feature or its tombstone.
func (t *writeTx) Feature(layer, id string) (protocol.FeatureState, error) {
	return protocol.FeatureState{}, errUnfinished
}

// FeatureVersion returns a feature as it was at a version.
func (t *writeTx) FeatureVersion(layer, id string, version int64) (protocol.FeatureState, error) {
	return protocol.FeatureState{}, errUnfinished
}

// WriteVersion stores f as the feature's new version and returns its feed
// sequence.
func (t *writeTx) WriteVersion(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string) (int64, error) {
	return 0, errUnfinished
}
