package store

import (
	"context"
	"database/sql"
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
}

func newSQLWriter(ctx context.Context, tx *sql.Tx) sqlWriter {
	return sqlWriter{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
}

// closeStmts closes the cached statements.
func (w *sqlWriter) closeStmts() {
	for _, s := range w.stmts {
		s.Close()
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
