package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// The map's overview: for the low zooms, each layer's features generalized
// per level (simplified and snapped to the level's pixels, points thinned
// to one per pixel, what is smaller than a pixel kept as a dot), grouped
// by the values of the fields its style reads (the key), so that a frame
// of the whole territory reads a few hundred rows instead of a million
// features. The map registers a layer and its fields
// (SetOverviewFields); from then on every write transaction keeps the
// layer's overview current (the derived step overviewStep), or marks the
// blocks it could not afford to rebuild dirty: the map draws those from
// the features until RefreshOverview rebuilds them. Never stale.
const (
	// OverviewMinLevel and OverviewMaxLevel are the zooms of the pixel
	// grids the overview is generalized for.
	OverviewMinLevel = 10
	OverviewMaxLevel = 13
	// overviewBlockZoom is the zoom of the tile grid whose tiles (blocks)
	// are the overview's rows, which the map reads.
	overviewBlockZoom = 14
	// overviewPieceZoom is the zoom of the finer grid whose tiles (pieces)
	// are the unit of the rebuilds: an edit in the densest block reads a
	// sixteenth of its features again, then puts the block together from
	// its pieces.
	overviewPieceZoom = 16
	// overviewInline is how many pieces a transaction rebuilds itself;
	// beyond (a page of a first download), it marks them dirty.
	overviewInline = 32
	// overviewRefreshBatch is how many dirty pieces one transaction of
	// RefreshOverview rebuilds: edits wait no longer than that.
	overviewRefreshBatch = 64
)

var overviewTables = []string{
	`CREATE TABLE IF NOT EXISTS tm_overview_layers (layer TEXT PRIMARY KEY, fields TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_overview (layer TEXT NOT NULL, level INTEGER NOT NULL, bx INTEGER NOT NULL, by INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (layer, level, bx, by)) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS tm_overview_piece (layer TEXT NOT NULL, level INTEGER NOT NULL, px INTEGER NOT NULL, py INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (layer, level, px, py)) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS tm_overview_dirty (layer TEXT NOT NULL, px INTEGER NOT NULL, py INTEGER NOT NULL, PRIMARY KEY (layer, px, py)) WITHOUT ROWID`,
}

// OverviewBlock is one row of an overview level: the generalized features
// of a block, to read with DecodeOverview.
type OverviewBlock struct {
	X, Y int
	Data []byte
}

// OverviewQuery asks for the blocks of one layer and level under a
// longitude/latitude box.
type OverviewQuery struct {
	Layer string
	Level int
	Bound orb.Bound
	// StateOnly asks for the fields, the dirty state and the range of
	// blocks, not the blocks: a caller that keeps blocks reads only those
	// it lacks.
	StateOnly bool
}

// OverviewRead is what ReadOverview found.
type OverviewRead struct {
	// Fields are the layer's overview fields, the keys' order; Registered
	// is false when the layer has no overview (then nothing else is set).
	Fields     []string
	Registered bool
	// Dirty is true when a block under the box waits for its rebuild:
	// the caller must then draw from the features.
	Dirty bool
	// X0, Y0, X1, Y1 are the blocks the box meets (inclusive); Blocks
	// holds those of them that are not empty.
	X0, Y0, X1, Y1 int
	Blocks         []OverviewBlock
}

