package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// ErrNotFound is returned (wrapped) for an unknown user, organisation, token or layer.
var ErrNotFound = errors.New("server: not found")

// platformSchema is the platform's own tables, beside the layers of its
// GeoPackage: every version of every feature (the feed and the audit
// trail), organisations, users, tokens and answered pushes.
var platformSchema = []string{
	`CREATE TABLE IF NOT EXISTS srv_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS srv_layers (name TEXT PRIMARY KEY, style TEXT, edit_by TEXT NOT NULL DEFAULT 'editor')`,
	`CREATE TABLE IF NOT EXISTS srv_history (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		layer TEXT NOT NULL, uuid TEXT NOT NULL, version INTEGER NOT NULL,
		op TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL,
		properties TEXT, geometry BLOB, changed TEXT,
		UNIQUE (layer, uuid, version))`,
	`CREATE INDEX IF NOT EXISTS srv_history_feature ON srv_history (layer, uuid, seq)`,
	`CREATE INDEX IF NOT EXISTS srv_history_uuid ON srv_history (uuid)`,
	`CREATE TABLE IF NOT EXISTS srv_orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL, territory BLOB)`,
	`CREATE TABLE IF NOT EXISTS srv_users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS srv_memberships (user TEXT NOT NULL, org TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (user, org))`,
	`CREATE TABLE IF NOT EXISTS srv_tokens (hash TEXT PRIMARY KEY, user TEXT NOT NULL, expires_at TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS srv_tokens_user ON srv_tokens (user)`,
	`CREATE INDEX IF NOT EXISTS srv_tokens_expiry ON srv_tokens (expires_at)`,
	`CREATE TABLE IF NOT EXISTS srv_logins (user TEXT PRIMARY KEY, at TEXT NOT NULL)`,
	pushesTable,
}

// SQLiteStorage keeps the platform in one GeoPackage file, on the same
// store engine as the desktop's workspaces: QGIS opens it as it is.
type SQLiteStorage struct {
	ws    *store.Workspace
	blobs *BlobStore
}

var _ Storage = (*SQLiteStorage)(nil)

// OpenSQLite opens the platform database at path, creating it if missing.
// Attachments live in the folder path + ".blobs".
func OpenSQLite(path string) (*SQLiteStorage, error) {
	ws, err := store.OpenOrCreate(path)
	if err != nil {
		return nil, fmt.Errorf("server: open %s: %w", path, err)
	}
	ctx := context.Background()
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for _, q := range platformSchema {
			if _, err := tx.SQL().ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return upgradePushes(ctx, tx)
	})
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("server: open %s: %w", path, err)
	}
	blobs, err := NewBlobStore(path + ".blobs")
	if err != nil {
		ws.Close()
		return nil, err
	}
	return &SQLiteStorage{ws: ws, blobs: blobs}, nil
}

// Workspace gives the store underneath, for imports and tools.
func (s *SQLiteStorage) Workspace() *store.Workspace { return s.ws }

// LayerCounts returns how many current features each layer holds.
func (s *SQLiteStorage) LayerCounts(ctx context.Context) (map[string]int, error) {
	return s.ws.LayerCounts(ctx)
}

// Blobs returns the attachments' store.
func (s *SQLiteStorage) Blobs() *BlobStore { return s.blobs }

// Close releases the database.
func (s *SQLiteStorage) Close() error { return s.ws.Close() }

// Layers returns every layer with its schema, style and edit rights.
func (s *SQLiteStorage) Layers(ctx context.Context) ([]LayerRecord, error) {
	out, err := layerRecords(ctx, s.ws.DB(), s.ws)
	if err != nil {
		return nil, fmt.Errorf("server: layers: %w", err)
	}
	return out, nil
}

