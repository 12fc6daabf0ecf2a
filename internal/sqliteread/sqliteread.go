// Package sqliteread reads a SQLite file from one goroutine through
// SQLite's own API (modernc.org/sqlite/lib), on a connection opened
// read-only and SQLITE_OPEN_NOMUTEX.
//
// The database/sql driver opens every connection SQLITE_OPEN_FULLMUTEX and
// reads a row value by value, each call into SQLite taking and releasing
// the connection's mutex (a type, then the value; a text or a blob three
// times): exporting 100,000 points of 5 fields to GeoJSON that way spent
// 28 % of the process's CPU in that mutex (perf record of terrimap
// export, about 24 lock pairs a row). A Conn is for one goroutine at a
// time — what an export's reader is — and a value of a row is read with
// no lock at all.
package sqliteread

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// Type is the storage class of a value in a row.
type Type int32

// The storage classes of SQLite (https://sqlite.org/datatype3.html).
const (
	Integer Type = sqlite3.SQLITE_INTEGER
	Float   Type = sqlite3.SQLITE_FLOAT
	Text    Type = sqlite3.SQLITE_TEXT
	Blob    Type = sqlite3.SQLITE_BLOB
	Null    Type = sqlite3.SQLITE_NULL
)

// ErrClosed is returned by a Conn used after Close.
var ErrClosed = errors.New("sqliteread: connection closed")

// Conn is a read-only connection to a SQLite file, for one goroutine at a
// time (it may change goroutines between calls).
type Conn struct {
	tls  *libc.TLS
	db   uintptr
	cell uintptr // one pointer of C memory: the API's out-parameter
	rows *Rows   // the open query, closed with the connection
}

// Open opens the SQLite file at uri (a file: URI, see internal/sqlitedsn)
// read-only.
func Open(uri string) (*Conn, error) {
	c := &Conn{tls: libc.NewTLS()}
	c.cell = libc.Xmalloc(c.tls, types.Size_t(unsafe.Sizeof(uintptr(0))))
	if c.cell == 0 {
		c.tls.Close()
		return nil, fmt.Errorf("sqliteread: open: out of memory")
	}
	name, err := libc.CString(uri)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("sqliteread: open: %w", err)
	}
	defer libc.Xfree(c.tls, name)
	rc := sqlite3.Xsqlite3_open_v2(c.tls, name, c.cell,
		sqlite3.SQLITE_OPEN_READONLY|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	c.db = *(*uintptr)(cmem(c.cell))
	if rc != sqlite3.SQLITE_OK {
		err := c.err("open", rc)
		c.Close()
		return nil, err
	}
	return c, nil
}

// Exec runs a statement that returns no row (a PRAGMA, BEGIN, ROLLBACK).
func (c *Conn) Exec(query string) error {
	r, err := c.Query(query)
	if err != nil {
		return err
	}
	for {
		more, err := r.Next()
		if err != nil || !more {
			r.Close()
			return err
		}
	}
}

// Query prepares query and binds args (int64, float64, string, []byte,
// bool or nil) to its parameters, in order. The rows must be closed before
// the next query.
func (c *Conn) Query(query string, args ...any) (*Rows, error) {
	if c.db == 0 {
		return nil, ErrClosed
	}
	if c.rows != nil {
		return nil, fmt.Errorf("sqliteread: query: the previous query is open")
	}
	sql, err := libc.CString(query)
	if err != nil {
		return nil, fmt.Errorf("sqliteread: query: %w", err)
	}
	defer libc.Xfree(c.tls, sql)
	if rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, sql, -1, c.cell, 0); rc != sqlite3.SQLITE_OK {
		return nil, c.err("prepare", rc)
	}
	r := &Rows{c: c, stmt: *(*uintptr)(cmem(c.cell))}
	if r.stmt == 0 { // no statement in query
		return nil, fmt.Errorf("sqliteread: query: no statement in %q", query)
	}
	c.rows = r
	for i, a := range args {
		if err := r.bind(int32(i+1), a); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// Close closes the connection and the query left open.
func (c *Conn) Close() error {
	var err error
	if c.rows != nil {
		err = c.rows.Close()
	}
	if c.db != 0 {
		if rc := sqlite3.Xsqlite3_close_v2(c.tls, c.db); rc != sqlite3.SQLITE_OK && err == nil {
			err = c.err("close", rc)
		}
		c.db = 0
	}
	if c.cell != 0 {
		libc.Xfree(c.tls, c.cell)
		c.cell = 0
	}
	if c.tls != nil {
		c.tls.Close()
		c.tls = nil
	}
	return err
}

// err is SQLite's message for the failure rc of op.
func (c *Conn) err(op string, rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	if c.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf("sqliteread: %s: %s (%d)", op, msg, rc)
}

// Rows are the rows of a query, read one at a time.
type Rows struct {
	c    *Conn
	stmt uintptr
}

// bind binds a to the parameter i (from 1).
func (r *Rows) bind(i int32, a any) error {
	tls, st := r.c.tls, r.stmt
	var rc int32
	switch v := a.(type) {
	case nil:
		rc = sqlite3.Xsqlite3_bind_null(tls, st, i)
	case int64:
		rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, v)
	case int:
		rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, int64(v))
	case bool:
		var n int64
		if v {
			n = 1
		}
		rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, n)
	case float64:
		rc = sqlite3.Xsqlite3_bind_double(tls, st, i, v)
	case string:
		rc = r.bindBytes(i, []byte(v), false)
	case []byte:
		rc = r.bindBytes(i, v, true)
	default:
		return fmt.Errorf("sqliteread: bind parameter %d: unsupported type %T", i, a)
	}
	if rc != sqlite3.SQLITE_OK {
		return r.c.err("bind", rc)
	}
	return nil
}

