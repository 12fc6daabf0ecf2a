package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// FIDQuery picks features of one layer by local fid and reads only part of
// each: the geometry and the named fields. It is the map's read: the fids
// come from the in-memory index, the fields from the styles.
type FIDQuery struct {
	Layer string
	FIDs  []int64
	// Fields are the fields to read, in the order Row.Values gives them.
	Fields []string
	// Codes skip rows by the code of a text field; every filter must pass.
	Codes []CodeFilter
}

// CodeFilter passes the rows whose text field holds one of Codes ("" for
// no value) or, with Drop, those whose field holds none of them. A value
// that is not text (possible in layers other tools wrote) always passes.
type CodeFilter struct {
	Field string
	Codes []string
	Drop  bool
}

// Row is part of a feature, as FIDQuery reads it.
type Row struct {
	FID int64
	// UUID is the feature's UUID; only Scan reads it ("" from EachByFID and
	// for foreign layers).
	UUID string
	// Geometry is in WGS84; nil when empty or unreadable.
	Geometry orb.Geometry
	// Values of FIDQuery.Fields, as Feature.Properties would hold them.
	Values []any
}

// EachByFID calls fn for each feature of q.FIDs that exists and passes
// q.Codes, in no set order, until fn returns false.
func (ws *Workspace) EachByFID(ctx context.Context, q FIDQuery, fn func(Row) bool) error {
	l, err := ws.Layer(q.Layer)
	if err != nil {
		return err
	}
	if len(q.FIDs) == 0 {
		return nil
	}
	fields := make([]schema.Field, len(q.Fields))
	for i, name := range q.Fields {
		f, ok := l.Schema.Field(name)
		if !ok {
			return fmt.Errorf("store: read %s: %w: %s", l.Schema.Name, schema.ErrUnknownField, name)
		}
		fields[i] = f
	}
	query, err := fidSQL(l, q)
	if err != nil {
		return err
	}
	st, done, err := ws.stmts.get(ctx, ws.db, query)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	defer done()
	rows, err := st.QueryContext(ctx, fidsJSON(q.FIDs))
	if err != nil {
		return fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	defer rows.Close()
	var blob []byte
	scan := make([]any, 2+len(fields))
	vals := make([]any, len(fields))
	scan[1] = &blob
	for i := range vals {
		scan[2+i] = &vals[i]
	}
	for rows.Next() {
		var r Row
		scan[0] = &r.FID
		if err := rows.Scan(scan...); err != nil {
			return fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
		}
		r.Geometry = rowGeometry(l, blob)
		r.Values = rowValues(fields, vals)
		if !fn(r) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read %s: %w", l.Schema.Name, err)
	}
	return nil
}

// fidSQL is the statement of a FIDQuery, its fids given as a JSON array:
// SQLite walks the array and looks each row up by its key.
func fidSQL(l *Layer, q FIDQuery) (string, error) {
	var b strings.Builder
	b.WriteString("SELECT t.")
	b.WriteString(quoteIdent(l.fidColumn))
	b.WriteString(", t.")
	b.WriteString(quoteIdent(l.geomColumn))
	for _, name := range q.Fields {
		b.WriteString(", t.")
		b.WriteString(quoteIdent(l.columns[name]))
	}
	fmt.Fprintf(&b, " FROM json_each(?) AS j CROSS JOIN %s AS t ON t.%s = j.value", quoteIdent(l.Schema.Name), quoteIdent(l.fidColumn))
	for i, c := range q.Codes {
		f, ok := l.Schema.Field(c.Field)
		if !ok {
			return "", fmt.Errorf("store: read %s: %w: %s", l.Schema.Name, schema.ErrUnknownField, c.Field)
		}
		if f.Type != schema.Text {
			return "", fmt.Errorf("store: read %s: a code filter needs a text field, not %s (%s)", l.Schema.Name, c.Field, f.Type)
		}
		if i == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		col := "t." + quoteIdent(l.columns[c.Field])
		// What is not text or NULL is left to the caller, which decodes
		// it as Feature.Properties would.
		fmt.Fprintf(&b, "(typeof(%s) NOT IN ('text', 'null') OR COALESCE(%s, '') COLLATE BINARY ", col, col)
		if c.Drop {
			b.WriteString("NOT ")
		}
		b.WriteString("IN (")
		for k, code := range c.Codes {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(sqlLiteral(code))
		}
		b.WriteString("))")
	}
	return b.String(), nil
}

// stmtCache keeps the statements of the map's reads prepared. It holds at
// most maxStmts; past that it starts again. A statement the cache lets go
// of is closed once the reads using it are done: the tiles are drawn by
// several goroutines at once.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*cachedStmt
}

// cachedStmt is a statement with the number of reads using it.
type cachedStmt struct {
	st      *sql.Stmt
	users   int
	retired bool // left by the cache: closed when users falls to 0
}

const maxStmts = 256

// get returns the statement of query, prepared once, and the function to
// call when the read is done with it.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[query]
	if !ok {
		if c.m == nil || len(c.m) >= maxStmts {
			c.retireLocked()
			c.m = map[string]*cachedStmt{}
		}
		st, err := db.PrepareContext(ctx, query)
		if err != nil {
			return nil, nil, err
		}
		e = &cachedStmt{st: st}
		c.m[query] = e
	}
	e.users++
	return e.st, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if e.users--; e.users == 0 && e.retired {
			e.st.Close()
		}
	}, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.retireLocked()
}

// retireLocked lets go of every statement, closing those no read uses.
func (c *stmtCache) retireLocked() {
	for _, e := range c.m {
		e.retired = true
		if e.users == 0 {
			e.st.Close()
		}
	}
	c.m = nil
}
