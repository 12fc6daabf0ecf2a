package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// storedVersion is a row of terrimap.versions as the reads scan it.
type storedVersion struct {
	seq     int64
	layer   string
	uuid    [16]byte
	version int64
	op      string
	author  string
	at      time.Time
	props   *string
	geom    []byte
	changed []string
}

// state rebuilds the feature the version holds, its properties typed by
// the layer's schema (nil when the layer is gone).
func (r *storedVersion) state(l *schema.Layer) (protocol.FeatureState, error) {
	st := protocol.FeatureState{Exists: r.op != string(protocol.OpDelete), Version: r.version}
	if !st.Exists {
		return st, nil
	}
	if r.props != nil {
		p, err := protocol.DecodePropertiesObject([]byte(*r.props))
		if err != nil {
			return st, fmt.Errorf("pgstore: %s/%s v%d: properties: %w", r.layer, formatUUID(r.uuid), r.version, err)
		}
		st.Properties, _ = protocol.CoerceProperties(l, p)
	}
	g, err := decodeGeom(r.geom)
	if err != nil {
		return st, fmt.Errorf("pgstore: %s/%s v%d: %w", r.layer, formatUUID(r.uuid), r.version, err)
	}
	st.Geometry = g
	return st, nil
}

// featureVersion reads a feature as it was at a version; the zero state
// when there is no such version.
func featureVersion(ctx context.Context, q querier, l *layerDef, u [16]byte, version int64) (protocol.FeatureState, error) {
	r := storedVersion{layer: l.name(), uuid: u, version: version}
	err := q.QueryRow(ctx, `SELECT op, properties::text, ST_AsEWKB(geom) FROM terrimap.versions WHERE layer = $1 AND uuid = $2 AND version = $3`,
		l.name(), u, version).Scan(&r.op, &r.props, &r.geom)
	if errors.Is(err, pgx.ErrNoRows) {
		return protocol.FeatureState{}, nil
	}
	if err != nil {
		return protocol.FeatureState{}, err
	}
	return r.state(&l.rec.Schema)
}

// rowColumns is the select list of a layer's row (alias t) that
// rowScan reads: uuid, geometry as EWKB, then the fields in order.
func rowColumns(l *layerDef) string { return rowColumnsWith(l, "t.uuid") }

// rowColumnsWith is rowColumns with the uuid taken from another expression.
func rowColumnsWith(l *layerDef, uuid string) string {
	cols := []string{uuid, "ST_AsEWKB(t.geom)"}
	for _, f := range l.rec.Schema.Fields {
		cols = append(cols, "t."+pgx.Identifier{f.Name}.Sanitize())
	}
	return strings.Join(cols, ", ")
}

// rowScan is a layer's row as rowColumns selects it.
type rowScan struct {
	uuid [16]byte
	geom []byte
	vals []any
}

// dest returns the scan destinations of rowColumns, after extra ones.
func (r *rowScan) dest(l *layerDef, extra ...any) []any {
	r.vals = make([]any, len(l.rec.Schema.Fields))
	d := append(extra, &r.uuid, &r.geom)
	for i := range r.vals {
		d = append(d, &r.vals[i])
	}
	return d
}

// feature returns the row as a feature of the layer at a version.
func (r *rowScan) feature(l *layerDef, version int64) (protocol.Change, error) {
	id := formatUUID(r.uuid)
	g, err := decodeGeom(r.geom)
	if err != nil {
		return protocol.Change{}, fmt.Errorf("pgstore: %s/%s: %w", l.name(), id, err)
	}
	props := make(map[string]any, len(r.vals))
	for i, f := range l.rec.Schema.Fields {
		props[f.Name] = propertyValue(f, r.vals[i])
	}
	return protocol.Change{Layer: l.name(), ID: id, Version: version, Geometry: g, Properties: props}, nil
}

// currentFeature reads a feature's head and, when it exists, its row of
// the layer's table.
func currentFeature(ctx context.Context, q querier, l *layerDef, u [16]byte) (protocol.FeatureState, error) {
	states, err := currentFeatures(ctx, q, l, [][16]byte{u})
	return states[u], err
}

