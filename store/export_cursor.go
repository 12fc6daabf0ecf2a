package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/internal/sqliteread"
	"terrimap/store/schema"
)

// Rows travel from the reading goroutine to the writing one in batches of
// exportBatch, exportBatches of them in flight: the memory of an export
// whatever the size of the layer.
const (
	exportBatch   = 256
	exportBatches = 4
)

// rawValue is a value of a row as SQLite holds it: an integer, a real, or
// a text or a blob as the place of its bytes in its batch.
type rawValue struct {
	typ  sqliteread.Type
	n    int32   // bytes of a text or a blob
	i    int64   // an integer; where a text or a blob starts
	real float64 // a real
}

// rowBatch is a batch of rows read, reused once written: the values of
// row i are raw[i*columns:(i+1)*columns], the bytes of their texts in
// text and of their blobs in blob.
type rowBatch struct {
	raw        []rawValue
	text, blob []byte
	n          int
}

// eachRow calls fn for every feature of l in local row order, or only
// for those that intersect territory when it is set, read on conn. The
// work is split over two goroutines, each taking a core: one steps
// through the rows and copies their values as SQLite holds them into
// batches it reuses (rawValue; no allocation per row), the caller's
// decodes them into a reused exportRow (rowDecoder) and calls fn. fn must
// not keep a row or its values.
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
	rows, err := conn.Query(exportSelectSQL(l, need)+where+" ORDER BY "+quoteIdent(l.fidColumn), args...)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), err)
	}
	defer rows.Close() // once the reader is done (batches.stop)
	dec := newRowDecoder(l, need, territory, rows)
	batches := readBatches(ctx, rows, dec.columns)
	defer batches.stop()
	row := exportRow{Values: make([]any, len(l.Schema.Fields))}
	for b := range batches.full {
		text := string(b.text) // the texts of the batch's rows are parts of it
		for i := 0; i < b.n; i++ {
			if dec.decode(&row, b.raw[i*dec.columns:(i+1)*dec.columns], text, b.blob) {
				if err := fn(&row); err != nil {
					return err // the reader stops (stop)
				}
			}
		}
		batches.free <- b
	}
	if batches.err != nil {
		return fmt.Errorf("store: read %s: %w", l.Name(), batches.err)
	}
	return nil
}

// rowBatches are the rows of a query read by a goroutine of its own
// (readRows), in batches: full yields them, in order, and is closed after
// the last or when the reading stops, err then saying why (nil after the
// last); a batch taken from full goes back to free once done with.
type rowBatches struct {
	full   <-chan *rowBatch
	free   chan<- *rowBatch
	err    error // read once full is closed
	cancel context.CancelFunc
}

// readBatches starts reading rows, of columns values each, until the last
// or ctx is done: exportBatches batches of exportBatch rows in flight, the
// memory of a read whatever the number of rows. rows must not be used
// otherwise, nor closed, until full is closed (stop).
func readBatches(ctx context.Context, rows *sqliteread.Rows, columns int) *rowBatches {
	readCtx, cancel := context.WithCancel(ctx)
	free, full := make(chan *rowBatch, exportBatches), make(chan *rowBatch, exportBatches)
	for range exportBatches {
		free <- &rowBatch{raw: make([]rawValue, exportBatch*columns)}
	}
	rb := &rowBatches{full: full, free: free, cancel: cancel}
	go func() {
		defer close(full)
		rb.err = readRows(readCtx, rows, columns, free, full)
	}()
	return rb
}

// stop ends the reading, if not over, and returns once the reader is done
// with its rows.
func (rb *rowBatches) stop() {
	rb.cancel()
	for range rb.full {
	}
}

