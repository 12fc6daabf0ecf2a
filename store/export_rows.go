package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// exportRow is one feature of a layer as an export reads it, reused from
// row to row: its values in the order of the layer's fields, typed as
// Feature.Properties holds them.
type exportRow struct {
	FID      int64
	UUID     string
	Version  int64
	Geometry orb.Geometry // in longitude/latitude
	Values   []any
}

// id is the feature's identifier in a file: its UUID, its local fid for a
// foreign layer.
func (r *exportRow) id() string {
	if r.UUID != "" {
		return r.UUID
	}
	return strconv.FormatInt(r.FID, 10)
}

// record fills rec with the row as a file writer takes it, its geometry
// in EPSG code.
func (r *exportRow) record(rec *formats.Record, code int) error {
	rec.ID, rec.Geometry, rec.Values = r.id(), r.Geometry, r.Values
	if code == srs.WGS84 || r.Geometry == nil {
		return nil
	}
	g, err := srs.Project(r.Geometry, srs.WGS84, code)
	if err != nil {
		return fmt.Errorf("feature %s: %w", rec.ID, err)
	}
	rec.Geometry = g
	return nil
}

// exportSnapshot runs fn with a connection that reads the workspace as it
// is when fn first reads, throughout (one read transaction): the two
// reads of a Shapefile export see the same features, whatever is saved
// meanwhile.
func (ws *Workspace) exportSnapshot(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := ws.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return fn(conn)
}

// eachRow calls fn for every feature of l in local row order, or only
// for those that intersect territory when it is set, read on conn. It
// reads the rows in one query through the SQLite driver itself, into one
// row it reuses: no map nor copy per feature beyond the driver's own,
// whatever the size of the layer. fn must not keep the row or its values.
func (ws *Workspace) eachRow(ctx context.Context, conn *sql.Conn, l *Layer, territory orb.Geometry, fn func(*exportRow) error) error {
	q := Query{Layer: l.Name()}
	if territory != nil {
		b := territory.Bound()
		q.Bound = &b
	}
	where, args, err := buildWhere(ctx, ws, l, q)
	if err != nil {
		return err
	}
	query := selectSQL(l) + where + " ORDER BY " + quoteIdent(l.fidColumn)
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("store: read %s: %w", l.Name(), errors.ErrUnsupported)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, query, named)
		if err != nil {
			return fmt.Errorf("store: read %s: %w", l.Name(), err)
		}
		defer rows.Close()
		dest := make([]driver.Value, 4+len(l.Schema.Fields))
		row := &exportRow{Values: make([]any, len(l.Schema.Fields))}
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return fmt.Errorf("store: read %s: %w", l.Name(), err)
			}
			row.FID, _ = dest[0].(int64)
			blob, _ := dest[1].([]byte)
			row.Geometry = rowGeometry(l, blob)
			if territory != nil && (row.Geometry == nil || !Intersects(territory, row.Geometry)) {
				continue
			}
			switch u := dest[2].(type) {
			case string:
				row.UUID = u
			case []byte:
				row.UUID = string(u)
			default:
				row.UUID = ""
			}
			row.Version, _ = dest[3].(int64)
			for i, f := range l.Schema.Fields {
				row.Values[i] = decodeValue(f, dest[4+i])
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	})
}
