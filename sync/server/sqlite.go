package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"terrimap/store"
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
	// Nobody searches the platform's file through Terrimap's text index:
	// keeping it would cost every push and seed two thirds of its writing.
	if err := ws.DropSearchText(ctx); err != nil {
		ws.Close()
		return nil, fmt.Errorf("server: open %s: %w", path, err)
	}
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
