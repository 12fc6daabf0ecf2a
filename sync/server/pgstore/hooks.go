package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The seams where the other parts of the package plug into the core
// (storage, layers, the feed). Their owners (capture*.go, rls*.go,
// replica*.go) fill the bodies below.

// afterInstall runs in Open's installing transaction, after the platform's
// tables: the capture and row-level security functions go here.
func (s *Storage) afterInstall(ctx context.Context, tx pgx.Tx) error {
	return installCapture(ctx, tx)
}

// afterLayerDDL runs in PutLayer's transaction once a layer's table has
// been created (created) or altered: the capture triggers and the
// row-level security policies are (re)installed here.
func (s *Storage) afterLayerDDL(ctx context.Context, tx pgx.Tx, l *layerDef, created bool) error {
	return installLayerTriggers(ctx, tx, l.name(), l.schema, l.table)
}

// settle runs in a write transaction holding the feed lock, before it
// reads the current state of features: direct edits of them captured but
// not yet turned into versions become versions first, so that a push
// merges with them instead of overwriting them.
func (t *writeTx) settle(l *layerDef, ids []string) error {
	return t.settlePending(l, ids)
}

// afterVersions queues, into the batch that writes a transaction's
// versions (after them), what must commit with them; last is the last
// sequence number it wrote.
func (t *writeTx) afterVersions(b *pgx.Batch, last int64) {
	t.recordUserPush(b, last)
}

// reader is the pool a read is served from: the replica's when there is
// one and it has caught up with what the request's user pushed
// (replica*.go), else the primary's.
func (s *Storage) reader(ctx context.Context) *pgxpool.Pool {
	return s.replicaReader(ctx)
}

// readAheadPushes runs first in ReadAhead with the change ids of a push
// (pushes.go may read their answers at once).
func (t *writeTx) readAheadPushes(user string, changeIDs []string) error {
	return t.readPushesAhead(user, changeIDs)
}