// layerRecords reads the layers of ws with their style and edit right
// (srv_layers) through q: the database or a transaction.
func layerRecords(ctx context.Context, q querier, ws *store.Workspace) ([]LayerRecord, error) {
	extra := map[string]LayerRecord{}
	rows, err := q.QueryContext(ctx, `SELECT name, coalesce(style, ''), edit_by FROM srv_layers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, style, editBy string
		if err := rows.Scan(&name, &style, &editBy); err != nil {
			return nil, err
		}
		r := LayerRecord{EditBy: EditRight(editBy)}
		if style != "" {
			r.Style = json.RawMessage(style)
		}
		extra[name] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []LayerRecord
	for _, l := range ws.Layers() {
		if l.Foreign {
			continue
		}
		r, ok := extra[l.Name()]
		if !ok {
			r.EditBy = EditByEditors
		}
		r.Schema = l.Schema
		out = append(out, r)
	}
	return out, nil
}

// SchemaVersion counts the schema changes of the platform.
func (s *SQLiteStorage) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.ws.DB().QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM srv_meta WHERE key = 'schema_version'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// PutLayer creates a layer or evolves its schema, and bumps the schema
// version. An empty r.EditBy keeps the layer's edit right (editors for a
// new layer). A layer the platform cannot hold is refused with a
// protocol.PublishError.
func (s *SQLiteStorage) PutLayer(ctx context.Context, r LayerRecord) error {
	if err := protocol.CheckPublishable(r.Schema, string(r.EditBy)); err != nil {
		return fmt.Errorf("server: layer %s: %w", r.Schema.Name, err)
	}
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		if _, err := s.ws.Layer(r.Schema.Name); errors.Is(err, store.ErrLayerNotFound) {
			if _, err := tx.CreateLayer(r.Schema); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else if err := tx.UpdateLayerSchema(r.Schema); err != nil {
			return err
		}
		var style any
		if len(r.Style) > 0 {
			style = string(r.Style)
		}
		// No edit right given: a new layer is open to editors, an existing
		// one keeps its own.
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO srv_layers (name, style, edit_by) VALUES (?1, ?2, coalesce(nullif(?3, ''), 'editor'))
			ON CONFLICT(name) DO UPDATE SET style = excluded.style, edit_by = coalesce(nullif(?3, ''), edit_by)`, r.Schema.Name, style, string(r.EditBy)); err != nil {
			return err
		}
		_, err := tx.SQL().ExecContext(ctx, `INSERT INTO srv_meta (key, value) VALUES ('schema_version', '1')
			ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`)
		return err
	})
}

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
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		for i := range fs {
			fs[i].Version = 1
		}
		if _, err := tx.ApplyRemoteBatch(layer, fs); err != nil {
			return err
		}
		t := &sqliteTx{s: s, tx: tx}
		for _, f := range fs {
			st := protocol.FeatureState{Exists: true, Version: 1, Geometry: f.Geometry, Properties: f.Properties}
			if _, err := t.appendHistory(layer, f.UUID, st, protocol.OpCreate, author, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// Changes returns the latest version of each feature changed after since.
func (s *SQLiteStorage) Changes(ctx context.Context, since int64, limit int, layers []string) ([]protocol.Change, int64, bool, error) {
	if len(layers) == 0 {
		return nil, since, false, nil
	}
	schemas := map[string]*schema.Layer{}
	for _, name := range layers {
		if l, err := s.ws.Layer(name); err == nil {
			schemas[name] = &l.Schema
		}
	}
	// The end of the feed is read first and bounds the page: a version
	// committed while the page is read is left for the next one, never
	// skipped by a cursor moved past it.
	end, err := s.FeedEnd(ctx)
	if err != nil {
		return nil, since, false, fmt.Errorf("server: changes: %w", err)
	}
	args := []any{since, end}
	for _, l := range layers {
		args = append(args, l)
	}
	args = append(args, limit+1)
	q := `SELECT seq, layer, uuid, version, op, author, at, properties, geometry FROM srv_history h
		WHERE seq > ? AND seq <= ? AND +layer IN (` + strings.TrimSuffix(strings.Repeat("?,", len(layers)), ",") + `)
		AND NOT EXISTS (SELECT 1 FROM srv_history h2 WHERE h2.layer = h.layer AND h2.uuid = h.uuid AND h2.seq > h.seq)
		ORDER BY seq LIMIT ?`
	rows, err := s.ws.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, since, false, fmt.Errorf("server: changes: %w", err)
	}
	defer rows.Close()
	var out []protocol.Change
	next := since
	for rows.Next() {
		var c protocol.Change
		var op, at string
		var props sql.NullString
		var geom []byte
		if err := rows.Scan(&c.Seq, &c.Layer, &c.ID, &c.Version, &op, &c.ModifiedBy, &at, &props, &geom); err != nil {
			return nil, since, false, fmt.Errorf("server: changes: %w", err)
		}
		if len(out) == limit {
			return out, next, true, nil
		}
		st, err := decodeState(schemas[c.Layer], c.Version, op, props, geom)
		if err != nil {
			return nil, since, false, err
		}
		c.Deleted, c.Geometry, c.Properties = !st.Exists, st.Geometry, st.Properties
		c.ModifiedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, c)
		next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return nil, since, false, fmt.Errorf("server: changes: %w", err)
	}
	// Nothing past the page: the cursor moves to the end of the feed, so
	// that versions superseded within it are not looked at again.
	if end > next {
		next = end
	}
	return out, next, false, nil
}