// ReadOverview returns the overview blocks of a layer at a level under a
// box, and whether any of them is dirty.
func (ws *Workspace) ReadOverview(ctx context.Context, q OverviewQuery) (OverviewRead, error) {
	var out OverviewRead
	layer := strings.ToLower(q.Layer)
	if q.Level < OverviewMinLevel || q.Level > OverviewMaxLevel {
		return out, nil
	}
	bmin, bmax := rectOf(q.Bound)
	x0, y0, x1, y1 := blockRange(overviewBlockZoom, bmin, bmax)
	const f = 1 << (overviewPieceZoom - overviewBlockZoom) // pieces a block across
	var fields string
	var dirty int
	err := ws.overviewQueryRow(ctx, `SELECT l.fields, (SELECT count(*) FROM tm_overview_dirty AS d WHERE d.layer = l.layer AND d.px BETWEEN ? AND ? AND d.py BETWEEN ? AND ?)
		FROM tm_overview_layers AS l WHERE l.layer = ?`, []any{x0 * f, x1*f + f - 1, y0 * f, y1*f + f - 1, layer}, &fields, &dirty)
	if errors.Is(err, sql.ErrNoRows) || isNoTable(err) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("store: read overview %s: %w", q.Layer, err)
	}
	if err := json.Unmarshal([]byte(fields), &out.Fields); err != nil {
		return OverviewRead{}, fmt.Errorf("store: read overview %s: fields: %w", q.Layer, err)
	}
	out.Registered = true
	out.X0, out.Y0, out.X1, out.Y1 = x0, y0, x1, y1
	if dirty > 0 {
		out.Dirty = true
		return out, nil
	}
	if q.StateOnly {
		return out, nil
	}
	st, done, err := ws.stmts.get(ctx, ws.db, `SELECT bx, by, data FROM tm_overview WHERE layer = ? AND level = ? AND bx BETWEEN ? AND ? AND by BETWEEN ? AND ? ORDER BY by, bx`)
	if err != nil {
		return OverviewRead{}, fmt.Errorf("store: read overview %s: %w", q.Layer, err)
	}
	defer done()
	rows, err := st.QueryContext(ctx, layer, q.Level, x0, x1, y0, y1)
	if err != nil {
		return OverviewRead{}, fmt.Errorf("store: read overview %s: %w", q.Layer, err)
	}
	defer rows.Close()
	for rows.Next() {
		var b OverviewBlock
		if err := rows.Scan(&b.X, &b.Y, &b.Data); err != nil {
			return OverviewRead{}, fmt.Errorf("store: read overview %s: %w", q.Layer, err)
		}
		out.Blocks = append(out.Blocks, b)
	}
	if err := rows.Err(); err != nil {
		return OverviewRead{}, fmt.Errorf("store: read overview %s: %w", q.Layer, err)
	}
	return out, nil
}

// overviewQueryRow runs a one-row query through the workspace's cache of
// prepared statements (the map asks the same few for every tile).
func (ws *Workspace) overviewQueryRow(ctx context.Context, query string, args []any, dest ...any) error {
	st, done, err := ws.stmts.get(ctx, ws.db, query)
	if err != nil {
		return err
	}
	defer done()
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

// isNoTable reports whether err says a table is missing: a workspace made
// before the overview, which has none yet.
func isNoTable(err error) bool { return err != nil && strings.Contains(err.Error(), "no such table") }

// OverviewFields returns the fields a layer's overview is grouped by; ok
// is false when the layer has no overview.
func (ws *Workspace) OverviewFields(ctx context.Context, layer string) (fields []string, ok bool, err error) {
	r, err := ws.ReadOverview(ctx, OverviewQuery{Layer: layer, Level: OverviewMinLevel})
	return r.Fields, r.Registered, err
}

// SetOverviewFields gives a layer an overview grouped by the values of
// fields (those its style reads), or changes its fields: every block of
// the layer is marked dirty, for RefreshOverview to build. Fields the
// layer lacks are left out. Setting the fields it has changes nothing.
func (ws *Workspace) SetOverviewFields(ctx context.Context, layer string, fields []string) error {
	l, err := ws.Layer(layer)
	if err != nil {
		return err
	}
	var keep []string
	for _, f := range fields {
		if _, ok := l.Schema.Field(f); ok && !slices.Contains(keep, f) {
			keep = append(keep, f)
		}
	}
	slices.Sort(keep)
	if have, ok, err := ws.OverviewFields(ctx, layer); err != nil {
		return err
	} else if ok && slices.Equal(have, keep) {
		return nil
	}
	js, _ := json.Marshal(append([]string{}, keep...))
	return ws.Edit(ctx, func(tx *Tx) error {
		for _, q := range overviewTables {
			if _, err := tx.exec(q); err != nil {
				return fmt.Errorf("store: overview tables: %w", err)
			}
		}
		key := strings.ToLower(l.Schema.Name)
		if _, err := tx.exec(`INSERT INTO tm_overview_layers(layer, fields) VALUES (?, ?) ON CONFLICT(layer) DO UPDATE SET fields = excluded.fields`, key, string(js)); err != nil {
			return fmt.Errorf("store: set overview fields %s: %w", layer, err)
		}
		for _, table := range []string{"tm_overview", "tm_overview_piece"} {
			if _, err := tx.exec(`DELETE FROM `+table+` WHERE layer = ?`, key); err != nil {
				return fmt.Errorf("store: set overview fields %s: %w", layer, err)
			}
		}
		return tx.markLayerDirty(key)
	})
}

// markLayerDirty marks every piece under a layer's features dirty.
func (tx *Tx) markLayerDirty(layer string) error {
	b, ok := tx.ws.index.Bound(layer)
	if !ok {
		return nil
	}
	dirty := map[blockKey]bool{}
	min, max := rectOf(b)
	markBlocks(dirty, layer, min, max)
	return tx.markDirty(dirty)
}

// RefreshOverview rebuilds the dirty blocks of every layer's overview, a
// few per transaction, until none is left or ctx ends.
func (ws *Workspace) RefreshOverview(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		done := false
		err := ws.Edit(ctx, func(tx *Tx) error {
			reg, err := tx.overviewLayers()
			if err != nil || reg == nil {
				done = true
				return err
			}
			rows, err := tx.tx.QueryContext(ctx, `SELECT layer, px, py FROM tm_overview_dirty ORDER BY layer, py / 4, px / 4 LIMIT ?`, overviewRefreshBatch)
			if err != nil {
				return fmt.Errorf("store: refresh overview: %w", err)
			}
			var todo []blockKey
			for rows.Next() {
				var k blockKey
				if err := rows.Scan(&k.layer, &k.x, &k.y); err != nil {
					rows.Close()
					return fmt.Errorf("store: refresh overview: %w", err)
				}
				todo = append(todo, k)
			}
			rows.Close()
			if len(todo) == 0 {
				done = true
				return nil
			}
			return tx.rebuildPieces(todo, reg)
		})
		if err != nil || done {
			return err
		}
	}
}

