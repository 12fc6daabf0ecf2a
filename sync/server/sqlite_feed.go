package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// The read side of SQLiteStorage's history: the change feed and a
// feature's versions.

// Changes returns the latest version of each feature changed after since.
func (s *SQLiteStorage) Changes(ctx context.Context, since int64, limit int, layers []string) ([]protocol.Change, int64, bool, error) {
	if len(layers) == 0 {
		return nil, since, false, nil
	}
	// The end of the feed is read first and bounds the page: a version
	// committed while the page is read is left for the next one, never
	// skipped by a cursor moved past it.
	end, err := s.FeedEnd(ctx)
	if err != nil {
		return nil, since, false, fmt.Errorf("server: changes: %w", err)
	}
	// The schemas are read after the end: a field is added before any
	// version holds a value for it, so they know every field of the
	// versions up to the end (read before it, they could miss a field
	// added meanwhile and drop its values from the page).
	schemas := map[string]*schema.Layer{}
	for _, name := range layers {
		if l, err := s.ws.Layer(name); err == nil {
			schemas[name] = &l.Schema
		}
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
