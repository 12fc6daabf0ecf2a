package store

import (
	"context"
	"fmt"
	"strings"

	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// Scan calls fn for every feature of the layer, reading only its UUID, its
// geometry and the named fields (nil for a field the layer lacks), in no
// set order, until fn returns false. It is the read of whole-layer
// statistics (the ICGP of a million features must not decode every field
// of every row); the values are typed as Feature.Properties holds them.
func (ws *Workspace) Scan(ctx context.Context, layer string, fields []string, fn func(Row) bool) error {
	l, err := ws.Layer(layer)
	if err != nil {
		return err
	}
	cols := []string{quoteIdent(l.fidColumn), quoteIdent(l.geomColumn), "''"}
	if !l.Foreign {
		cols[2] = "uuid"
	}
	defs := make([]schema.Field, len(fields))
	for i, name := range fields {
		f, ok := l.Schema.Field(name)
		if !ok {
			cols = append(cols, "NULL")
			continue
		}
		defs[i] = f
		cols = append(cols, quoteIdent(l.columns[name]))
	}
	rows, err := ws.db.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteIdent(l.Schema.Name))
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", layer, err)
	}
	defer rows.Close()
	var (
		blob []byte
		uuid string
	)
	vals := make([]any, len(fields))
	scan := make([]any, 3+len(fields))
	scan[1], scan[2] = &blob, &uuid
	for i := range vals {
		scan[3+i] = &vals[i]
	}
	for rows.Next() {
		var r Row
		scan[0] = &r.FID
		if err := rows.Scan(scan...); err != nil {
			return fmt.Errorf("store: scan %s: %w", layer, err)
		}
		r.UUID = uuid
		if len(blob) > 0 {
			g, _, err := gpkgbin.Decode(blob)
			if err == nil && g != nil && l.toWGS84 != nil {
				g, err = l.toWGS84(g)
			}
			if err == nil {
				r.Geometry = g
			}
		}
		r.Values = make([]any, len(fields))
		for i, f := range defs {
			if f.Name != "" {
				r.Values[i] = decodeValue(f, vals[i])
			}
		}
		if !fn(r) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: scan %s: %w", layer, err)
	}
	return nil
}
