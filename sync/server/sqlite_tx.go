package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"terrimap/store"
	"terrimap/store/formats"
	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// The write side of SQLiteStorage: its transactions, the versions they
// write (the layer row and a srv_history entry) and the seeding of first versions.

// Feature returns the platform's current feature or its tombstone.
func (s *SQLiteStorage) Feature(ctx context.Context, layer, id string) (protocol.FeatureState, error) {
	var out protocol.FeatureState
	err := s.Write(ctx, func(tx WriteTx) error {
		var err error
		out, err = tx.Feature(layer, id)
		return err
	})
	return out, err
}

// Write runs fn in one write transaction of the store.
func (s *SQLiteStorage) Write(ctx context.Context, fn func(WriteTx) error) error {
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		return fn(&sqliteTx{s: s, tx: tx})
	})
}

type sqliteTx struct {
	s  *SQLiteStorage
	tx *store.Tx
	// stmts holds the statements prepared in the transaction: a push runs
	// the same few for every change it answers, and parsing them each
	// time cost as much as running them.
	stmts map[string]*sql.Stmt
}

func (t *sqliteTx) ctx() context.Context { return t.tx.Context() }

// stmt returns q prepared once in the transaction (closed with it).
func (t *sqliteTx) stmt(q string) (*sql.Stmt, error) {
	if s, ok := t.stmts[q]; ok {
		return s, nil
	}
	s, err := t.tx.SQL().PrepareContext(t.ctx(), q)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = s
	return s, nil
}

// preparedRow is the row of a prepared query, or why it could not be prepared.
type preparedRow struct {
	row *sql.Row
	err error
}

// Scan scans the row, or returns the preparation's error.
func (r preparedRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

func (t *sqliteTx) queryRow(q string, args ...any) preparedRow {
	s, err := t.stmt(q)
	if err != nil {
		return preparedRow{err: err}
	}
	return preparedRow{row: s.QueryRowContext(t.ctx(), args...)}
}

func (t *sqliteTx) exec(q string, args ...any) (sql.Result, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx(), args...)
}

// Layer returns a layer's record (WriteTx).
func (t *sqliteTx) Layer(name string) (LayerRecord, error) {
	l, err := t.s.ws.Layer(name)
	if err != nil || l.Foreign {
		return LayerRecord{}, fmt.Errorf("%w: layer %s", ErrNotFound, name)
	}
	r := LayerRecord{Schema: l.Schema, EditBy: EditByEditors}
	var style, editBy string
	err = t.queryRow(`SELECT coalesce(style, ''), edit_by FROM srv_layers WHERE name = ?`, l.Name()).Scan(&style, &editBy)
	if err == nil {
		r.EditBy = EditRight(editBy)
		if style != "" {
			r.Style = json.RawMessage(style)
		}
	}
	return r, nil
}

// Feature returns a feature's current state, as this transaction sees
// it (WriteTx).
func (t *sqliteTx) Feature(layer, id string) (protocol.FeatureState, error) {
	f, err := t.tx.Get(layer, id)
	if err == nil {
		return protocol.FeatureState{Exists: true, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties}, nil
	}
	if !errors.Is(err, store.ErrFeatureNotFound) {
		return protocol.FeatureState{}, err
	}
	var version int64
	var op string
	err = t.queryRow(`SELECT version, op FROM srv_history WHERE layer = ? AND uuid = ? ORDER BY version DESC LIMIT 1`, layer, id).Scan(&version, &op)
	if errors.Is(err, sql.ErrNoRows) {
		return protocol.FeatureState{}, nil
	}
	if err != nil {
		return protocol.FeatureState{}, fmt.Errorf("server: feature %s: %w", id, err)
	}
	return protocol.FeatureState{Version: version}, nil
}

// FeatureVersion returns a version of a feature from its history
// (WriteTx).
func (t *sqliteTx) FeatureVersion(layer, id string, version int64) (protocol.FeatureState, error) {
	l, err := t.s.ws.Layer(layer)
	if err != nil {
		return protocol.FeatureState{}, err
	}
	var op string
	var props sql.NullString
	var geom []byte
	err = t.queryRow(`SELECT op, properties, geometry FROM srv_history WHERE layer = ? AND uuid = ? AND version = ?`,
		layer, id, version).Scan(&op, &props, &geom)
	if errors.Is(err, sql.ErrNoRows) {
		return protocol.FeatureState{}, nil
	}
	if err != nil {
		return protocol.FeatureState{}, fmt.Errorf("server: feature %s v%d: %w", id, version, err)
	}
	return decodeState(&l.Schema, version, op, props, geom)
}

