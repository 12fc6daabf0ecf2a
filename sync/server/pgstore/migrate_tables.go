package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// copyBatch is how many rows one COPY sends: a batch is held in memory
// while the snapshot is read, never the whole platform.
const copyBatch = 5000

// table is one table the migration copies and verifies: its columns in
// PostgreSQL, the kinds that make their values comparable, and the query
// that reads them back in the same shape.
type table struct {
	name     string
	target   pgx.Identifier
	cols     []string
	kinds    []kind
	readBack string
}

// The platform's own tables, as migrate copies them.
var (
	tLayers = table{name: "layers", cols: []string{"name", "definition", "style", "edit_by"},
		kinds:    []kind{kPlain, kSchema, kJSON, kPlain},
		readBack: `SELECT name, definition::text, style::text, edit_by FROM terrimap.layers`}
	tVersions = table{name: "versions", target: pgx.Identifier{"terrimap", "versions"},
		cols:     []string{"seq", "layer", "uuid", "version", "op", "author", "at", "properties", "geom", "changed"},
		kinds:    []kind{kPlain, kPlain, kPlain, kPlain, kPlain, kPlain, kTime, kJSON, kGeom, kPlain},
		readBack: `SELECT seq, layer, uuid::text, version, op, author, at, properties::text, ST_AsEWKB(geom), changed FROM terrimap.versions`}
	tOrgs = table{name: "orgs", target: pgx.Identifier{"terrimap", "orgs"},
		cols: []string{"id", "name", "territory"}, kinds: []kind{kPlain, kPlain, kGeom},
		readBack: `SELECT id, name, ST_AsEWKB(territory) FROM terrimap.orgs`}
	tUsers = table{name: "users", target: pgx.Identifier{"terrimap", "users"},
		cols: []string{"name", "password_hash"}, kinds: []kind{kPlain, kPlain},
		readBack: `SELECT name, password_hash FROM terrimap.users`}
	tMemberships = table{name: "memberships", target: pgx.Identifier{"terrimap", "memberships"},
		cols: []string{"user_name", "org", "role"}, kinds: []kind{kPlain, kPlain, kPlain},
		readBack: `SELECT user_name, org, role FROM terrimap.memberships`}
	tTokens = table{name: "tokens", target: pgx.Identifier{"terrimap", "tokens"},
		cols: []string{"hash", "user_name", "expires_at"}, kinds: []kind{kPlain, kPlain, kTime},
		readBack: `SELECT hash, user_name, expires_at FROM terrimap.tokens`}
	tLogins = table{name: "logins", target: pgx.Identifier{"terrimap", "logins"},
		cols: []string{"user_name", "at"}, kinds: []kind{kPlain, kTime},
		readBack: `SELECT user_name, at FROM terrimap.logins`}
	tPushes = table{name: "pushes", target: pgx.Identifier{"terrimap", "pushes"},
		cols: []string{"user_name", "change_id", "result", "at"}, kinds: []kind{kPlain, kPlain, kJSON, kTime},
		readBack: `SELECT user_name, change_id, result::text, at FROM terrimap.pushes`}
	// Attachments are compared by hash, size and the SHA-256 of their
	// bytes, computed by PostgreSQL from what it stored.
	tBlobs = table{name: "blobs", target: pgx.Identifier{"terrimap", "blobs"},
		cols: []string{"hash", "size", "data", "created_at"}, kinds: []kind{kPlain, kPlain, kPlain},
		readBack: `SELECT hash, size, encode(sha256(data), 'hex') FROM terrimap.blobs`}
)

// feedKinds are the kinds of the feed's digest: seq, layer, uuid, version, op.
var feedKinds = tVersions.kinds[:5]

// sink receives the source's rows of a table: it digests them and, when
// copying, sends them to PostgreSQL by COPY in batches.
type sink struct {
	m     *migration
	ctx   context.Context
	tx    pgx.Tx // nil: digest only
	t     table
	cols  []string
	d     digest
	batch [][]any
}

func (m *migration) newSink(tx pgx.Tx, t table) *sink {
	m.step(t.name, 0)
	return &sink{m: m, ctx: m.ctx, tx: tx, t: t, cols: t.cols}
}

// put digests key (the row as compared) and queues row (as copied).
func (s *sink) put(key []any, row []any) error {
	if err := s.d.addRow(s.t.kinds, key); err != nil {
		return fmt.Errorf("%s: %w", s.t.name, err)
	}
	s.m.step(s.t.name, s.d.Rows)
	if s.tx == nil {
		return nil
	}
	s.batch = append(s.batch, row)
	if len(s.batch) >= copyBatch {
		return s.flush()
	}
	return nil
}

// flush sends the queued rows.
func (s *sink) flush() error {
	if s.tx == nil || len(s.batch) == 0 {
		return nil
	}
	if _, err := s.tx.CopyFrom(s.ctx, s.t.target, s.cols, pgx.CopyFromRows(s.batch)); err != nil {
		return fmt.Errorf("copy into %s: %w", s.t.target.Sanitize(), err)
	}
	s.batch = s.batch[:0]
	return nil
}

// errCopyStopped stops a stream's reader when its COPY has failed.
var errCopyStopped = errors.New("pgstore: copy stopped")