// OverviewDirty returns how many pieces wait for RefreshOverview.
func (ws *Workspace) OverviewDirty(ctx context.Context) (int, error) {
	var n int
	err := ws.db.QueryRowContext(ctx, `SELECT count(*) FROM tm_overview_dirty`).Scan(&n)
	if isNoTable(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: overview dirty: %w", err)
	}
	return n, nil
}

type blockKey struct {
	layer string // lower-cased
	x, y  int
}

// markBlocks adds the pieces a longitude/latitude box meets.
func markBlocks(dirty map[blockKey]bool, layer string, min, max [2]float32) {
	x0, y0, x1, y1 := blockRange(overviewPieceZoom, min, max)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			dirty[blockKey{layer, x, y}] = true
		}
	}
}

func (tx *Tx) markDirty(dirty map[blockKey]bool) error {
	for k := range dirty {
		if _, err := tx.exec(`INSERT OR IGNORE INTO tm_overview_dirty(layer, px, py) VALUES (?, ?, ?)`, k.layer, k.x, k.y); err != nil {
			return fmt.Errorf("store: overview: mark %s dirty: %w", k.layer, err)
		}
	}
	return nil
}

// overviewLayers returns the layers that have an overview and their
// fields, by lower-cased name; nil when the workspace has none.
func (tx *Tx) overviewLayers() (map[string][]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT layer, fields FROM tm_overview_layers`)
	if isNoTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: overview layers: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var layer, js string
		if err := rows.Scan(&layer, &js); err != nil {
			return nil, fmt.Errorf("store: overview layers: %w", err)
		}
		var fields []string
		if err := json.Unmarshal([]byte(js), &fields); err != nil {
			return nil, fmt.Errorf("store: overview layers: %s: %w", layer, err)
		}
		out[layer] = fields
	}
	return out, rows.Err()
}

// overviewStep keeps the overview current with what the transaction
// wrote: the blocks under the old and new boxes of every feature written
// are rebuilt, or marked dirty when there are too many.
func (tx *Tx) overviewStep() error {
	if len(tx.writtenRows) == 0 && len(tx.indexOps) == 0 && len(tx.changedLayers) == 0 {
		return tx.markDirty(tx.bulkDirty)
	}
	if err := tx.overviewRows(); err != nil {
		return err
	}
	// The pieces under a bulk load's rows (bulkCreate) are marked dirty
	// last: a piece rebuilt above did not see those rows.
	return tx.markDirty(tx.bulkDirty)
}

// overviewRows rebuilds or marks dirty the pieces under the rows the
// transaction wrote one by one.
func (tx *Tx) overviewRows() error {
	reg, err := tx.overviewLayers()
	if err != nil || len(reg) == 0 {
		return err
	}
	dirty := map[blockKey]bool{}
	type ref struct {
		layer string
		fid   int64
	}
	boxed := map[ref]bool{}
	for _, op := range tx.indexOps {
		if _, ok := reg[op.layer]; !ok {
			continue
		}
		boxed[ref{op.layer, op.fid}] = true
		if op.ok {
			markBlocks(dirty, op.layer, op.min, op.max)
		}
	}
	for _, w := range tx.writtenRows {
		key := strings.ToLower(w.Layer)
		if _, ok := reg[key]; !ok || boxed[ref{key, w.FID}] {
			continue
		}
		boxed[ref{key, w.FID}] = true
		// An attribute change: the feature stays where it is.
		min, max, ok, err := tx.featureBox(w.Layer, w.FID)
		if err != nil {
			return err
		}
		if ok {
			markBlocks(dirty, key, min, max)
		}
	}
	for _, l := range tx.changedLayers {
		key := strings.ToLower(l.Schema.Name)
		if _, ok := reg[key]; ok {
			if b, ok := tx.ws.index.Bound(key); ok {
				min, max := rectOf(b)
				markBlocks(dirty, key, min, max)
			}
		}
	}
	if len(dirty) > overviewInline {
		return tx.markDirty(dirty)
	}
	keys := make([]blockKey, 0, len(dirty))
	for k := range dirty {
		keys = append(keys, k)
	}
	return tx.rebuildPieces(keys, reg)
}

// rebuildPieces rebuilds pieces, then puts together again the blocks they
// belong to.
func (tx *Tx) rebuildPieces(pieces []blockKey, reg map[string][]string) error {
	slices.SortFunc(pieces, func(a, b blockKey) int {
		return cmp.Or(strings.Compare(a.layer, b.layer), cmp.Compare(a.y, b.y), cmp.Compare(a.x, b.x))
	})
	const f = 1 << (overviewPieceZoom - overviewBlockZoom)
	var blocks []blockKey
	for _, k := range pieces {
		fields, ok := reg[k.layer]
		if !ok {
			if _, err := tx.exec(`DELETE FROM tm_overview_dirty WHERE layer = ?`, k.layer); err != nil {
				return fmt.Errorf("store: overview: %w", err)
			}
			continue
		}
		if err := tx.rebuildPiece(k, fields); err != nil {
			return err
		}
		if b := (blockKey{k.layer, k.x / f, k.y / f}); !slices.Contains(blocks, b) {
			blocks = append(blocks, b)
		}
	}
	for _, b := range blocks {
		if err := tx.composeBlock(b); err != nil {
			return err
		}
	}
	return nil
}

// composeBlock puts a block's rows together from its pieces, at every
// level.
func (tx *Tx) composeBlock(b blockKey) error {
	const f = 1 << (overviewPieceZoom - overviewBlockZoom)
	for lv := OverviewMinLevel; lv <= OverviewMaxLevel; lv++ {
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT px, py, data FROM tm_overview_piece WHERE layer = ? AND level = ? AND px BETWEEN ? AND ? AND py BETWEEN ? AND ? ORDER BY py, px`,
			b.layer, lv, b.x*f, b.x*f+f-1, b.y*f, b.y*f+f-1)
		if err != nil {
			return fmt.Errorf("store: overview: block of %s: %w", b.layer, err)
		}
		var m blockMerger
		damaged := map[blockKey]bool{}
		for rows.Next() {
			var data []byte
			k := blockKey{layer: b.layer}
			if err := rows.Scan(&k.x, &k.y, &data); err != nil {
				rows.Close()
				return fmt.Errorf("store: overview: block of %s: %w", b.layer, err)
			}
			if m.add(data) != nil {
				damaged[k] = true // rebuilt by RefreshOverview; the map draws the features meanwhile
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("store: overview: block of %s: %w", b.layer, err)
		}
		if err := tx.markDirty(damaged); err != nil {
			return err
		}
		if data := m.encode(); data == nil {
			_, err = tx.exec(`DELETE FROM tm_overview WHERE layer = ? AND level = ? AND bx = ? AND by = ?`, b.layer, lv, b.x, b.y)
		} else {
			_, err = tx.exec(`INSERT OR REPLACE INTO tm_overview(layer, level, bx, by, data) VALUES (?, ?, ?, ?, ?)`, b.layer, lv, b.x, b.y, data)
		}
		if err != nil {
			return fmt.Errorf("store: overview: write %s: %w", b.layer, err)
		}
	}
	return nil
}

