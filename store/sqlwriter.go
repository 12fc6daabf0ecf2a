package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// sqlWriter is a SQL transaction with its prepared statements cached for
// the transaction's life: what the writers of tables that know nothing of
// a workspace need — the GeoPackage R*Tree's pack (rtree_bulk.go), which
// serves a workspace's edits (Tx embeds a sqlWriter) and a GeoPackage
// export's file alike.
type sqlWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// conn is the connection tx runs on. The statements of many rows
	// (execRows) run on its SQLite driver directly, prepared once each
	// in driverStmts.
	conn        *sql.Conn
	driverStmts map[string]driver.Stmt
}

// newSQLWriter writes in tx, begun on conn.
func newSQLWriter(ctx context.Context, conn *sql.Conn, tx *sql.Tx) sqlWriter {
	return sqlWriter{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}, conn: conn}
}

// closeStmts closes the cached statements.
func (w *sqlWriter) closeStmts() {
	for _, s := range w.stmts {
		s.Close()
	}
	if len(w.driverStmts) > 0 {
		w.conn.Raw(func(any) error {
			for _, s := range w.driverStmts {
				s.Close()
			}
			return nil
		})
	}
}

// stmt returns a prepared statement cached for the transaction's life.
func (w *sqlWriter) stmt(query string) (*sql.Stmt, error) {
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	s, err := w.tx.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = s
	return s, nil
}

func (w *sqlWriter) exec(query string, args ...any) (sql.Result, error) {
	s, err := w.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(w.ctx, args...)
}

// errNotSQLiteDriver: the connection's driver cannot prepare and run a
// statement with a context, as SQLite's does.
var errNotSQLiteDriver = errors.New("store: the connection's driver does not run statements with a context")

// execRows runs query, a statement of many rows (an INSERT of a bulk load,
// of an R*Tree's pack), with args, and returns the rowid of the last row
// it inserted. It runs on the driver itself, in the transaction (the
// connection is the transaction's): database/sql would check and convert
// every argument again, and lock and unlock its connection, at each call —
// 6 % of an import of 100,000 points, for arguments rowArgs made of
// SQLite's own types already.
func (w *sqlWriter) execRows(query string, args rowArgs) (lastID int64, err error) {
	err = w.conn.Raw(func(dc any) error {
		s, ok := w.driverStmts[query]
		if !ok {
			prep, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return errNotSQLiteDriver
			}
			var err error
			if s, err = prep.PrepareContext(w.ctx, query); err != nil {
				return err
			}
			if w.driverStmts == nil {
				w.driverStmts = map[string]driver.Stmt{}
			}
			w.driverStmts[query] = s
		}
		ex, ok := s.(driver.StmtExecContext)
		if !ok {
			return errNotSQLiteDriver
		}
		res, err := ex.ExecContext(w.ctx, args)
		if err != nil {
			return err
		}
		lastID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: exec: %w", err)
	}
	return lastID, nil
}

// rowArgs are the arguments of a statement run by execRows, numbered as
// they are added.
type rowArgs []driver.NamedValue

// add appends v, converted as database/sql converts an argument when it
// is not a value SQLite's driver binds as it is (an int, a named string
// type, a driver.Valuer…); a value that cannot be converted is kept, for
// the driver to refuse.
func (a rowArgs) add(v any) rowArgs {
	switch v.(type) {
	case nil, int64, float64, bool, string, []byte, time.Time:
	default:
		if c, err := driver.DefaultParameterConverter.ConvertValue(v); err == nil {
			v = c
		}
	}
	return append(a, driver.NamedValue{Ordinal: len(a) + 1, Value: v})
}