// readRows sends the rows of rows, of columns values each, in batches
// taken from free, to full, until the last or ctx is done.
func readRows(ctx context.Context, rows *sqliteread.Rows, columns int, free <-chan *rowBatch, full chan<- *rowBatch) error {
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
				b.n, b.text, b.blob = 0, b.text[:0], b.blob[:0]
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if more, err := rows.Next(); err != nil {
			return err
		} else if !more {
			if b.n > 0 {
				return send()
			}
			return nil
		}
		vals := b.raw[b.n*columns : (b.n+1)*columns]
		for c := range vals {
			v := &vals[c]
			switch v.typ = rows.Type(c); v.typ {
			case sqliteread.Integer:
				v.i = rows.Int64(c)
			case sqliteread.Float:
				v.real = rows.Float64(c)
			case sqliteread.Text:
				p := rows.Text(c)
				v.i, v.n = int64(len(b.text)), int32(len(p))
				b.text = append(b.text, p...)
			case sqliteread.Blob:
				p := rows.Blob(c)
				v.i, v.n = int64(len(b.blob)), int32(len(p))
				b.blob = append(b.blob, p...)
			}
		}
		if b.n++; b.n == exportBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// rowDecoder makes an exportRow of the raw values of a row of
// exportSelectSQL: typed as the database/sql driver types them
// (driverValue), then as decodeValue types them (exportValue).
type rowDecoder struct {
	l         *Layer
	need      rowNeeds
	territory orb.Geometry
	fields    int    // the column of the first field
	columns   int    // columns in a row
	times     []bool // fields whose text the driver reads as a time (declared DATE, DATETIME or TIMESTAMP)
}

func newRowDecoder(l *Layer, need rowNeeds, territory orb.Geometry, rows *sqliteread.Rows) *rowDecoder {
	d := &rowDecoder{l: l, need: need, territory: territory, fields: 1, times: make([]bool, len(l.Schema.Fields))}
	if need.geometry {
		d.fields++
	}
	if need.ids {
		d.fields += 2
	}
	d.columns = d.fields + len(l.Schema.Fields)
	for i := range d.times {
		switch rows.DeclType(d.fields + i) {
		case "DATE", "DATETIME", "TIMESTAMP":
			d.times[i] = true
		}
	}
	return d
}

// decode fills r with the row of vals, whose texts are parts of text and
// blobs of blob; false when the row is not in the territory.
func (d *rowDecoder) decode(r *exportRow, vals []rawValue, text string, blob []byte) bool {
	r.FID = 0
	if vals[0].typ == sqliteread.Integer {
		r.FID = vals[0].i
	}
	if d.need.geometry {
		r.Geometry = nil
		if g := vals[1]; g.typ == sqliteread.Blob {
			r.Geometry = rowGeometry(d.l, blob[g.i:g.i+int64(g.n)])
		}
		if d.territory != nil && (r.Geometry == nil || !Intersects(d.territory, r.Geometry)) {
			return false
		}
	}
	if d.need.ids {
		switch u := vals[d.fields-2]; u.typ {
		case sqliteread.Text:
			r.UUID = text[u.i : u.i+int64(u.n)]
		case sqliteread.Blob:
			r.UUID = string(blob[u.i : u.i+int64(u.n)])
		default:
			r.UUID = ""
		}
		r.Version = 0
		if v := vals[d.fields-1]; v.typ == sqliteread.Integer {
			r.Version = v.i
		}
	}
	for i, f := range d.l.Schema.Fields {
		v := vals[d.fields+i]
		if d.times[i] && v.typ == sqliteread.Text && (f.Type == schema.Date || f.Type == schema.DateTime) {
			// A date written as the layer writes it is the value the
			// driver's time gives formatted again (canonicalTime):
			// parsing it cost 0.13 s of a GeoPackage's 100,000 rows.
			if s := text[v.i : v.i+int64(v.n)]; canonicalTime(f.Type, s) {
				r.Values[i] = decodeValue(f, s)
				continue
			}
		}
		r.Values[i] = exportValue(d.l, f, driverValue(v, text, blob, d.times[i]))
	}
	return true
}

// driverValue is v as the database/sql driver gives it: an int64, a
// float64, a string, a []byte (nil when empty) or nil, and the text of a
// column declared DATE, DATETIME or TIMESTAMP (when time is set) as the
// time the driver reads in it.
func driverValue(v rawValue, text string, blob []byte, time bool) any {
	switch v.typ {
	case sqliteread.Integer:
		return v.i
	case sqliteread.Float:
		return v.real
	case sqliteread.Text:
		s := text[v.i : v.i+int64(v.n)]
		if time {
			return driverTime(s)
		}
		return s
	case sqliteread.Blob:
		if v.n == 0 {
			return []byte(nil)
		}
		return append([]byte(nil), blob[v.i:v.i+int64(v.n)]...)
	}
	return nil
}
