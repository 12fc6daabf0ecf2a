package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// row is what the statistics read of one feature: its UUID, its geometry
// in longitude/latitude and the values of the fields asked for, in order.
type row struct {
	uuid string
	geom orb.Geometry
	vals []any
}

// eachRow calls fn for every feature of the layer with the values of the
// given fields (nil for a field the layer lacks). A layer the workspace does
// not hold has no rows. Terrimap's own layers are read with a narrow SELECT
// of those columns (the dashboard of a million features must not decode
// every field of every row); a foreign layer goes through store.Each, which
// knows its columns and reprojects its geometries.
func eachRow(ctx context.Context, ws *store.Workspace, layer string, fields []string, fn func(row)) error {
	l, err := ws.Layer(layer)
	if errors.Is(err, store.ErrLayerNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dashboard: read %s: %w", layer, err)
	}
	if l.Foreign {
		return ws.Each(ctx, store.Query{Layer: layer}, func(f store.Feature) bool {
			r := row{uuid: f.UUID, geom: f.Geometry, vals: make([]any, len(fields))}
			for i, name := range fields {
				r.vals[i] = f.Properties[name]
			}
			fn(r)
			return true
		})
	}
	cols := []string{"uuid", quoteIdent(l.GeometryColumn())}
	for _, name := range fields {
		if _, ok := l.Schema.Field(name); ok {
			cols = append(cols, quoteIdent(name))
		} else {
			cols = append(cols, "NULL")
		}
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(l.Name())
	rows, err := ws.DB().QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("dashboard: read %s: %w", layer, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("dashboard: read %s: %w", layer, err)
		}
		r := row{uuid: text(vals[0]), vals: vals[2:]}
		if blob, ok := vals[1].([]byte); ok && len(blob) > 0 {
			if g, _, err := gpkgbin.Decode(blob); err == nil {
				r.geom = g
			}
		}
		fn(r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dashboard: read %s: %w", layer, err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// text reads a value as text; nil is "".
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return schema.CodeString(v)
}

// number reads a value as a number; ok is false for nil and for text that
// is not a number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string, []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(text(x)), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// boolean reads a value as a boolean: true, 1, "1", "O" (RAEPA's Oui).
func boolean(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string, []byte:
		switch strings.ToLower(strings.TrimSpace(text(x))) {
		case "1", "true", "o", "oui", "y", "yes":
			return true
		}
	}
	return false
}

// date reads a value as a calendar date; ok is false for nil or unreadable text.
func date(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC), true
	case string, []byte:
		s := strings.TrimSpace(text(x))
		if len(s) >= len(schema.DateLayout) {
			if t, err := time.Parse(schema.DateLayout, s[:len(schema.DateLayout)]); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
