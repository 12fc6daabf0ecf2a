package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// selectSQL is the SELECT of a layer's rows: fid, geometry, uuid, version,
// then every field in schema order.
func selectSQL(l *Layer) string {
	cols := []string{quoteIdent(l.fidColumn), quoteIdent(l.geomColumn)}
	if l.Foreign {
		cols = append(cols, "''", "0")
	} else {
		cols = append(cols, "uuid", "tm_version")
	}
	for _, f := range l.Schema.Fields {
		cols = append(cols, quoteIdent(l.columns[f.Name]))
	}
	return fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), quoteIdent(l.Schema.Name))
}

type scanner interface{ Scan(dest ...any) error }

func scanFeature(l *Layer, row scanner) (Feature, error) {
	vals := make([]any, 4+len(l.Schema.Fields))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return Feature{}, err
	}
	f := Feature{Layer: l.Schema.Name, Properties: make(map[string]any, len(l.Schema.Fields))}
	f.FID, _ = vals[0].(int64)
	if blob, ok := vals[1].([]byte); ok && len(blob) > 0 {
		g, _, err := gpkgbin.Decode(blob)
		if err == nil && g != nil && l.toWGS84 != nil {
			g, err = l.toWGS84(g)
		}
		if err == nil {
			f.Geometry = g
		}
	}
	switch u := vals[2].(type) {
	case string:
		f.UUID = u
	case []byte:
		f.UUID = string(u)
	}
	f.Version, _ = vals[3].(int64)
	for i, fld := range l.Schema.Fields {
		f.Properties[fld.Name] = decodeValue(fld, vals[4+i])
	}
	return f, nil
}

// decodeValue turns what SQLite returns into the field type's Go value.
func decodeValue(f schema.Field, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		v = string(x)
	case time.Time:
		if f.Type == schema.Date {
			return x.Format(schema.DateLayout)
		}
		return x.UTC().Format(time.RFC3339)
	}
	switch f.Type {
	case schema.Boolean:
		switch x := v.(type) {
		case int64:
			return x != 0
		case float64:
			return x != 0
		}
	case schema.Integer:
		if x, ok := v.(float64); ok && x == math.Trunc(x) {
			return int64(x)
		}
	case schema.Real:
		if x, ok := v.(int64); ok {
			return float64(x)
		}
	case schema.Text:
		if _, ok := v.(string); !ok {
			return schema.CodeString(v)
		}
	}
	return v
}

// Get returns the feature of the layer with the given UUID.
func (ws *Workspace) Get(ctx context.Context, layer, id string) (Feature, error) {
	l, err := ws.Layer(layer)
	if err != nil {
		return Feature{}, err
	}
	if l.Foreign {
		return Feature{}, fmt.Errorf("store: %s/%s: %w", layer, id, ErrFeatureNotFound)
	}
	f, err := scanFeature(l, ws.db.QueryRowContext(ctx, selectSQL(l)+" WHERE uuid = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Feature{}, fmt.Errorf("store: %s/%s: %w", layer, id, ErrFeatureNotFound)
	}
	if err != nil {
		return Feature{}, fmt.Errorf("store: get %s/%s: %w", layer, id, err)
	}
	return f, nil
}

// GetByFID returns the feature of the layer with the given local row id.
func (ws *Workspace) GetByFID(ctx context.Context, layer string, fid int64) (Feature, error) {
	l, err := ws.Layer(layer)
	if err != nil {
		return Feature{}, err
	}
	f, err := scanFeature(l, ws.db.QueryRowContext(ctx, selectSQL(l)+" WHERE "+quoteIdent(l.fidColumn)+" = ?", fid))
	if errors.Is(err, sql.ErrNoRows) {
		return Feature{}, fmt.Errorf("store: %s fid %d: %w", layer, fid, ErrFeatureNotFound)
	}
	if err != nil {
		return Feature{}, fmt.Errorf("store: get %s fid %d: %w", layer, fid, err)
	}
	return f, nil
}

// Query selects features of one layer. Every condition set must hold.
type Query struct {
	Layer string
	// Bound keeps features whose bounding box intersects it, as the
	// GeoPackage R*Tree sees boxes: rounded outward to float32, so a feature
	// within about 4 µm of a degree (a few decimetres) of the window may be
	// kept too.
	Bound *orb.Bound
	// Equals keeps features whose field equals the value.
	Equals map[string]any
	// Prefix keeps features whose text field starts with the prefix, ignoring case and accents.
	Prefix map[string]string
	// Text keeps features where any text field contains Text, ignoring case and accents.
	Text string
	// Limit caps the number of features (0: no cap); Offset skips the first ones.
	Limit, Offset int
}

// Query returns the features that match q, in local row order.
func (ws *Workspace) Query(ctx context.Context, q Query) ([]Feature, error) {
	var out []Feature
	err := ws.Each(ctx, q, func(f Feature) bool {
		out = append(out, f)
		return true
	})
	return out, err
}

// Each calls fn for every feature matching q until fn returns false.
func (ws *Workspace) Each(ctx context.Context, q Query, fn func(Feature) bool) error {
	l, err := ws.Layer(q.Layer)
	if err != nil {
		return err
	}
	where, args, err := buildWhere(ctx, ws, l, q)
	if err != nil {
		return err
	}
	query := selectSQL(l) + where + " ORDER BY " + quoteIdent(l.fidColumn)
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = -1
		}
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, q.Offset)
	}
	rows, err := ws.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: query %s: %w", l.Schema.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFeature(l, rows)
		if err != nil {
			return fmt.Errorf("store: query %s: %w", l.Schema.Name, err)
		}
		if !fn(f) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: query %s: %w", l.Schema.Name, err)
	}
	return nil
}

