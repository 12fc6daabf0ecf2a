package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/schema"
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

// rowNeeds says what an export reads of each row besides its fid and
// fields: what it does not read costs nothing (every column read takes
// the SQLite connection's mutex, twice).
type rowNeeds struct {
	geometry bool // the geometry (always read to meet a territory)
	ids      bool // the UUID and version
}

// exportSelectSQL is the SELECT of what an export reads of l's rows: fid,
// then the geometry and the UUID and version when needed, then every
// field in schema order. The dates and date-times of Terrimap's own
// layers are read as the text they are stored as (a unary + leaves the
// value as it is and hides the column's declared type): the SQLite driver
// parses the text of a DATE or DATETIME column into a time, which
// decodeValue formats back into the same text. exportValue does that for
// the rare text that is not already in its canonical form.
func exportSelectSQL(l *Layer, need rowNeeds) string {
	cols := []string{quoteIdent(l.fidColumn)}
	if need.geometry {
		cols = append(cols, quoteIdent(l.geomColumn))
	}
	if need.ids && l.Foreign {
		cols = append(cols, "''", "0")
	} else if need.ids {
		cols = append(cols, "uuid", "tm_version")
	}
	for _, f := range l.Schema.Fields {
		c := quoteIdent(l.columns[f.Name])
		if !l.Foreign && (f.Type == schema.Date || f.Type == schema.DateTime) {
			c = "+" + c
		}
		cols = append(cols, c)
	}
	return fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), quoteIdent(l.Schema.Name))
}

// exportValue is decodeValue of a value read by exportSelectSQL.
func exportValue(l *Layer, f schema.Field, v any) any {
	s, ok := v.(string)
	if !ok || l.Foreign || f.Type != schema.Date && f.Type != schema.DateTime || canonicalTime(f.Type, s) {
		return decodeValue(f, v)
	}
	return decodeValue(f, driverTime(s))
}

// canonicalTime reports whether s has the shape of a date (2006-01-02)
// or a date-time (2006-01-02T15:04:05Z), which the driver's parsing and
// decodeValue's formatting give back as it is (or leave alone when it is
// no real date).
func canonicalTime(t schema.FieldType, s string) bool {
	shape := "dddd-dd-dd"
	if t == schema.DateTime {
		shape = "dddd-dd-ddTdd:dd:ddZ"
	}
	if len(s) != len(shape) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; shape[i] == 'd' && (c < '0' || c > '9') || shape[i] != 'd' && c != shape[i] {
			return false
		}
	}
	return true
}

// driverTimeLayouts are the layouts the SQLite driver tries, in its order,
// on the text of a DATE or DATETIME column (modernc.org/sqlite's
// parseTimeFormats).
var driverTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// driverTime is the time the driver reads from s, or s when it reads
// none.
func driverTime(s string) any {
	ts, _ := strings.CutSuffix(s, "Z")
	for _, layout := range driverTimeLayouts {
		if t, err := time.Parse(layout, ts); err == nil {
			return t
		}
	}
	return s
}

// Rows travel from the reading goroutine to the writing one in batches of
// exportBatch, exportBatches of them in flight: the memory of an export
// whatever the size of the layer.
const (
	exportBatch   = 256
	exportBatches = 4
)

// rowBatch is a batch of rows read, reused once written.
type rowBatch struct {
	rows []exportRow
	n    int
}

// eachRow calls fn for every feature of l in local row order, or only
// for those that intersect territory when it is set, read on conn. One
// goroutine reads the rows, in one query through the SQLite driver itself
// into rows it reuses (no map nor copy per feature beyond the driver's
// own), while fn writes those read before on the caller's: reading and
// writing a file each take a core. fn must not keep a row or its values.
func (ws *Workspace) eachRow(ctx context.Context, conn *sql.Conn, l *Layer, territory orb.Geometry, need rowNeeds, fn func(*exportRow) error) error {
	need.geometry = need.geometry || territory != nil
	q := Query{Layer: l.Name()}
	if territory != nil {
		b := territory.Bound()
		q.Bound = &b
	}
	where, args, err := buildWhere(ctx, ws, l, q)
	if err != nil {
		return err
	}
	query := exportSelectSQL(l, need) + where + " ORDER BY " + quoteIdent(l.fidColumn)
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	free, full := make(chan *rowBatch, exportBatches), make(chan *rowBatch, exportBatches)
	for range exportBatches {
		b := &rowBatch{rows: make([]exportRow, exportBatch)}
		for i := range b.rows {
			b.rows[i].Values = make([]any, len(l.Schema.Fields))
		}
		free <- b
	}
	var readErr error
	go func() {
		defer close(full)
		readErr = conn.Raw(func(dc any) error {
			return readRows(readCtx, dc, l, query, args, territory, need, free, full)
		})
	}()
	var writeErr error
	for b := range full {
		for i := 0; i < b.n && writeErr == nil; i++ {
			writeErr = fn(&b.rows[i])
		}
		if writeErr != nil {
			cancel() // the reader stops; full is drained until it has
			continue
		}
		free <- b
	}
	if writeErr != nil {
		return writeErr
	}
	return readErr
}

// readRows runs query on the driver connection dc and sends its rows, in
// batches taken from free, to full, until the last or ctx is done.
func readRows(ctx context.Context, dc any, l *Layer, query string, args []any, territory orb.Geometry, need rowNeeds, free <-chan *rowBatch, full chan<- *rowBatch) error {
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
	dest := make([]driver.Value, 0, 4+len(l.Schema.Fields))
	dest = append(dest, nil) // fid
	if need.geometry {
		dest = append(dest, nil)
	}
	if need.ids {
		dest = append(dest, nil, nil)
	}
	fields := len(dest)
	dest = dest[:fields+len(l.Schema.Fields)]
	var b *rowBatch
	send := func() error {
		select {
		case full <- b:
			b = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		if b == nil {
			select {
			case b = <-free:
				b.n = 0
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := rows.Next(dest); err == io.EOF {
			if b.n > 0 {
				return send()
			}
			return nil
		} else if err != nil {
			return fmt.Errorf("store: read %s: %w", l.Name(), err)
		}
		row := &b.rows[b.n]
		row.FID, _ = dest[0].(int64)
		if need.geometry {
			blob, _ := dest[1].([]byte)
			row.Geometry = rowGeometry(l, blob)
			if territory != nil && (row.Geometry == nil || !Intersects(territory, row.Geometry)) {
				continue
			}
		}
		if need.ids {
			switch u := dest[fields-2].(type) {
			case string:
				row.UUID = u
			case []byte:
				row.UUID = string(u)
			default:
				row.UUID = ""
			}
			row.Version, _ = dest[fields-1].(int64)
		}
		for i, f := range l.Schema.Fields {
			row.Values[i] = exportValue(l, f, dest[fields+i])
		}
		if b.n++; b.n == exportBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
}
