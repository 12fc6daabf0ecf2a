package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"terrimap/internal/sqlitedsn"
	"terrimap/store"
	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// ErrSchemaMoved is returned by ReadSQLiteSnapshot when a layer's schema
// changed while the snapshot was being opened: run it again.
var ErrSchemaMoved = errors.New("server: a layer schema changed while the platform was being read")

// SQLiteSnapshot is one consistent read of a whole platform file — every
// table read in one SQLite read transaction, so that a platform that goes
// on serving while it is read (a migration, a check) is seen as it was at
// one instant. Its methods are only valid inside ReadSQLiteSnapshot's fn.
type SQLiteSnapshot struct {
	ctx     context.Context
	tx      *sql.Tx
	ws      *store.Workspace
	layers  []LayerRecord
	schemas map[string]*schema.Layer
	version int64
}

// VersionRow is one version of a feature as the platform keeps it.
type VersionRow struct {
	Seq     int64
	Layer   string
	UUID    string
	Version int64
	Op      protocol.Op
	Author  string
	At      time.Time
	// State is the feature as of this version (Exists false: a deletion).
	State protocol.FeatureState
	// Changed names the fields the version changed; nil when not recorded.
	Changed []string
}

// TokenRow is a session token, by its hash.
type TokenRow struct {
	Hash, User string
	Expires    time.Time
}

// PushRow is the recorded answer to a change a user pushed.
type PushRow struct {
	User, ChangeID string
	Result         json.RawMessage
	At             time.Time
}

// ReadSQLiteSnapshot opens the platform file at path read-only (it may
// be served meanwhile) and calls fn with one consistent snapshot of it.
func ReadSQLiteSnapshot(ctx context.Context, path string, fn func(*SQLiteSnapshot) error) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	before, err := fileSchemaVersion(ctx, path)
	if err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	defer ws.Close()
	tx, err := ws.DB().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	defer tx.Rollback()
	s := &SQLiteSnapshot{ctx: ctx, tx: tx, ws: ws, schemas: map[string]*schema.Layer{}}
	// The first read starts the snapshot. The layer schemas were loaded
	// by store.Open, before it: the schema version, counted up by every
	// schema change, tells whether one slipped in between.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT CAST(value AS INTEGER) FROM srv_meta WHERE key = 'schema_version'), 0)`).Scan(&s.version); err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	if s.version != before {
		return fmt.Errorf("%w (%s): run again", ErrSchemaMoved, path)
	}
	if err := s.readLayers(); err != nil {
		return fmt.Errorf("server: read %s: %w", path, err)
	}
	return fn(s)
}