func buildWhere(ctx context.Context, ws *Workspace, l *Layer, q Query) (string, []any, error) {
	var conds []string
	var args []any
	if q.Bound != nil {
		b := *q.Bound
		if ws.rtreeUsable(ctx, l) {
			conds = append(conds, fmt.Sprintf("%s IN (SELECT id FROM %s WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)",
				quoteIdent(l.fidColumn), quoteIdent(l.RTreeTable())))
			args = append(args, b.Max[0], b.Min[0], b.Max[1], b.Min[1])
		} else {
			var fids []string
			ws.index.searchWindow(l.Schema.Name, b, func(fid int64) bool {
				fids = append(fids, fmt.Sprint(fid))
				return true
			})
			conds = append(conds, fmt.Sprintf("%s IN (%s)", quoteIdent(l.fidColumn), strings.Join(fids, ",")))
		}
	}
	for _, name := range sortedFieldNames(q.Equals) {
		fld, ok := l.Schema.Field(name)
		if !ok {
			return "", nil, fmt.Errorf("store: query %s: %w: %s", l.Schema.Name, schema.ErrUnknownField, name)
		}
		v, err := fld.Coerce(q.Equals[name])
		if err != nil {
			return "", nil, fmt.Errorf("store: query %s: %w", l.Schema.Name, err)
		}
		if v == nil {
			conds = append(conds, quoteIdent(l.columns[name])+" IS NULL")
			continue
		}
		conds = append(conds, quoteIdent(l.columns[name])+" = ?")
		args = append(args, sqlValue(v))
	}
	prefixes := make(map[string]any, len(q.Prefix))
	for k, v := range q.Prefix {
		prefixes[k] = v
	}
	for _, name := range sortedFieldNames(prefixes) {
		if _, ok := l.Schema.Field(name); !ok {
			return "", nil, fmt.Errorf("store: query %s: %w: %s", l.Schema.Name, schema.ErrUnknownField, name)
		}
		conds = append(conds, "tm_fold("+quoteIdent(l.columns[name])+") LIKE ? ESCAPE '\\'")
		args = append(args, escapeLike(Fold(q.Prefix[name]))+"%")
	}
	if q.Text != "" {
		pattern := "%" + escapeLike(Fold(q.Text)) + "%"
		var ors []string
		for _, fld := range l.Schema.Fields {
			if fld.Type == schema.Text {
				ors = append(ors, "tm_fold("+quoteIdent(l.columns[fld.Name])+") LIKE ? ESCAPE '\\'")
				args = append(args, pattern)
			}
		}
		if len(ors) == 0 {
			ors = []string{"0"}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
