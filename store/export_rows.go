package store

import (
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

// exportSnapshot runs fn with a connection of its own (openReader) that
// reads the workspace as it is when fn first reads, throughout (one read
// transaction): the two reads of a Shapefile export see the same
// features, whatever is saved meanwhile.
func (ws *Workspace) exportSnapshot(ctx context.Context, fn func(*sqliteread.Conn) error) error {
	conn, err := openReader(ws.path)
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer conn.Close()
	if err := conn.Exec("BEGIN"); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return fn(conn)
}

// openReader opens the GeoPackage at path, read-only, for reads of whole
// layers: without the mutex the database/sql driver takes for every value
// read (internal/sqliteread), with a small page cache: a layer is read
// once, page after page, and a cache of 32 MiB filled by it cost more to
// free at the end than the pages saved.
func openReader(path string) (*sqliteread.Conn, error) {
	conn, err := sqliteread.Open(sqlitedsn.URI(path, "mode=ro"))
	if err != nil {
		return nil, err
	}
	for _, q := range []string{"PRAGMA busy_timeout = 10000", fmt.Sprintf("PRAGMA cache_size = -%d", exportCacheKiB)} {
		if err := conn.Exec(q); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, nil
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