// currentFeatures reads features' heads and the rows of those that exist,
// in one query; a feature that never existed is absent from the map (its
// zero state).
func currentFeatures(ctx context.Context, q querier, l *layerDef, uuids [][16]byte) (map[[16]byte]protocol.FeatureState, error) {
	rows, err := q.Query(ctx, currentFeaturesQuery(l), l.name(), uuids)
	if err != nil {
		return nil, err
	}
	c := currentScan{l: l}
	if err := c.scan(rows); err != nil {
		return nil, err
	}
	return c.resolve(ctx, q)
}

// currentFeaturesQuery reads the heads of a layer's features ($1 the
// layer, $2 their uuids) with their rows, for currentScan.
func currentFeaturesQuery(l *layerDef) string {
	return `SELECT h.version, h.deleted, t.uuid IS NOT NULL, ` + rowColumnsWith(l, "h.uuid") + `
		FROM terrimap.heads h LEFT JOIN ` + l.ident() + ` t ON t.uuid = h.uuid
		WHERE h.layer = $1 AND h.uuid = ANY($2::uuid[])`
}

// currentScan gathers the rows of currentFeaturesQuery.
type currentScan struct {
	l      *layerDef
	states map[[16]byte]protocol.FeatureState
	// orphans are heads whose row a direct edit deleted (not captured yet).
	orphans        [][16]byte
	orphanVersions []int64
}

// scan reads the rows.
func (c *currentScan) scan(rows pgx.Rows) error {
	defer rows.Close()
	c.states = map[[16]byte]protocol.FeatureState{}
	for rows.Next() {
		var version int64
		var deleted, hasRow bool
		var r rowScan
		if err := rows.Scan(r.dest(c.l, &version, &deleted, &hasRow)...); err != nil {
			return err
		}
		switch {
		case deleted:
			c.states[r.uuid] = protocol.FeatureState{Version: version}
		case !hasRow:
			c.orphans, c.orphanVersions = append(c.orphans, r.uuid), append(c.orphanVersions, version)
		default:
			f, err := r.feature(c.l, version)
			if err != nil {
				return err
			}
			c.states[r.uuid] = protocol.FeatureState{Exists: true, Version: version, Geometry: f.Geometry, Properties: f.Properties}
		}
	}
	return rows.Err()
}

// resolve gives the orphans their head version's state (the platform's
// state until the capture worker records the deletion) and returns the
// states.
func (c *currentScan) resolve(ctx context.Context, q querier) (map[[16]byte]protocol.FeatureState, error) {
	for i, u := range c.orphans {
		st, err := featureVersion(ctx, q, c.l, u, c.orphanVersions[i])
		if err != nil {
			return nil, err
		}
		c.states[u] = st
	}
	return c.states, nil
}

// Feature returns the platform's current feature or its tombstone.
func (s *Storage) Feature(ctx context.Context, layer, id string) (protocol.FeatureState, error) {
	l, err := loadLayer(ctx, s.pool, layer)
	if err != nil {
		return protocol.FeatureState{}, err
	}
	u, ok := parseUUID(id)
	if !ok {
		return protocol.FeatureState{}, nil
	}
	st, err := currentFeature(ctx, s.pool, l, u)
	if err != nil {
		return st, fmt.Errorf("pgstore: feature %s/%s: %w", l.name(), id, err)
	}
	return st, nil
}

// History returns every version of a feature, oldest first.
func (s *Storage) History(ctx context.Context, id string) ([]protocol.Version, error) {
	u, ok := parseUUID(id)
	if !ok {
		return nil, nil
	}
	pool := s.reader(ctx)
	out, err := history(ctx, pool, id, u)
	if s.readAgainOnPrimary(pool, err) {
		out, err = history(ctx, s.pool, id, u)
	}
	return out, err
}