// featureBox returns the box of a feature as the transaction sees it; ok
// is false when it has no geometry (or no longer exists).
func (tx *Tx) featureBox(layer string, fid int64) (min, max [2]float32, ok bool, err error) {
	l, err := tx.layer(layer)
	if err != nil {
		return min, max, false, err
	}
	var blob []byte
	err = tx.tx.QueryRowContext(tx.ctx, "SELECT "+quoteIdent(l.geomColumn)+" FROM "+quoteIdent(l.Schema.Name)+" WHERE "+quoteIdent(l.fidColumn)+" = ?", fid).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return min, max, false, nil
	}
	if err != nil {
		return min, max, false, fmt.Errorf("store: overview: box of %s %d: %w", layer, fid, err)
	}
	g := rowGeometry(l, blob)
	if g == nil {
		return min, max, false, nil
	}
	min, max = rectOf(g.Bound())
	return min, max, true, nil
}

// rebuildPiece generalizes again, at every level, the features of a layer
// under one piece, as the transaction sees them, and clears its dirty
// mark; composeBlock then puts its block together.
func (tx *Tx) rebuildPiece(k blockKey, fields []string) error {
	l, err := tx.layer(k.layer)
	if errors.Is(err, ErrLayerNotFound) {
		_, err = tx.exec(`DELETE FROM tm_overview_dirty WHERE layer = ? AND px = ? AND py = ?`, k.layer, k.x, k.y)
		return err
	}
	if err != nil {
		return err
	}
	bound := blockLonLat(overviewPieceZoom, k.x, k.y)
	// The features under the block: the committed index's, and those this
	// transaction placed (the index sees them after the commit).
	seen := map[int64]bool{}
	var fids []int64
	add := func(fid int64) bool {
		if !seen[fid] {
			seen[fid] = true
			fids = append(fids, fid)
		}
		return true
	}
	tx.ws.index.Search(k.layer, bound, add)
	for _, op := range tx.indexOps {
		if op.layer == k.layer && op.kind == indexInsert && op.ok {
			add(op.fid)
		}
	}
	slices.Sort(fids)
	var builders []*levelBuilder
	for lv := OverviewMinLevel; lv <= OverviewMaxLevel; lv++ {
		builders = append(builders, newLevelBuilder(lv, overviewPieceZoom, k.x, k.y))
	}
	if err := tx.eachOverviewRow(l, fids, fields, func(g orb.Geometry, vals []any) {
		if !g.Bound().Intersects(bound) {
			return
		}
		key := string(appendOverviewKey(nil, vals))
		for _, b := range builders {
			b.add(key, g)
		}
	}); err != nil {
		return err
	}
	for _, b := range builders {
		data := b.encode()
		var err error
		if data == nil {
			_, err = tx.exec(`DELETE FROM tm_overview_piece WHERE layer = ? AND level = ? AND px = ? AND py = ?`, k.layer, b.level, k.x, k.y)
		} else {
			_, err = tx.exec(`INSERT OR REPLACE INTO tm_overview_piece(layer, level, px, py, data) VALUES (?, ?, ?, ?, ?)`, k.layer, b.level, k.x, k.y, data)
		}
		if err != nil {
			return fmt.Errorf("store: overview: write %s: %w", k.layer, err)
		}
	}
	if _, err := tx.exec(`DELETE FROM tm_overview_dirty WHERE layer = ? AND px = ? AND py = ?`, k.layer, k.x, k.y); err != nil {
		return fmt.Errorf("store: overview: %w", err)
	}
	return nil
}