// decodeState rebuilds a feature from a history row.
func decodeState(l *schema.Layer, version int64, op string, props sql.NullString, geom []byte) (protocol.FeatureState, error) {
	st := protocol.FeatureState{Exists: op != string(protocol.OpDelete), Version: version}
	if !st.Exists {
		return st, nil
	}
	if props.Valid {
		p, err := decodeProperties(l, props.String)
		if err != nil {
			return st, err
		}
		st.Properties = p
	}
	if len(geom) > 0 {
		g, _, err := gpkgbin.Decode(geom)
		if err != nil {
			return st, fmt.Errorf("server: history geometry: %w", err)
		}
		st.Geometry = g
	}
	return st, nil
}

func decodeProperties(l *schema.Layer, js string) (map[string]any, error) {
	p, err := protocol.DecodePropertiesObject([]byte(js))
	if err != nil {
		return nil, fmt.Errorf("server: history properties: %w", err)
	}
	out, _ := protocol.CoerceProperties(l, p)
	return out, nil
}

// WriteVersion writes a new version of a feature and its history entry,
// and returns its sequence number (WriteTx).
func (t *sqliteTx) WriteVersion(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string) (int64, error) {
	rf := store.RemoteFeature{UUID: id, Version: f.Version, Deleted: !f.Exists, Geometry: f.Geometry, Properties: f.Properties}
	if err := t.tx.ApplyRemote(layer, rf, true); err != nil {
		return 0, err
	}
	return t.appendHistory(layer, id, f, op, author, changed)
}

func (t *sqliteTx) appendHistory(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string) (int64, error) {
	var props, geom, chg any
	if f.Exists {
		js, err := json.Marshal(f.Properties)
		if err != nil {
			return 0, fmt.Errorf("server: history: %w", err)
		}
		props = string(js)
		if f.Geometry != nil {
			b, err := gpkgbin.Encode(f.Geometry, store.SRSWGS84)
			if err != nil {
				return 0, fmt.Errorf("server: history: %w", err)
			}
			geom = b
		}
	}
	if changed != nil {
		js, _ := json.Marshal(changed)
		chg = string(js)
	}
	res, err := t.exec(`INSERT INTO srv_history (layer, uuid, version, op, author, at, properties, geometry, changed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, layer, id, f.Version, string(op), author, time.Now().UTC().Format(time.RFC3339Nano), props, geom, chg)
	if err != nil {
		return 0, fmt.Errorf("server: history %s: %w", id, err)
	}
	return res.LastInsertId()
}

// SeedFeatures writes many first versions at once (demo data, imports):
// the features with version 1, by author, and their history.
func (s *SQLiteStorage) SeedFeatures(ctx context.Context, layer, author string, fs []store.RemoteFeature) error {
	return s.SeedFeatureStream(ctx, layer, author, SeedSlice(fs))
}

// SeedFeatureStream is SeedFeatures reading a stream (Seeder): batch by
// batch, the layer's rows by the store's bulk path for a page of remote
// features, then their history entries, all in one transaction.
func (s *SQLiteStorage) SeedFeatureStream(ctx context.Context, layer, author string, features iter.Seq2[store.RemoteFeature, error]) error {
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		tx.ReloadIndexAfter(layer) // nothing held per feature for the in-memory tree
		t := &sqliteTx{s: s, tx: tx}
		_, err := SeedBatches(features, func(batch []store.RemoteFeature, first int) error {
			if _, err := tx.ApplyRemoteBatch(layer, batch); err != nil {
				return fmt.Errorf("server: seed %s: features %d to %d: %w", layer, first, first+len(batch)-1, err)
			}
			for i, f := range batch {
				st := protocol.FeatureState{Exists: true, Version: 1, Geometry: f.Geometry, Properties: f.Properties}
				if _, err := t.appendHistory(layer, f.UUID, st, protocol.OpCreate, author, nil); err != nil {
					return fmt.Errorf("server: seed %s: %w", layer, &formats.FeatureError{Number: first + i, ID: f.UUID, Err: err})
				}
			}
			return nil
		})
		return err
	})
}
