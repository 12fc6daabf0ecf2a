package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// How the feed order is made — the rule «the feed never skips a change».
//
// Every version has a sequence number (terrimap.versions.seq); a desk
// reads the feed after the largest number it has seen. A reader that has
// seen N+1 must already have seen N, so numbers must become visible in the
// order they were handed out. A sequence (bigserial) does not do that: it
// gives N to one transaction and N+1 to another, which may commit first;
// a reader then sees N+1, moves its cursor past N, and never sees N (the
// outbox bug).
//
// Here the numbers come from the single row of terrimap.feed_clock. A
// write transaction locks that row (UPDATE … RETURNING last_seq) the first
// time it reads or writes a feature (lockFeed), numbers its versions
// last_seq+1, +2…, writes them and the new last_seq at the end (flush), and
// holds the row lock until it commits. A second writer waits at its own
// UPDATE until the first has committed, then reads the new last_seq: the
// numbers are handed out, and become visible, in commit order. Readers
// never lock: Changes reads a page and feed_clock.last_seq in one
// statement (one snapshot), so the cursor it returns never passes a
// number whose version that snapshot does not show.
//
// Writers are thus serialised from their first read of a feature (as on
// SQLite, which has one writer): what a push merges with cannot change
// under it. To keep the lock short, nothing is sent to the database
// while a transaction works: its versions, heads and layer rows are
// buffered (writeTx.pending) and written at the end in one batch. Once
// the lock is held, lock_timeout bounds every other wait (a row QGIS
// keeps locked in an open transaction fails the push after rowLockTimeout
// rather than stalling the whole feed). Direct edits from QGIS never take
// the lock inside the QGIS transaction: triggers only append to
// terrimap.captured, and the capture worker writes their versions through
// this same path, in its own short transactions.

// rowLockTimeout bounds a lock wait of a transaction that holds the feed.
const rowLockTimeout = "5s"

// lockFeed takes the feed_clock row for this transaction (once) and reads
// the last sequence number handed out.
func (t *writeTx) lockFeed() error {
	if t.locked {
		return nil
	}
	b := &pgx.Batch{}
	t.queueLockFeed(b)
	return t.tx.SendBatch(t.ctx, b).Close()
}

// queueLockFeed queues the taking of the feed lock into b (the statements
// queued after it run once it is granted), when this transaction does
// not hold it yet.
func (t *writeTx) queueLockFeed(b *pgx.Batch) {
	if t.locked {
		return
	}
	b.Queue(`WITH c AS (UPDATE terrimap.feed_clock SET last_seq = last_seq WHERE id = 1 RETURNING last_seq)
		SELECT last_seq, set_config('lock_timeout', $1, true) FROM c`, rowLockTimeout).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&t.clock, nil); err != nil {
			return fmt.Errorf("pgstore: lock the feed: %w", err)
		}
		t.locked = true
		return nil
	})
}

// flush writes the buffered versions in one batch: the layers' rows (the
// latest state of each feature), the versions, the heads with their row
// hashes, and the new end of the feed.
func (t *writeTx) flush() error {
	if len(t.queue) == 0 {
		return nil
	}
	latest := latestVersions(t.queue)
	b := &pgx.Batch{}
	queueVersions(b, t.queue)
	for _, group := range byLayer(latest) {
		if err := queueLayerWrites(b, group); err != nil {
			return err
		}
	}
	b.Queue(`UPDATE terrimap.feed_clock SET last_seq = $1 WHERE id = 1`, t.clock)
	t.afterVersions(b, t.clock)
	return t.tx.SendBatch(t.ctx, b).Close()
}

// latestVersions keeps the last pending version of each feature, in the
// order the features were first written.
func latestVersions(queue []*pendingVersion) []*pendingVersion {
	at := make(map[featureKey]int, len(queue))
	var out []*pendingVersion
	for _, p := range queue {
		k := featureKey{p.layer.name(), p.id}
		if i, ok := at[k]; ok {
			out[i] = p
			continue
		}
		at[k] = len(out)
		out = append(out, p)
	}
	return out
}