func history(ctx context.Context, pool *pgxpool.Pool, id string, u [16]byte) ([]protocol.Version, error) {
	defs, err := loadLayers(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("pgstore: history %s: %w", id, err)
	}
	schemas := layerSchemas(defs)
	rows, err := pool.Query(ctx, `SELECT seq, layer, version, op, author, at, properties::text, ST_AsEWKB(geom), changed
		FROM terrimap.versions WHERE uuid = $1 ORDER BY seq`, u)
	if err != nil {
		return nil, fmt.Errorf("pgstore: history %s: %w", id, err)
	}
	defer rows.Close()
	var out []protocol.Version
	for rows.Next() {
		r := storedVersion{uuid: u}
		if err := rows.Scan(&r.seq, &r.layer, &r.version, &r.op, &r.author, &r.at, &r.props, &r.geom, &r.changed); err != nil {
			return nil, fmt.Errorf("pgstore: history %s: %w", id, err)
		}
		st, err := r.state(schemas[r.layer])
		if err != nil {
			return nil, err
		}
		out = append(out, protocol.Version{Version: r.version, Seq: r.seq, Op: protocol.Op(r.op), Author: r.author,
			At: r.at.UTC(), Changed: r.changed, Geometry: st.Geometry, Properties: st.Properties})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: history %s: %w", id, err)
	}
	return out, nil
}

// Item returns a layer's current feature.
func (s *Storage) Item(ctx context.Context, layer, id string) (protocol.Change, bool, error) {
	pool := s.reader(ctx)
	c, ok, err := item(ctx, pool, layer, id)
	if s.readAgainOnPrimary(pool, err) {
		c, ok, err = item(ctx, s.pool, layer, id)
	}
	return c, ok, err
}

func item(ctx context.Context, pool *pgxpool.Pool, layer, id string) (protocol.Change, bool, error) {
	l, err := loadLayer(ctx, pool, layer)
	if err != nil {
		return protocol.Change{}, false, err
	}
	u, ok := parseUUID(id)
	if !ok {
		return protocol.Change{}, false, nil
	}
	var version int64
	var r rowScan
	err = pool.QueryRow(ctx, `SELECT h.version, `+rowColumns(l)+` FROM `+l.ident()+` t
		JOIN terrimap.heads h ON h.layer = $1 AND h.uuid = t.uuid WHERE t.uuid = $2`, l.name(), u).Scan(r.dest(l, &version)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return protocol.Change{}, false, nil
	}
	if err != nil {
		return protocol.Change{}, false, fmt.Errorf("pgstore: item %s/%s: %w", l.name(), id, err)
	}
	c, err := r.feature(l, version)
	return c, err == nil, err
}

// QueryItems returns a page of the current features of a layer matching
// q, ordered by uuid (stable, and the table's key), with the number
// matched. The bound is tested with the GiST index (&&), then exactly on
// each geometry (ST_Intersects).
func (s *Storage) QueryItems(ctx context.Context, layer string, q server.ItemsQuery) ([]protocol.Change, int, error) {
	pool := s.reader(ctx)
	out, matched, err := queryItems(ctx, pool, layer, q)
	if s.readAgainOnPrimary(pool, err) {
		out, matched, err = queryItems(ctx, s.pool, layer, q)
	}
	return out, matched, err
}

