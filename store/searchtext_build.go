package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// buildChunk is how many rows one transaction of BuildSearchText indexes:
// an edit waits for one chunk at most.
const buildChunk = 4000

// SearchTextReady reports whether the text index holds every feature of
// the workspace. A workspace written by an older Terrimap, or a GeoPackage
// of another tool, has none until BuildSearchText has run; a layer whose
// schema changed is indexed again by it.
func (ws *Workspace) SearchTextReady(ctx context.Context) (bool, error) {
	built, err := ws.searchLayersBuilt(ctx)
	if err != nil || built == nil {
		return false, err
	}
	for _, l := range ws.Layers() {
		if !built[l.Schema.Name] {
			return false, nil
		}
	}
	return true, nil
}

// searchLayersBuilt returns the layers wholly indexed; nil when the
// workspace has no text index.
func (ws *Workspace) searchLayersBuilt(ctx context.Context) (map[string]bool, error) {
	rows, err := ws.db.QueryContext(ctx, `SELECT name FROM tm_search_layer WHERE built = 1`)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: search text: %w", err)
	}
	defer rows.Close()
	built := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: search text: %w", err)
		}
		built[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search text: %w", err)
	}
	return built, nil
}

// BuildSearchText indexes the features the text index lacks — every one of
// a workspace written by an older Terrimap, the layers whose schema
// changed — a few thousand rows per transaction, so that edits and syncs
// go on meanwhile (they index what they write themselves). progress, when
// not nil, is called after each transaction with the rows indexed so far.
// It returns at once when the index is whole; ErrReadOnly when it is not
// and the workspace is open read-only.
func (ws *Workspace) BuildSearchText(ctx context.Context, progress func(rows int)) error {
	if ws.noSearchText.Load() {
		return nil // DropSearchText: an index built now would not be kept
	}
	if ready, err := ws.SearchTextReady(ctx); err != nil || ready {
		return err
	}
	done := 0
	for {
		more := false
		err := ws.Edit(ctx, func(tx *Tx) error {
			if err := tx.ensureSearchText(); err != nil {
				return err
			}
			n, ok, err := tx.buildSearchChunk()
			done, more = done+n, ok
			return err
		})
		if err != nil {
			return fmt.Errorf("store: build the search index: %w", err)
		}
		if !more {
			return nil
		}
		if progress != nil {
			progress(done)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// buildSearchChunk indexes the next rows of the first layer not wholly
// indexed, the communes first (features are placed in them): how many
// rows it read, and false when every layer was indexed already.
func (tx *Tx) buildSearchChunk() (int, bool, error) {
	layers := tx.ws.Layers()
	if c := tx.communesLayerOf(); c != nil {
		layers = append([]*Layer{c}, layers...)
	}
	for _, l := range layers {
		var built bool
		var next int64
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT built, next_fid FROM tm_search_layer WHERE name = ?`, l.Schema.Name).Scan(&built, &next)
		switch {
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return 0, false, fmt.Errorf("store: search text: %w", err)
		case err == nil && built:
			continue
		}
		n, _, _, err := tx.buildSearchLayer(l, next)
		return n, true, err
	}
	return 0, false, nil
}

// buildSearchLayer indexes up to buildChunk rows of l after fid next,
// dropping the entries of rows no longer there, and records how far it
// got: the rows read, the last fid indexed, and whether the layer is now
// whole.
func (tx *Tx) buildSearchLayer(l *Layer, next int64) (n int, last int64, whole bool, err error) {
	fid := quoteIdent(l.fidColumn)
	rows, err := tx.tx.QueryContext(tx.ctx, fmt.Sprintf("%s WHERE %s > ? ORDER BY %s LIMIT %d", selectSQL(l), fid, fid, buildChunk), next)
	if err != nil {
		return 0, 0, false, fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
	}
	var fs []Feature
	for rows.Next() {
		f, err := scanFeature(l, rows)
		if err != nil {
			rows.Close()
			return 0, 0, false, fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
		}
		fs = append(fs, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, false, fmt.Errorf("store: search text: read %s: %w", l.Schema.Name, err)
	}
	last, whole = int64(1<<62), len(fs) < buildChunk
	if !whole {
		last = fs[len(fs)-1].FID
	}
	// Entries of rows gone since (a layer indexed again) leave first.
	if _, err := tx.exec(`DELETE FROM tm_search_hold WHERE doc IN (SELECT id FROM tm_search_doc WHERE layer = ? AND fid > ? AND fid <= ?)`, l.Schema.Name, next, last); err != nil {
		return 0, 0, false, fmt.Errorf("store: search text: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM tm_search_doc WHERE layer = ? AND fid > ? AND fid <= ?`, l.Schema.Name, next, last); err != nil {
		return 0, 0, false, fmt.Errorf("store: search text: %w", err)
	}
	ix := newTextIndexer(tx)
	ix.fresh = true // the entries of the range were deleted above
	if err := ix.indexNew(l, fs); err != nil {
		return 0, 0, false, err
	}
	if err := ix.flush(); err != nil {
		return 0, 0, false, err
	}
	_, err = tx.exec(`INSERT INTO tm_search_layer(name, built, next_fid) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET built = excluded.built, next_fid = excluded.next_fid`, l.Schema.Name, whole, last)
	if err != nil {
		return 0, 0, false, fmt.Errorf("store: search text: %w", err)
	}
	return len(fs), last, whole, nil
}