// bindBytes binds b as a text or a blob, copied by SQLite.
func (r *Rows) bindBytes(i int32, b []byte, blob bool) int32 {
	p := libc.Xmalloc(r.c.tls, types.Size_t(len(b)+1))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	defer libc.Xfree(r.c.tls, p)
	copy(unsafe.Slice((*byte)(cmem(p)), len(b)), b)
	if blob {
		return sqlite3.Xsqlite3_bind_blob(r.c.tls, r.stmt, i, p, int32(len(b)), sqlite3.SQLITE_TRANSIENT)
	}
	return sqlite3.Xsqlite3_bind_text(r.c.tls, r.stmt, i, p, int32(len(b)), sqlite3.SQLITE_TRANSIENT)
}

// Next steps to the next row: false after the last.
func (r *Rows) Next() (bool, error) {
	if r.stmt == 0 {
		return false, ErrClosed
	}
	switch rc := sqlite3.Xsqlite3_step(r.c.tls, r.stmt); rc {
	case sqlite3.SQLITE_ROW:
		return true, nil
	case sqlite3.SQLITE_DONE:
		return false, nil
	default:
		return false, r.c.err("step", rc)
	}
}

// Columns is the number of columns of a row.
func (r *Rows) Columns() int { return int(sqlite3.Xsqlite3_column_count(r.c.tls, r.stmt)) }

// DeclType is the declared type of column i in upper case ("DATE"), ""
// for an expression — what the database/sql driver calls its database
// type name.
func (r *Rows) DeclType(i int) string {
	return strings.ToUpper(libc.GoString(sqlite3.Xsqlite3_column_decltype(r.c.tls, r.stmt, int32(i))))
}

// Type is the storage class of column i of the current row.
func (r *Rows) Type(i int) Type { return Type(sqlite3.Xsqlite3_column_type(r.c.tls, r.stmt, int32(i))) }

// Int64 is column i of the current row as an integer.
func (r *Rows) Int64(i int) int64 { return sqlite3.Xsqlite3_column_int64(r.c.tls, r.stmt, int32(i)) }

// Float64 is column i of the current row as a real.
func (r *Rows) Float64(i int) float64 {
	return sqlite3.Xsqlite3_column_double(r.c.tls, r.stmt, int32(i))
}

// Text is column i of the current row as a text, in SQLite's memory:
// valid until the next call of Next or Close, never to be written.
func (r *Rows) Text(i int) []byte {
	return r.mem(sqlite3.Xsqlite3_column_text(r.c.tls, r.stmt, int32(i)), i)
}

// Blob is column i of the current row as a blob, in SQLite's memory:
// valid until the next call of Next or Close, never to be written.
func (r *Rows) Blob(i int) []byte {
	return r.mem(sqlite3.Xsqlite3_column_blob(r.c.tls, r.stmt, int32(i)), i)
}

// mem is the memory at p of the bytes of column i; nil when empty.
func (r *Rows) mem(p uintptr, i int) []byte {
	n := sqlite3.Xsqlite3_column_bytes(r.c.tls, r.stmt, int32(i))
	if p == 0 || n <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(cmem(p)), n)
}

// Close ends the query.
func (r *Rows) Close() error {
	if r.stmt == 0 {
		return nil
	}
	rc := sqlite3.Xsqlite3_finalize(r.c.tls, r.stmt)
	r.stmt = 0
	r.c.rows = nil
	if rc != sqlite3.SQLITE_OK {
		return r.c.err("finalize", rc)
	}
	return nil
}

// cmem is the address p of SQLite's C memory (modernc's libc heap, which
// Go's collector neither moves nor frees) as a pointer; written so, as
// go vet cannot tell such an address from one of Go's memory.
func cmem(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
