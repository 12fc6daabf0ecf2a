package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// featureKey names a feature of a layer (by the layer's own spelling).
type featureKey struct{ layer, id string }

// pendingVersion is a version written in a transaction and not yet sent to
// the database: versions, heads and layer rows are written together when
// the transaction ends (flush), in a few statements whatever their number.
type pendingVersion struct {
	seq     int64
	layer   *layerDef
	id      string
	uuid    [16]byte
	state   protocol.FeatureState
	op      protocol.Op
	author  string
	at      time.Time
	props   []byte // the properties as JSON; nil for a deletion
	geom    []byte // the geometry as EWKB; nil when none
	changed []string
	// dbRole is the database role of a captured direct edit; "" for the
	// platform's own writes.
	dbRole string
	// keepRow leaves the layer's table as it is (a captured direct edit
	// is already there): only the version and head are written.
	keepRow bool
}

// writeTx is one write transaction of the platform (server.WriteTx). It
// runs `set_config('terrimap.writer', 'platform', true)` first, so the
// capture triggers ignore what it writes to the layer tables.
type writeTx struct {
	s   *Storage
	tx  pgx.Tx
	ctx context.Context

	// layers caches the layers read in this transaction, by lower-case
	// name (nil: there is no such layer).
	layers map[string]*layerDef
	// pending holds the versions written in this transaction, by feature
	// (last is latest) and in sequence order (queue): reads within the
	// transaction see them before they are flushed.
	pending map[featureKey][]*pendingVersion
	queue   []*pendingVersion
	// ahead and aheadVersions hold what ReadAhead read: features' states
	// and versions, by feature (pending versions come first).
	ahead         map[featureKey]protocol.FeatureState
	aheadVersions map[versionKey]protocol.FeatureState
	// clock is the last sequence number handed out; locked says this
	// transaction holds the feed_clock row (see feed.go).
	clock  int64
	locked bool
	// beforeCommit runs when fn is done, before the versions are flushed:
	// buffered writes of other files (answered pushes…) go there.
	beforeCommit []func() error
	// pushes are the answers read ahead and the answers to write (pushes.go).
	pushes pushState
}

// Write runs fn in one write transaction.
func (s *Storage) Write(ctx context.Context, fn func(server.WriteTx) error) error {
	return s.write(ctx, func(t *writeTx) error { return fn(t) })
}

