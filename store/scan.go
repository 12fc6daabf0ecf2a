package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// ScanQuery says what Scan reads of a layer.
type ScanQuery struct {
	Layer string
	// Fields are the fields to read, in the order Row.Values gives them;
	// a field the layer lacks reads as nil.
	Fields []string
	// Bound, when set, keeps the features whose bounding box meets it
	// (through the R*Tree, as Query.Bound).
	Bound *orb.Bound
	// NoGeometry leaves Row.Geometry nil: counting by a field needs no
	// shape.
	NoGeometry bool
}

// Scan calls fn for every feature of q.Layer, reading only its UUID, its
// geometry and q.Fields, in no set order, until fn returns false. It is
// the read of whole-layer statistics (the ICGP of a million features must
// not decode every field of every row); the values are typed as
// Feature.Properties holds them.
func (ws *Workspace) Scan(ctx context.Context, q ScanQuery, fn func(Row) bool) error {
	l, err := ws.Layer(q.Layer)
	if err != nil {
		return err
	}
	cols := []string{quoteIdent(l.fidColumn), "NULL", "''"}
	if !q.NoGeometry {
		cols[1] = quoteIdent(l.geomColumn)
	}
	if !l.Foreign {
		cols[2] = "uuid"
	}
	defs := make([]schema.Field, len(q.Fields))
	for i, name := range q.Fields {
		f, ok := l.Schema.Field(name)
		if !ok {
			cols = append(cols, "NULL")
			continue
		}
		defs[i] = f
		cols = append(cols, quoteIdent(l.columns[name]))
	}
	where, args := "", []any(nil)
	if q.Bound != nil {
		if where, args, err = buildWhere(ctx, ws, l, Query{Bound: q.Bound}); err != nil {
			return err
		}
	}
	rows, err := ws.db.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteIdent(l.Schema.Name)+where, args...)
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", q.Layer, err)
	}
	defer rows.Close()
	var (
		blob []byte
		uuid string
	)
	vals := make([]any, len(q.Fields))
	scan := make([]any, 3+len(q.Fields))
	scan[1], scan[2] = &blob, &uuid
	for i := range vals {
		scan[3+i] = &vals[i]
	}
	for rows.Next() {
		var r Row
		scan[0] = &r.FID
		if err := rows.Scan(scan...); err != nil {
			return fmt.Errorf("store: scan %s: %w", q.Layer, err)
		}
		r.UUID = uuid
		r.Geometry = rowGeometry(l, blob)
		r.Values = rowValues(defs, vals)
		if !fn(r) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: scan %s: %w", q.Layer, err)
	}
	return nil
}

// rowGeometry decodes a row's geometry blob, in WGS84; nil when empty or
// unreadable.
func rowGeometry(l *Layer, blob []byte) orb.Geometry {
	if len(blob) == 0 {
		return nil
	}
	g, _, err := gpkgbin.Decode(blob)
	if err == nil && g != nil && l.toWGS84 != nil {
		g, err = l.toWGS84(g)
	}
	if err != nil {
		return nil
	}
	return g
}

// rowValues types a row's values as Feature.Properties would hold them; a
// zero field (one the layer lacks) gives nil.
func rowValues(fields []schema.Field, vals []any) []any {
	out := make([]any, len(fields))
	for i, f := range fields {
		if f.Name != "" {
			out[i] = decodeValue(f, vals[i])
		}
	}
	return out
}
