package store

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/sqlitedsn"
	"terrimap/internal/sqliteread"
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

// exportSnapshot runs fn with a connection of its own that reads the
// workspace as it is when fn first reads, throughout (one read
// transaction): the two reads of a Shapefile export see the same
// features, whatever is saved meanwhile. The connection is opened
// without the mutex the database/sql driver takes for every value read
// (internal/sqliteread), with a small page cache: a layer is read once,
// page after page, and a cache of 32 MiB filled by it cost more to free
// at the end than the pages saved.
func (ws *Workspace) exportSnapshot(ctx context.Context, fn func(*sqliteread.Conn) error) error {
	conn, err := sqliteread.Open(sqlitedsn.URI(ws.path, "mode=ro"))
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer conn.Close()
	for _, q := range []string{"PRAGMA busy_timeout = 10000", fmt.Sprintf("PRAGMA cache_size = -%d", exportCacheKiB), "BEGIN"} {
		if err := conn.Exec(q); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
	}
	return fn(conn)
}

// rowNeeds says what an export reads of each row besides its fid and
// fields: what it does not read costs nothing.
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
// none: first as time.Time's String gives it (without its monotonic
// clock reading), then by driverTimeLayouts.
func driverTime(s string) any {
	ts := s
	if x := strings.Index(s, "m="); x > 0 {
		ts = s[:x]
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.TrimSpace(ts)); err == nil {
		return t
	}
	ts, _ = strings.CutSuffix(s, "Z")
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
// goroutine reads the rows, in one query on conn into rows it reuses (no
// map per feature, a geometry decoded from SQLite's own memory), while fn
// writes those read before on the caller's: reading and writing a file
// each take a core. fn must not keep a row or its values.
func (ws *Workspace) eachRow(ctx context.Context, conn *sqliteread.Conn, l *Layer, territory orb.Geometry, need rowNeeds, fn func(*exportRow) error) error {
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
		readErr = readRows(readCtx, conn, l, query, args, territory, need, free, full)
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

// readRows runs query on conn and sends its rows, in batches taken from
// free, to full, until the last or ctx is done. Values are typed as the
// database/sql driver types them (driverValue), then as decodeValue
// types them (exportValue).
func readRows(ctx context.Context, conn *sqliteread.Conn, l *Layer, query string, args []any, territory orb.Geometry, need rowNeeds, free <-chan *rowBatch, full chan<- *rowBatch) error {
	rows, err := conn.Query(query, args...)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	defer rows.Close()
	fields := 1 // fid
	if need.geometry {
		fields++
	}
	if need.ids {
		fields += 2
	}
	times := make([]bool, len(l.Schema.Fields))
	for i := range times {
		switch rows.DeclType(fields + i) {
		case "DATE", "DATETIME", "TIMESTAMP":
			times[i] = true
		}
	}
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
		if more, err := rows.Next(); err != nil {
			return fmt.Errorf("store: read %s: %w", l.Name(), err)
		} else if !more {
			if b.n > 0 {
				return send()
			}
			return nil
		}
		row := &b.rows[b.n]
		row.FID = 0
		if rows.Type(0) == sqliteread.Integer {
			row.FID = rows.Int64(0)
		}
		if need.geometry {
			row.Geometry = nil
			if rows.Type(1) == sqliteread.Blob {
				row.Geometry = rowGeometry(l, rows.Bytes(1))
			}
			if territory != nil && (row.Geometry == nil || !Intersects(territory, row.Geometry)) {
				if err := ctx.Err(); err != nil {
					return err
				}
				continue
			}
		}
		if need.ids {
			row.UUID = ""
			if t := rows.Type(fields - 2); t == sqliteread.Text || t == sqliteread.Blob {
				row.UUID = string(rows.Bytes(fields - 2))
			}
			row.Version = 0
			if rows.Type(fields-1) == sqliteread.Integer {
				row.Version = rows.Int64(fields - 1)
			}
		}
		for i, f := range l.Schema.Fields {
			row.Values[i] = exportValue(l, f, driverValue(rows, fields+i, times[i]))
		}
		if b.n++; b.n == exportBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// driverValue is column i of the current row as the database/sql driver
// gives it: an int64, a float64, a string, a []byte or nil, and the text
// of a column declared DATE, DATETIME or TIMESTAMP (when time is set) as
// the time the driver reads in it.
func driverValue(rows *sqliteread.Rows, i int, time bool) any {
	switch rows.Type(i) {
	case sqliteread.Integer:
		return rows.Int64(i)
	case sqliteread.Float:
		return rows.Float64(i)
	case sqliteread.Text:
		s := string(rows.Bytes(i))
		if time {
			return driverTime(s)
		}
		return s
	case sqliteread.Blob:
		return bytes.Clone(rows.Bytes(i))
	}
	return nil
}