// byLayer groups versions by layer, in the order layers first appear.
func byLayer(ps []*pendingVersion) [][]*pendingVersion {
	at := map[string]int{}
	var out [][]*pendingVersion
	for _, p := range ps {
		i, ok := at[p.layer.name()]
		if !ok {
			i = len(out)
			at[p.layer.name()] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], p)
	}
	return out
}

// queueLayerWrites queues the writes of one layer's features: their
// table rows and their heads, each head written once with the hash of
// its row as it now is. Deleted features lose their row; captured direct
// edits (keepRow) are already in the table.
func queueLayerWrites(b *pgx.Batch, group []*pendingVersion) error {
	l := group[0].layer
	var live, kept, gone []*pendingVersion
	var rowsGone [][16]byte
	for _, p := range group {
		switch {
		case !p.state.Exists:
			gone = append(gone, p)
			if !p.keepRow {
				rowsGone = append(rowsGone, p.uuid)
			}
		case p.keepRow:
			kept = append(kept, p)
		default:
			live = append(live, p)
		}
	}
	if len(rowsGone) > 0 {
		b.Queue(`DELETE FROM `+l.ident()+` WHERE uuid = ANY($1::uuid[])`, rowsGone)
	}
	if len(gone) > 0 {
		b.Queue(`INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted, row_hash)
			SELECT $1, s.uuid, s.version, s.seq, true, NULL FROM `+headsUnnest+headsUpsert, headArgs(l, gone)...)
	}
	if len(kept) > 0 {
		b.Queue(`INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted, row_hash)
			SELECT $1, s.uuid, s.version, s.seq, false, `+rowHashExpr(l.rec.Schema, "t")+`
			FROM `+headsUnnest+` LEFT JOIN `+l.ident()+` t ON t.uuid = s.uuid`+headsUpsert, headArgs(l, kept)...)
	}
	if len(live) == 0 {
		return nil
	}
	q, args, err := upsertRows(l, live)
	if err != nil {
		return err
	}
	b.Queue(q, args...)
	return nil
}

// headsUnnest is the heads' arguments of headArgs ($2-$4) as a table s.
const headsUnnest = `unnest($2::uuid[], $3::bigint[], $4::bigint[]) AS s(uuid, version, seq)`

// headsUpsert ends an insert into terrimap.heads: a feature's head is
// replaced by its new one.
const headsUpsert = `
	ON CONFLICT (layer, uuid) DO UPDATE SET version = excluded.version, seq = excluded.seq,
		deleted = excluded.deleted, row_hash = excluded.row_hash`

// headArgs are the arguments of a heads insert: the layer's name ($1),
// then the features' uuids, versions and sequence numbers.
func headArgs(l *layerDef, ps []*pendingVersion) []any {
	uuids := make([][16]byte, len(ps))
	versions, seqs := make([]int64, len(ps)), make([]int64, len(ps))
	for i, p := range ps {
		uuids[i], versions[i], seqs[i] = p.uuid, p.state.Version, p.seq
	}
	return []any{l.name(), uuids, versions, seqs}
}