// write runs fn in one platform write transaction, flushes its buffered
// versions and commits.
func (s *Storage) write(ctx context.Context, fn func(*writeTx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('terrimap.writer', 'platform', true)`); err != nil {
			return fmt.Errorf("pgstore: write: %w", err)
		}
		t := &writeTx{s: s, tx: tx, ctx: ctx, layers: map[string]*layerDef{}, pending: map[featureKey][]*pendingVersion{}}
		if err := fn(t); err != nil {
			return err
		}
		for _, f := range t.beforeCommit {
			if err := f(); err != nil {
				return err
			}
		}
		if err := t.flush(); err != nil {
			return fmt.Errorf("pgstore: write: %w", err)
		}
		return nil
	})
}

// layer returns a layer by name (any case), read once per transaction.
func (t *writeTx) layer(name string) (*layerDef, error) {
	key := lower(name)
	if l, ok := t.layers[key]; ok {
		if l == nil {
			return nil, fmt.Errorf("%w: layer %s", server.ErrNotFound, name)
		}
		return l, nil
	}
	l, err := loadLayer(t.ctx, t.tx, name)
	if errors.Is(err, server.ErrNotFound) {
		t.layers[key] = nil // asked once per transaction, however many changes name it
	}
	if err != nil {
		return nil, err
	}
	t.layers[key] = l
	return l, nil
}

// Layer returns a layer's record.
func (t *writeTx) Layer(name string) (server.LayerRecord, error) {
	l, err := t.layer(name)
	if err != nil {
		return server.LayerRecord{}, err
	}
	return l.rec, nil
}

// Feature returns the platform's current feature or its tombstone: the
// row of the layer's table with the version terrimap.heads gives it. It
// takes the feed lock first (see feed.go): what it reads cannot change
// before this transaction commits.
func (t *writeTx) Feature(layer, id string) (protocol.FeatureState, error) {
	l, err := t.layer(layer)
	if err != nil {
		return protocol.FeatureState{}, err
	}
	if p := t.pending[featureKey{l.name(), id}]; len(p) > 0 {
		return p[len(p)-1].state, nil
	}
	if st, ok := t.ahead[featureKey{l.name(), id}]; ok {
		return st, nil
	}
	u, ok := parseUUID(id)
	if !ok {
		return protocol.FeatureState{}, nil
	}
	if err := t.lockFeed(); err != nil {
		return protocol.FeatureState{}, err
	}
	if err := t.settle(l, []string{id}); err != nil {
		return protocol.FeatureState{}, err
	}
	if p := t.pending[featureKey{l.name(), id}]; len(p) > 0 {
		return p[len(p)-1].state, nil // a direct edit settle just turned into a version
	}
	st, err := currentFeature(t.ctx, t.tx, l, u)
	if err != nil {
		return st, fmt.Errorf("pgstore: feature %s/%s: %w", l.name(), id, err)
	}
	return st, nil
}

// FeatureVersion returns a feature as it was at a version.
func (t *writeTx) FeatureVersion(layer, id string, version int64) (protocol.FeatureState, error) {
	l, err := t.layer(layer)
	if err != nil {
		return protocol.FeatureState{}, err
	}
	for _, p := range t.pending[featureKey{l.name(), id}] {
		if p.state.Version == version {
			return p.state, nil
		}
	}
	if st, ok := t.aheadVersions[versionKey{featureKey{l.name(), id}, version}]; ok {
		return st, nil
	}
	u, ok := parseUUID(id)
	if !ok {
		return protocol.FeatureState{}, nil
	}
	st, err := featureVersion(t.ctx, t.tx, l, u, version)
	if err != nil {
		return st, fmt.Errorf("pgstore: feature %s/%s v%d: %w", l.name(), id, version, err)
	}
	return st, nil
}

// WriteVersion stores f as the feature's new version and returns its feed
// sequence. Nothing is sent to the database before the transaction ends.
func (t *writeTx) WriteVersion(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string) (int64, error) {
	return t.writeVersion(layer, id, f, op, author, changed, versionSource{})
}

// versionSource says where a version comes from when it is not a
// platform write (the capture worker's direct edits).
type versionSource struct {
	// dbRole is the database role that made the edit.
	dbRole string
	// keepRow leaves the layer's table row as it is.
	keepRow bool
}

// writeVersion buffers a version; see WriteVersion.
func (t *writeTx) writeVersion(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string, src versionSource) (int64, error) {
	l, err := t.layer(layer)
	if err != nil {
		return 0, err
	}
	u, ok := parseUUID(id)
	if !ok {
		return 0, fmt.Errorf("pgstore: write %s/%s: the id is not a UUID", l.name(), id)
	}
	p := &pendingVersion{layer: l, id: id, uuid: u, state: f, op: op, author: author, at: time.Now().UTC(),
		changed: changed, dbRole: src.dbRole, keepRow: src.keepRow}
	if f.Exists {
		p.state.Properties = typedProperties(&l.rec.Schema, f.Properties)
		if p.props, err = json.Marshal(f.Properties); err != nil {
			return 0, fmt.Errorf("pgstore: write %s/%s: %w", l.name(), id, err)
		}
		if f.Geometry != nil {
			g := f.Geometry
			if checked, err := l.rec.Schema.CheckGeometry(g); err == nil {
				g = checked
			}
			p.state.Geometry = g
			if p.geom, err = encodeGeom(g); err != nil {
				return 0, fmt.Errorf("pgstore: write %s/%s: %w", l.name(), id, err)
			}
		}
	} else {
		p.state = protocol.FeatureState{Version: f.Version}
	}
	if err := t.lockFeed(); err != nil {
		return 0, err
	}
	t.clock++
	p.seq = t.clock
	k := featureKey{l.name(), id}
	t.pending[k] = append(t.pending[k], p)
	t.queue = append(t.queue, p)
	return p.seq, nil
}