// History returns every version of a feature, oldest first.
func (s *SQLiteStorage) History(ctx context.Context, id string) ([]protocol.Version, error) {
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT seq, layer, version, op, author, at, properties, geometry, coalesce(changed, '')
		FROM srv_history WHERE uuid = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("server: history %s: %w", id, err)
	}
	defer rows.Close()
	var out []protocol.Version
	for rows.Next() {
		var v protocol.Version
		var layer, op, at, changed string
		var props sql.NullString
		var geom []byte
		if err := rows.Scan(&v.Seq, &layer, &v.Version, &op, &v.Author, &at, &props, &geom, &changed); err != nil {
			return nil, fmt.Errorf("server: history %s: %w", id, err)
		}
		var sch *schema.Layer
		if l, err := s.ws.Layer(layer); err == nil {
			sch = &l.Schema
		}
		st, err := decodeState(sch, v.Version, op, props, geom)
		if err != nil {
			return nil, err
		}
		v.Op = protocol.Op(op)
		v.At, _ = time.Parse(time.RFC3339Nano, at)
		v.Geometry, v.Properties = st.Geometry, st.Properties
		if changed != "" {
			json.Unmarshal([]byte(changed), &v.Changed)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Organisation returns an organisation by id.
func (s *SQLiteStorage) Organisation(ctx context.Context, id string) (Organisation, error) {
	o := Organisation{ID: id}
	var territory []byte
	err := s.ws.DB().QueryRowContext(ctx, `SELECT name, territory FROM srv_orgs WHERE id = ?`, id).Scan(&o.Name, &territory)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("%w: organisation %s", ErrNotFound, id)
	}
	if err != nil {
		return o, fmt.Errorf("server: organisation %s: %w", id, err)
	}
	if len(territory) > 0 {
		if o.Territory, _, err = gpkgbin.Decode(territory); err != nil {
			return o, fmt.Errorf("server: organisation %s territory: %w", id, err)
		}
	}
	return o, nil
}

// PutOrganisation creates or replaces an organisation.
func (s *SQLiteStorage) PutOrganisation(ctx context.Context, o Organisation) error {
	var territory any
	if o.Territory != nil {
		b, err := gpkgbin.Encode(o.Territory, store.SRSWGS84)
		if err != nil {
			return fmt.Errorf("server: organisation %s: %w", o.ID, err)
		}
		territory = b
	}
	return s.exec(ctx, `INSERT INTO srv_orgs (id, name, territory) VALUES (?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, territory = excluded.territory`, o.ID, o.Name, territory)
}

func (s *SQLiteStorage) exec(ctx context.Context, q string, args ...any) error {
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, q, args...)
		return err
	})
}

// QueryItems returns a page of the current features of a layer matching q,
// in row order, with the number matched. The bound is checked exactly on
// each geometry, not only on its bounding box.
func (s *SQLiteStorage) QueryItems(ctx context.Context, layer string, q ItemsQuery) ([]protocol.Change, int, error) {
	matched := 0
	var out []protocol.Change
	err := s.ws.Each(ctx, store.Query{Layer: layer, Bound: q.Bound, Equals: q.Equals}, func(f store.Feature) bool {
		if q.Bound != nil && !boundMeets(*q.Bound, f.Geometry) {
			return true
		}
		if matched >= q.Offset && len(out) < q.Limit {
			out = append(out, protocol.Change{Layer: layer, ID: f.UUID, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties})
		}
		matched++
		return true
	})
	if err != nil {
		return nil, 0, fmt.Errorf("server: items of %s: %w", layer, err)
	}
	return out, matched, nil
}

// Item returns a layer's current feature, read without a write transaction.
func (s *SQLiteStorage) Item(ctx context.Context, layer, id string) (protocol.Change, bool, error) {
	f, err := s.ws.Get(ctx, layer, id)
	if errors.Is(err, store.ErrFeatureNotFound) {
		return protocol.Change{}, false, nil
	}
	if err != nil {
		return protocol.Change{}, false, fmt.Errorf("server: item %s/%s: %w", layer, id, err)
	}
	return protocol.Change{Layer: layer, ID: f.UUID, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties}, true, nil
}

// Extent returns the bounding box of a layer's geometries, from the
// store's in-memory index (rounded outward to float32).
func (s *SQLiteStorage) Extent(_ context.Context, layer string) (orb.Bound, bool) {
	return s.ws.Index().Bound(layer)
}