// stream sends every row read sends to put into the table with ONE COPY,
// read (the SQLite snapshot) running in its own goroutine, so that
// reading and decoding the source overlap PostgreSQL's work. Without a
// transaction (verifying only), read just digests.
func (s *sink) stream(read func(put func(key, row []any) error) error) error {
	if s.tx == nil {
		return read(s.put)
	}
	rows := make(chan []any, copyBatch)
	done := make(chan struct{})
	var readErr error
	go func() {
		defer close(rows)
		readErr = read(func(key, row []any) error {
			if err := s.d.addRow(s.t.kinds, key); err != nil {
				return fmt.Errorf("%s: %w", s.t.name, err)
			}
			s.m.step(s.t.name, s.d.Rows)
			select {
			case rows <- row:
				return nil
			case <-done:
				return errCopyStopped
			}
		})
	}()
	_, err := s.tx.CopyFrom(s.ctx, s.t.target, s.cols, pgx.CopyFromFunc(func() ([]any, error) {
		row, ok := <-rows
		if !ok {
			return nil, readErr // set before rows was closed
		}
		return row, nil
	}))
	close(done)
	for range rows {
		// Let the reader see done and end.
	}
	if readErr != nil && !errors.Is(readErr, errCopyStopped) {
		return readErr
	}
	if err != nil {
		return fmt.Errorf("copy into %s: %w", s.t.target.Sanitize(), err)
	}
	return nil
}

// readBack digests what PostgreSQL holds of a table.
func readBack(ctx context.Context, q querier, t table, args ...any) (digest, error) {
	var d digest
	rows, err := q.Query(ctx, t.readBack, args...)
	if err != nil {
		return d, fmt.Errorf("read back %s: %w", t.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return d, fmt.Errorf("read back %s: %w", t.name, err)
		}
		for i, v := range vals {
			vals[i] = plainValue(v)
		}
		if err := d.addRow(t.kinds, vals); err != nil {
			return d, fmt.Errorf("read back %s: %w", t.name, err)
		}
	}
	return d, rows.Err()
}

// plainValue turns what pgx decodes into the Go types the source gives:
// text arrays into []string, narrower integers into int64.
func plainValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = fmt.Sprint(e)
		}
		return out
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	}
	return v
}

// versionRow is a version as copied into terrimap.versions.
func versionRow(v server.VersionRow) ([]any, error) {
	if _, ok := parseUUID(v.UUID); !ok {
		return nil, fmt.Errorf("version %d of layer %s: the feature id %q is not a UUID", v.Seq, v.Layer, v.UUID)
	}
	var props any
	if v.State.Exists {
		js, err := json.Marshal(v.State.Properties)
		if err != nil {
			return nil, err
		}
		props = string(js)
	}
	g, err := encodeGeom(v.State.Geometry)
	if err != nil {
		return nil, fmt.Errorf("version %d: %w", v.Seq, err)
	}
	var changed any
	if v.Changed != nil {
		changed = v.Changed
	}
	return []any{v.Seq, v.Layer, strings.ToLower(v.UUID), v.Version, string(v.Op), v.Author, v.At, props, g, changed}, nil
}

// featureRow is a current feature as copied into its layer's table
// (uuid, the fields in schema order, geom) and as compared (uuid, its
// version, the fields, geom).
func featureRow(l *schema.Layer, c protocol.Change) (row, key []any, err error) {
	if _, ok := parseUUID(c.ID); !ok {
		return nil, nil, fmt.Errorf("feature %q of layer %s: its id is not a UUID", c.ID, l.Name)
	}
	g, err := encodeGeom(c.Geometry)
	if err != nil {
		return nil, nil, fmt.Errorf("feature %s: %w", c.ID, err)
	}
	id := strings.ToLower(c.ID)
	row = append(make([]any, 0, len(l.Fields)+2), id)
	key = append(make([]any, 0, len(l.Fields)+3), id, c.Version)
	for _, f := range l.Fields {
		v, err := columnValue(f, c.Properties[f.Name])
		if err != nil {
			return nil, nil, fmt.Errorf("feature %s: %w", c.ID, err)
		}
		row = append(row, v)
		key = append(key, v)
	}
	return append(row, g), append(key, g), nil
}

// featureKinds are the comparison kinds of a layer's current features.
func featureKinds(l *schema.Layer) []kind {
	k := make([]kind, 0, len(l.Fields)+3)
	k = append(k, kPlain, kPlain)
	for range l.Fields {
		k = append(k, kPlain)
	}
	return append(k, kGeom)
}

// featureTable is the table of a layer's current features, read back
// joined with the heads for each feature's version.
func featureTable(l *schema.Layer, def *layerDef) table {
	target := pgx.Identifier{def.schema, def.table}
	cols := []string{"uuid"}
	sel := []string{"r.uuid::text", "h.version"}
	for _, f := range l.Fields {
		cols = append(cols, f.Name)
		sel = append(sel, "r."+pgx.Identifier{f.Name}.Sanitize())
	}
	cols = append(cols, "geom")
	sel = append(sel, "ST_AsEWKB(r.geom)")
	return table{name: l.Name, target: target, cols: cols, kinds: featureKinds(l),
		readBack: "SELECT " + strings.Join(sel, ", ") + " FROM " + target.Sanitize() +
			" r LEFT JOIN terrimap.heads h ON h.layer = $1 AND h.uuid = r.uuid"}
}

// blobRow reads an attachment's file for COPY and checks it matches its
// name (a damaged file is refused, not carried over).
func blobRow(hash, path string) (row, key []any, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("attachment %s: %w", hash, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != hash {
		return nil, nil, fmt.Errorf("attachment %s: its file hashes to %s (damaged?)", hash, got)
	}
	created := time.Now().UTC()
	if st, err := os.Stat(path); err == nil {
		created = st.ModTime().UTC()
	}
	size := int64(len(data))
	return []any{hash, size, data, created}, []any{hash, size, hash}, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
