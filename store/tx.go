package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Tx is one write transaction on the workspace: every edit made through it,
// with its journal entries, commits together or not at all.
type Tx struct {
	ws *Workspace
	sqlWriter

	newLayers     []*Layer
	changedLayers []*Layer
	touched       map[string]bool
	indexOps      []indexOp
	// queued counts the insertions of indexOps by lower-cased layer name:
	// the rows this transaction added that the committed index does not
	// hold yet (packsRTree).
	queued      map[string]int
	writtenRows []Written // the feature rows written, for WrittenSince
	// A bulk load (bulkCreate) records its rows as ranges, indexes their
	// text and marks their overview pieces dirty itself, and has the
	// layers' in-memory trees read again after the commit rather than
	// grown by an operation per row.
	bulkRows    []fidRange
	bulkDirty   map[blockKey]bool
	reloadIndex []string // lower-cased layer names
	// searchLater are the rows of bulk loads too large to index in the
	// transaction, left to BuildSearchText.
	searchLater   []fidRange
	madeOwn       bool
	rtreeBehind   []string // layers whose R*Tree this transaction left behind
	rtreeCaughtUp []string // layers whose R*Tree it rebuilt
}

// Edit runs fn in one write transaction. When fn returns nil the transaction
// commits, and only then does the in-memory index see its changes; otherwise
// nothing of it remains.
func (ws *Workspace) Edit(ctx context.Context, fn func(*Tx) error) error {
	if ws.readOnly {
		return fmt.Errorf("store: edit %s: %w", ws.path, ErrReadOnly)
	}
	ws.writeMu.Lock()
	defer ws.writeMu.Unlock()
	// The transaction is Edit's to end, not ctx's: its statements stop
	// with ctx (tx.ctx), but bound to ctx database/sql would roll it back
	// on a goroutine of its own as soon as ctx ends, while fn goes on —
	// the next statement then failed with «sql: statement is closed», not
	// ctx's error, and the file stayed locked after Edit returned, until
	// that rollback ended (an import alone then could not set the WAL
	// back, and a read meanwhile met «database is locked»).
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// The transaction runs on a connection of its own, which its bulk
	// statements use directly (sqlWriter.execRows).
	conn, err := ws.db.Conn(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{ws: ws, sqlWriter: newSQLWriter(ctx, conn, sqlTx), touched: map[string]bool{}}
	defer tx.closeStmts()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := tx.derive(); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := tx.stampContents(); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	ws.afterCommit(tx)
	return nil
}

func (ws *Workspace) afterCommit(tx *Tx) {
	if len(tx.newLayers) > 0 || len(tx.changedLayers) > 0 {
		ws.mu.Lock()
		for _, l := range tx.changedLayers {
			key := strings.ToLower(l.Schema.Name)
			for i, old := range ws.layers {
				if strings.EqualFold(old.Schema.Name, l.Schema.Name) {
					ws.layers[i] = l
				}
			}
			ws.byName[key] = l
		}
		for _, l := range tx.newLayers {
			ws.layers = append(ws.layers, l)
			ws.byName[strings.ToLower(l.Schema.Name)] = l
		}
		ws.mu.Unlock()
	}
	ws.index.apply(tx.indexOps)
	ws.written.addAfter(tx.writtenOf())
	for _, key := range tx.reloadIndex {
		ws.index.forget(key)
	}
	if len(tx.rtreeBehind) > 0 || len(tx.rtreeCaughtUp) > 0 {
		ws.mu.Lock()
		for _, name := range tx.rtreeBehind {
			ws.behind[name] = true
		}
		for _, name := range tx.rtreeCaughtUp {
			delete(ws.behind, name)
		}
		ws.mu.Unlock()
	}
	if tx.madeOwn {
		ws.own.Store(true)
	}
}

// layer finds a layer, including those created earlier in this transaction.
func (tx *Tx) layer(name string) (*Layer, error) {
	for _, l := range tx.changedLayers {
		if strings.EqualFold(l.Schema.Name, name) {
			return l, nil
		}
	}
	for _, l := range tx.newLayers {
		if strings.EqualFold(l.Schema.Name, name) {
			return l, nil
		}
	}
	return tx.ws.Layer(name)
}

// stampContents updates gpkg_contents.last_change of the layers written.
func (tx *Tx) stampContents() error {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	for name := range tx.touched {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?`, now, name); err != nil {
			return fmt.Errorf("store: stamp %s: %w", name, err)
		}
	}
	return nil
}

// SetMeta stores a workspace metadata value in the transaction.
func (tx *Tx) SetMeta(key, value string) error {
	if err := tx.ensureOwn(); err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO tm_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("store: set meta %s: %w", key, err)
	}
	return nil
}

// ensureOwn adds Terrimap's tables to a file another tool wrote, once.
func (tx *Tx) ensureOwn() error {
	if tx.ws.own.Load() {
		return nil
	}
	if err := ensureOwnTables(tx.ctx, tx.tx); err != nil {
		return err
	}
	tx.madeOwn = true
	return nil
}
