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
// given fields (nil for a field the layer lacks), read by store.Scan: only
// those columns, not every field of every row; with a bound, only the
// features whose bounding box meets it (the R*Tree). A layer the workspace
// does not hold has no rows.
func eachRow(ctx context.Context, ws *store.Workspace, layer string, fields []string, bound *orb.Bound, fn func(row)) error {
	err := ws.Scan(ctx, store.ScanQuery{Layer: layer, Fields: fields, Bound: bound}, func(r store.Row) bool {
		fn(row{uuid: r.UUID, geom: r.Geometry, vals: r.Values})
		return true
	})
	if errors.Is(err, store.ErrLayerNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dashboard: read %s: %w", layer, err)
	}
	return nil
}

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