// upsertRows is the statement writing features' rows into a layer's
// table, then their heads with the rows' hashes, with its arguments:
// headArgs ($1-$4, the uuids also the rows'), then one array per column.
func upsertRows(l *layerDef, ps []*pendingVersion) (string, []any, error) {
	fields := l.rec.Schema.Fields
	geoms := make([][]byte, len(ps))
	for i, p := range ps {
		geoms[i] = p.geom
	}
	args := headArgs(l, ps)
	cols := []string{"uuid"}
	sel := []string{"r.c0"}
	params := []string{"$2::uuid[]"}
	names := []string{"c0"}
	set := make([]string, 0, len(fields)+1)
	for j, f := range fields {
		arr, err := columnArray(l, f, ps)
		if err != nil {
			return "", nil, err
		}
		args = append(args, arr)
		col := pgx.Identifier{f.Name}.Sanitize()
		name := fmt.Sprintf("c%d", j+1)
		cols = append(cols, col)
		sel = append(sel, "r."+name)
		params = append(params, fmt.Sprintf("$%d::%s[]", len(args), pgType(f.Type)))
		names = append(names, name)
		set = append(set, col+" = excluded."+col)
	}
	args = append(args, geoms)
	cols = append(cols, "geom")
	sel = append(sel, "ST_GeomFromEWKB(r.g)")
	params = append(params, fmt.Sprintf("$%d::bytea[]", len(args)))
	names = append(names, "g")
	set = append(set, "geom = excluded.geom")
	q := `WITH w AS (INSERT INTO ` + l.ident() + ` AS t (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(sel, ", ") +
		` FROM unnest(` + strings.Join(params, ", ") + `) AS r(` + strings.Join(names, ", ") + `)
		ON CONFLICT (uuid) DO UPDATE SET ` + strings.Join(set, ", ") + `
		RETURNING t.uuid, ` + rowHashExpr(l.rec.Schema, "t") + ` AS row_hash)
		INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted, row_hash)
		SELECT $1, s.uuid, s.version, s.seq, false, w.row_hash FROM ` + headsUnnest + ` JOIN w ON w.uuid = s.uuid` + headsUpsert
	return q, args, nil
}

// columnArray is one field's values for features, as a typed array
// (NULL where a feature has none).
func columnArray(l *layerDef, f schema.Field, ps []*pendingVersion) (any, error) {
	vals := make([]any, len(ps))
	for i, p := range ps {
		v, err := columnValue(f, p.state.Properties[f.Name])
		if err != nil {
			return nil, fmt.Errorf("pgstore: layer %s, feature %s: %w", l.name(), p.id, err)
		}
		vals[i] = v
	}
	return typedArray(f.Type, vals), nil
}

// typedArray turns column values (as columnValue gives them) into the
// slice of pointers pgx encodes as an array of the field's type.
func typedArray(t schema.FieldType, vals []any) any {
	switch t {
	case schema.Integer:
		return pointers[int64](vals)
	case schema.Real:
		return pointers[float64](vals)
	case schema.Boolean:
		return pointers[bool](vals)
	case schema.Date, schema.DateTime:
		return pointers[time.Time](vals)
	}
	return pointers[string](vals)
}

// pointers is vals as []*T: nil (or a value of another type, which
// columnValue never gives) becomes NULL.
func pointers[T any](vals []any) []*T {
	out := make([]*T, len(vals))
	for i, v := range vals {
		if x, ok := v.(T); ok {
			out[i] = &x
		}
	}
	return out
}

// queueVersions queues the insert of versions into terrimap.versions.
func queueVersions(b *pgx.Batch, queue []*pendingVersion) {
	n := len(queue)
	seqs, versions := make([]int64, n), make([]int64, n)
	layers, ops, authors := make([]string, n), make([]string, n), make([]string, n)
	uuids := make([][16]byte, n)
	roles, props, changed := make([]*string, n), make([]*string, n), make([]*string, n)
	ats := make([]time.Time, n)
	geoms := make([][]byte, n)
	for i, p := range queue {
		seqs[i], versions[i] = p.seq, p.state.Version
		layers[i], ops[i], authors[i] = p.layer.name(), string(p.op), p.author
		uuids[i], ats[i], geoms[i] = p.uuid, p.at, p.geom
		if p.dbRole != "" {
			roles[i] = &p.dbRole
		}
		if p.props != nil {
			s := string(p.props)
			props[i] = &s
		}
		if p.changed != nil {
			js, _ := json.Marshal(p.changed)
			s := string(js)
			changed[i] = &s
		}
	}
	b.Queue(`INSERT INTO terrimap.versions (seq, layer, uuid, version, op, author, db_role, at, properties, geom, changed)
		SELECT r.seq, r.layer, r.uuid, r.version, r.op, r.author, r.role, r.at, r.props::jsonb, ST_GeomFromEWKB(r.geom),
			CASE WHEN r.changed IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(r.changed::jsonb)) END
		FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[],
			$8::timestamptz[], $9::text[], $10::bytea[], $11::text[])
			AS r(seq, layer, uuid, version, op, author, role, at, props, geom, changed)`,
		seqs, layers, uuids, versions, ops, authors, roles, ats, props, geoms, changed)
}

// FeedEnd returns the sequence of the last version written: the end of
// the change feed.
func (s *Storage) FeedEnd(ctx context.Context) (int64, error) {
	pool := s.reader(ctx)
	end, err := feedEnd(ctx, pool)
	if s.readAgainOnPrimary(pool, err) {
		end, err = feedEnd(ctx, s.pool)
	}
	return end, err
}

func feedEnd(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var end int64
	if err := pool.QueryRow(ctx, `SELECT last_seq FROM terrimap.feed_clock WHERE id = 1`).Scan(&end); err != nil {
		return 0, fmt.Errorf("pgstore: feed end: %w", err)
	}
	return end, nil
}

// Changes returns the latest version of each feature changed after since,
// in the given layers, in sequence order; see the top of this file for
// why the cursor it returns is safe.
func (s *Storage) Changes(ctx context.Context, since int64, limit int, layers []string) ([]protocol.Change, int64, bool, error) {
	pool := s.reader(ctx)
	out, next, more, err := changes(ctx, pool, since, limit, layers)
	if s.readAgainOnPrimary(pool, err) {
		out, next, more, err = changes(ctx, s.pool, since, limit, layers)
	}
	return out, next, more, err
}

func changes(ctx context.Context, pool *pgxpool.Pool, since int64, limit int, layers []string) ([]protocol.Change, int64, bool, error) {
	if len(layers) == 0 {
		return nil, since, false, nil
	}
	// The page and the layers' schemas go in one round trip, the schemas
	// read after the page: a field is added (and committed) before any
	// version holds a value for it, so schemas read later know every field
	// of the page's versions — read first, in an earlier snapshot, they
	// could miss a field added meanwhile and drop its values. The versions
	// are decoded once both are in. An empty page is one row with the
	// clock alone: coalesce keeps its other columns scannable. (v.seq >
	// since repeats h.seq > since so that a merge join starts both indexes
	// at the cursor, not at the feed's beginning: pages far into the feed
	// cost as much as the first.)
	b := &pgx.Batch{}
	type pageRow struct {
		seq int64
		r   storedVersion
	}
	var page []pageRow
	next, end, more := since, since, false
	b.Queue(`SELECT c.last_seq, p.seq, coalesce(p.layer, ''), coalesce(p.uuid, '00000000-0000-0000-0000-000000000000'),
			coalesce(p.version, 0), coalesce(p.op, ''), coalesce(p.author, ''), coalesce(p.at, 'epoch'), p.props, p.geom
		FROM terrimap.feed_clock c LEFT JOIN LATERAL (
			SELECT v.seq, v.layer, v.uuid, v.version, v.op, v.author, v.at, v.properties::text AS props, ST_AsEWKB(v.geom) AS geom
			FROM terrimap.heads h JOIN terrimap.versions v ON v.seq = h.seq
			WHERE h.seq > $1 AND v.seq > $1 AND h.layer = ANY($2::text[])
			ORDER BY h.seq LIMIT $3) p ON true
		WHERE c.id = 1 ORDER BY p.seq`, since, layers, limit+1).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r storedVersion
			var seq *int64
			if err := rows.Scan(&end, &seq, &r.layer, &r.uuid, &r.version, &r.op, &r.author, &r.at, &r.props, &r.geom); err != nil {
				return err
			}
			if seq == nil {
				return nil // the page is empty: only the clock came back
			}
			if len(page) == limit {
				more = true
				return nil
			}
			page = append(page, pageRow{*seq, r})
		}
		return rows.Err()
	})
	var schemas map[string]*schema.Layer
	b.Queue(layersQuery).Query(func(rows pgx.Rows) error {
		defs, err := scanLayers(rows)
		schemas = layerSchemas(defs)
		return err
	})
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, since, false, fmt.Errorf("pgstore: changes: %w", err)
	}
	out := make([]protocol.Change, 0, len(page))
	for i := range page {
		r := &page[i].r
		st, err := r.state(schemas[r.layer])
		if err != nil {
			return nil, since, false, err
		}
		out = append(out, protocol.Change{Seq: page[i].seq, Layer: r.layer, ID: formatUUID(r.uuid), Version: r.version,
			Deleted: !st.Exists, Geometry: st.Geometry, Properties: st.Properties, ModifiedBy: r.author, ModifiedAt: r.at.UTC()})
		next = page[i].seq
	}
	if more {
		return out, next, true, nil
	}
	// Nothing past the page: the cursor moves to the end of the feed (never
	// back, should a lagging replica be behind what this desk has read).
	return out, max(next, end), false, nil
}