// eachOverviewRow reads, in the transaction, the geometry and the fields'
// values of the features fids (those that still exist and have a
// geometry), in fid order.
func (tx *Tx) eachOverviewRow(l *Layer, fids []int64, fields []string, fn func(orb.Geometry, []any)) error {
	if len(fids) == 0 {
		return nil
	}
	cols := []string{"t." + quoteIdent(l.geomColumn)}
	defs := make([]schema.Field, len(fields))
	for i, name := range fields {
		f, ok := l.Schema.Field(name)
		if !ok {
			cols = append(cols, "NULL")
			continue
		}
		defs[i] = f
		cols = append(cols, "t."+quoteIdent(l.columns[name]))
	}
	q := fmt.Sprintf("SELECT %s FROM json_each(?) AS j CROSS JOIN %s AS t ON t.%s = j.value",
		strings.Join(cols, ", "), quoteIdent(l.Schema.Name), quoteIdent(l.fidColumn))
	ids, _ := json.Marshal(fids)
	rows, err := tx.tx.QueryContext(tx.ctx, q, string(ids))
	if err != nil {
		return fmt.Errorf("store: overview: read %s: %w", l.Schema.Name, err)
	}
	defer rows.Close()
	var blob []byte
	vals := make([]any, len(fields))
	scan := make([]any, 1+len(fields))
	scan[0] = &blob
	for i := range vals {
		scan[1+i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(scan...); err != nil {
			return fmt.Errorf("store: overview: read %s: %w", l.Schema.Name, err)
		}
		if g := rowGeometry(l, blob); g != nil {
			fn(g, rowValues(defs, vals))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: overview: read %s: %w", l.Schema.Name, err)
	}
	return nil
}