// fileSchemaVersion reads the schema version of a platform file on its
// own, without opening it as a workspace (which would load every
// geometry into its index).
func fileSchemaVersion(ctx context.Context, path string) (int64, error) {
	db, err := sql.Open("sqlite", sqlitedsn.URI(path, "mode=ro", "_pragma=busy_timeout(10000)"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v int64
	err = db.QueryRowContext(ctx, `SELECT coalesce((SELECT CAST(value AS INTEGER) FROM srv_meta WHERE key = 'schema_version'), 0)`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("not a platform file (no srv_meta): %w", err)
	}
	return v, nil
}

func (s *SQLiteSnapshot) readLayers() error {
	var err error
	if s.layers, err = layerRecords(s.ctx, s.tx, s.ws); err != nil {
		return err
	}
	for i := range s.layers {
		s.schemas[s.layers[i].Schema.Name] = &s.layers[i].Schema
	}
	return nil
}

// each runs q in the snapshot and calls fn on each row.
func (s *SQLiteSnapshot) each(q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.tx.QueryContext(s.ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Layers returns the platform's layers, as Storage.Layers does.
func (s *SQLiteSnapshot) Layers() []LayerRecord { return s.layers }

// SchemaVersion counts the schema changes of the platform.
func (s *SQLiteSnapshot) SchemaVersion() int64 { return s.version }

// Versions calls fn on every version of every feature, in feed order.
func (s *SQLiteSnapshot) Versions(fn func(VersionRow) error) error {
	err := s.each(`SELECT seq, layer, uuid, version, op, author, at, properties, geometry, changed FROM srv_history ORDER BY seq`, nil, func(rows *sql.Rows) error {
		var v VersionRow
		var op, at string
		var props, changed sql.NullString
		var geom []byte
		if err := rows.Scan(&v.Seq, &v.Layer, &v.UUID, &v.Version, &op, &v.Author, &at, &props, &geom, &changed); err != nil {
			return err
		}
		st, err := decodeState(s.schemas[v.Layer], v.Version, op, props, geom)
		if err != nil {
			return fmt.Errorf("version %d: %w", v.Seq, err)
		}
		v.Op, v.State = protocol.Op(op), st
		if v.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return fmt.Errorf("version %d: time %q: %w", v.Seq, at, err)
		}
		if changed.Valid {
			if err := json.Unmarshal([]byte(changed.String), &v.Changed); err != nil {
				return fmt.Errorf("version %d: changed fields: %w", v.Seq, err)
			}
		}
		return fn(v)
	})
	if err != nil {
		return fmt.Errorf("server: snapshot versions: %w", err)
	}
	return nil
}

// Current calls fn on every current feature of a layer (the rows of its
// table: what the OGC API and QGIS show), by UUID.
func (s *SQLiteSnapshot) Current(layer string, fn func(protocol.Change) error) error {
	l := s.schemas[layer]
	if l == nil {
		return fmt.Errorf("%w: layer %s", ErrNotFound, layer)
	}
	cols := []string{"CAST(uuid AS TEXT)", "tm_version", "geom"}
	for _, f := range l.Fields {
		cols = append(cols, quoteName(f.Name))
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteName(layer) + " ORDER BY uuid"
	err := s.each(q, nil, func(rows *sql.Rows) error {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		c := protocol.Change{Layer: layer, Properties: make(map[string]any, len(l.Fields))}
		c.ID, _ = vals[0].(string)
		c.Version, _ = vals[1].(int64)
		if b, ok := vals[2].([]byte); ok && len(b) > 0 {
			g, _, err := gpkgbin.Decode(b)
			if err != nil {
				return fmt.Errorf("feature %s: geometry: %w", c.ID, err)
			}
			c.Geometry = g
		}
		for i, f := range l.Fields {
			raw := vals[3+i]
			if b, ok := raw.([]byte); ok {
				raw = string(b)
			}
			v, err := f.Coerce(raw)
			if err != nil {
				v = raw // kept as stored: the copy must not judge it
			}
			c.Properties[f.Name] = v
		}
		return fn(c)
	})
	if err != nil {
		return fmt.Errorf("server: snapshot of %s: %w", layer, err)
	}
	return nil
}

// Organisations returns every organisation by id.
func (s *SQLiteSnapshot) Organisations() ([]Organisation, error) {
	var out []Organisation
	err := s.each(`SELECT id, name, territory FROM srv_orgs ORDER BY id`, nil, func(rows *sql.Rows) error {
		var o Organisation
		var territory []byte
		if err := rows.Scan(&o.ID, &o.Name, &territory); err != nil {
			return err
		}
		if len(territory) > 0 {
			g, _, err := gpkgbin.Decode(territory)
			if err != nil {
				return fmt.Errorf("organisation %s territory: %w", o.ID, err)
			}
			o.Territory = g
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: snapshot organisations: %w", err)
	}
	return out, nil
}

// Users returns every user by name, with their password hash and
// memberships (by organisation).
func (s *SQLiteSnapshot) Users() ([]User, error) {
	var out []User
	err := s.each(`SELECT name, password_hash FROM srv_users ORDER BY name`, nil, func(rows *sql.Rows) error {
		var u User
		if err := rows.Scan(&u.Name, &u.PasswordHash); err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: snapshot users: %w", err)
	}
	for i := range out {
		if out[i].Memberships, err = memberships(s.ctx, s.tx, out[i].Name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Tokens returns every session token (expired ones too: the purge takes
// them), by hash.
func (s *SQLiteSnapshot) Tokens() ([]TokenRow, error) {
	var out []TokenRow
	err := s.each(`SELECT hash, user, expires_at FROM srv_tokens ORDER BY hash`, nil, func(rows *sql.Rows) error {
		var t TokenRow
		var exp string
		if err := rows.Scan(&t.Hash, &t.User, &exp); err != nil {
			return err
		}
		var err error
		if t.Expires, err = time.Parse(time.RFC3339Nano, exp); err != nil {
			return fmt.Errorf("token expiry %q: %w", exp, err)
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: snapshot tokens: %w", err)
	}
	return out, nil
}

// Logins returns when each user last signed in.
func (s *SQLiteSnapshot) Logins() (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.each(`SELECT user, at FROM srv_logins`, nil, func(rows *sql.Rows) error {
		var user, at string
		if err := rows.Scan(&user, &at); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return fmt.Errorf("login of %s %q: %w", user, at, err)
		}
		out[user] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: snapshot logins: %w", err)
	}
	return out, nil
}

// Pushes calls fn on every recorded answer to a pushed change.
func (s *SQLiteSnapshot) Pushes(fn func(PushRow) error) error {
	err := s.each(`SELECT user, change_id, result, at FROM srv_pushes ORDER BY user, change_id`, nil, func(rows *sql.Rows) error {
		var p PushRow
		var result, at string
		if err := rows.Scan(&p.User, &p.ChangeID, &result, &at); err != nil {
			return err
		}
		var err error
		if p.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return fmt.Errorf("push %s/%s time %q: %w", p.User, p.ChangeID, at, err)
		}
		if !json.Valid([]byte(result)) {
			return fmt.Errorf("push %s/%s: result is not JSON", p.User, p.ChangeID)
		}
		p.Result = json.RawMessage(result)
		return fn(p)
	})
	if err != nil {
		return fmt.Errorf("server: snapshot pushes: %w", err)
	}
	return nil
}

// Attachments returns the complete attachments of the platform by hash,
// with their files. They are listed after the database snapshot: an
// attachment a change refers to is complete before the change is
// accepted, and never removed, so each one the snapshot refers to is
// listed (those of later changes may be too).
func (s *SQLiteSnapshot) Attachments() (map[string]string, error) {
	dir := s.ws.Path() + ".blobs"
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("server: snapshot attachments: %w", err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.Type().IsRegular() && isBlobName(e.Name()) {
			out[e.Name()] = filepath.Join(dir, e.Name())
		}
	}
	return out, nil
}

// quoteName quotes an SQLite identifier.
func quoteName(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// HeadRow is the latest version of a feature: a tombstone when Deleted.
type HeadRow struct {
	Layer, UUID  string
	Version, Seq int64
	Deleted      bool
}

// Heads calls fn on the latest version of every feature, tombstones
// included.
func (s *SQLiteSnapshot) Heads(fn func(HeadRow) error) error {
	err := s.each(`SELECT layer, uuid, version, seq, op FROM srv_history h
		WHERE NOT EXISTS (SELECT 1 FROM srv_history h2 WHERE h2.layer = h.layer AND h2.uuid = h.uuid AND h2.seq > h.seq)`, nil, func(rows *sql.Rows) error {
		var h HeadRow
		var op string
		if err := rows.Scan(&h.Layer, &h.UUID, &h.Version, &h.Seq, &op); err != nil {
			return err
		}
		h.Deleted = op == string(protocol.OpDelete)
		return fn(h)
	})
	if err != nil {
		return fmt.Errorf("server: snapshot heads: %w", err)
	}
	return nil
}