func queryItems(ctx context.Context, pool *pgxpool.Pool, layer string, q server.ItemsQuery) ([]protocol.Change, int, error) {
	l, err := loadLayer(ctx, pool, layer)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := itemsFilter(l, q)
	if err != nil {
		return nil, 0, fmt.Errorf("pgstore: items of %s: %w", l.name(), err)
	}
	from := ` FROM ` + l.ident() + ` t JOIN terrimap.heads h ON h.layer = $1 AND h.uuid = t.uuid WHERE ` + where
	b := &pgx.Batch{}
	var matched int
	b.Queue(`SELECT count(*)`+from, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&matched) })
	var out []protocol.Change
	page := append(slices.Clone(args), q.Limit, q.Offset)
	b.Queue(`SELECT h.version, `+rowColumns(l)+from+fmt.Sprintf(` ORDER BY t.uuid LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2), page...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var version int64
				var r rowScan
				if err := rows.Scan(r.dest(l, &version)...); err != nil {
					return err
				}
				c, err := r.feature(l, version)
				if err != nil {
					return err
				}
				out = append(out, c)
			}
			return rows.Err()
		})
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, 0, fmt.Errorf("pgstore: items of %s: %w", l.name(), err)
	}
	return out, matched, nil
}

// itemsFilter is the WHERE clause of q (its arguments after the layer's
// name, $1): the bound, then each field's equality, typed.
func itemsFilter(l *layerDef, q server.ItemsQuery) (string, []any, error) {
	conds := []string{"true"}
	args := []any{l.name()}
	if q.Bound != nil {
		b := *q.Bound
		args = append(args, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		env := fmt.Sprintf("ST_MakeEnvelope($%d, $%d, $%d, $%d, %d)", len(args)-3, len(args)-2, len(args)-1, len(args), srid)
		conds = append(conds, "t.geom && "+env, "ST_Intersects(t.geom, "+env+")")
	}
	names := make([]string, 0, len(q.Equals))
	for name := range q.Equals {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, ok := l.rec.Schema.Field(name)
		if !ok {
			return "", nil, fmt.Errorf("%w: %s", schema.ErrUnknownField, name)
		}
		v, err := columnValue(f, q.Equals[name])
		if err != nil {
			return "", nil, err
		}
		col := "t." + pgx.Identifier{f.Name}.Sanitize()
		if v == nil {
			conds = append(conds, col+" IS NULL")
			continue
		}
		args = append(args, v)
		conds = append(conds, fmt.Sprintf("%s = $%d::%s", col, len(args), pgType(f.Type)))
	}
	if q.During != nil {
		during, err := duringFilter(l, *q.During, &args)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, during...)
	}
	return strings.Join(conds, " AND "), args, nil
}

// duringFilter is the conditions of a datetime filter on the layer's
// temporal field, its arguments added to args: a date column is compared
// with the ends' dates (a day meets the interval), a timestamptz column
// with the ends themselves; NULL never matches.
func duringFilter(l *layerDef, d server.TimeInterval, args *[]any) ([]string, error) {
	f, ok := l.rec.Schema.Field(d.Field)
	if !ok || (f.Type != schema.Date && f.Type != schema.DateTime) {
		return nil, fmt.Errorf("%w: %s is no date field", schema.ErrUnknownField, d.Field)
	}
	col := "t." + pgx.Identifier{f.Name}.Sanitize()
	conds := []string{col + " IS NOT NULL"}
	bound := func(op string, at time.Time, date string) {
		if at.IsZero() {
			return
		}
		if f.Type == schema.Date {
			*args = append(*args, date)
			conds = append(conds, fmt.Sprintf("%s %s $%d::date", col, op, len(*args)))
			return
		}
		*args = append(*args, at)
		conds = append(conds, fmt.Sprintf("%s %s $%d::timestamptz", col, op, len(*args)))
	}
	bound(">=", d.Start, d.StartDate())
	bound("<=", d.End, d.EndDate())
	return conds, nil
}

// Extent returns the bounding box of a layer's current geometries.
func (s *Storage) Extent(ctx context.Context, layer string) (orb.Bound, bool) {
	pool := s.reader(ctx)
	l, err := loadLayer(ctx, pool, layer)
	if err != nil {
		return orb.Bound{}, false
	}
	var minX, minY, maxX, maxY *float64
	err = pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM `+l.ident()+`) x`).
		Scan(&minX, &minY, &maxX, &maxY)
	if err != nil || minX == nil {
		return orb.Bound{}, false
	}
	return orb.Bound{Min: orb.Point{*minX, *minY}, Max: orb.Point{*maxX, *maxY}}, true
}

// TimeExtent returns the first and last values of a layer's date or
// datetime field among its current features.
func (s *Storage) TimeExtent(ctx context.Context, layer, field string) (first, last string, ok bool) {
	pool := s.reader(ctx)
	l, err := loadLayer(ctx, pool, layer)
	if err != nil {
		return "", "", false
	}
	f, ok := l.rec.Schema.Field(field)
	if !ok || (f.Type != schema.Date && f.Type != schema.DateTime) {
		return "", "", false
	}
	col := pgx.Identifier{f.Name}.Sanitize()
	var lo, hi *time.Time
	if err := pool.QueryRow(ctx, `SELECT min(`+col+`), max(`+col+`) FROM `+l.ident()).Scan(&lo, &hi); err != nil || lo == nil || hi == nil {
		return "", "", false
	}
	return propertyValue(f, *lo).(string), propertyValue(f, *hi).(string), true
}
