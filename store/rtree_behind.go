package store

import (
	"context"
	"fmt"
	"strings"
)

// A first download writes a hundred thousand features in pages of a few
// thousand. Keeping the GeoPackage R*Tree current page by page costs more
// than all the rest of it: SQLite's R*Tree insertion, run per row. So
// ApplyRemoteBatch lets a layer's R*Tree fall behind on a batch of new
// features, recording it in tm_meta in the same transaction, and
// CatchUpRTrees rebuilds every tree left behind in one packed pass once the
// download is over. In between, the in-memory index is current and the
// workspace's own queries use it rather than the tree; a tree left behind
// by a crash is rebuilt when the workspace is opened, and on Close.

// metaRTreeBehind prefixes the tm_meta key marking a layer's R*Tree as
// behind its features.
const metaRTreeBehind = "rtree_behind:"

// markRTreeBehind records, in the transaction, that the layer's R*Tree
// misses some of its features.
func (tx *Tx) markRTreeBehind(l *Layer) error {
	if err := tx.SetMeta(metaRTreeBehind+strings.ToLower(l.Schema.Name), "1"); err != nil {
		return err
	}
	tx.rtreeBehind = append(tx.rtreeBehind, strings.ToLower(l.Schema.Name))
	return nil
}

// rtreeIsBehind reports whether the layer's R*Tree misses features, so
// that queries must use the in-memory index.
func (ws *Workspace) rtreeIsBehind(l *Layer) bool {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return ws.behind[strings.ToLower(l.Schema.Name)]
}

// rtreeUsable reports whether the layer's GeoPackage R*Tree can answer a
// query in longitude/latitude: it exists, holds every feature, and its
// boxes are in EPSG:4326 (a foreign layer in Lambert-93 has boxes in
// metres). Otherwise the in-memory index answers.
func (ws *Workspace) rtreeUsable(ctx context.Context, l *Layer) bool {
	return l.SRSID == SRSWGS84 && !ws.rtreeIsBehind(l) && hasRTree(ctx, ws.db, l)
}

// loadRTreesBehind reads which layers' R*Trees are behind, on open.
func (ws *Workspace) loadRTreesBehind(ctx context.Context) error {
	rows, err := ws.db.QueryContext(ctx, `SELECT key FROM tm_meta WHERE key LIKE ? || '%'`, metaRTreeBehind)
	if isNoSuchTable(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read rtree state: %w", err)
	}
	defer rows.Close()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return fmt.Errorf("store: read rtree state: %w", err)
		}
		ws.behind[strings.TrimPrefix(key, metaRTreeBehind)] = true
	}
	return rows.Err()
}

// CatchUpRTrees rebuilds the GeoPackage R*Tree of every layer whose tree
// fell behind during a bulk download, from the in-memory index, so that
// other tools (QGIS, GDAL) reading the file find every feature. The sync
// client calls it at the end of a download; it does nothing when every
// tree is current.
func (ws *Workspace) CatchUpRTrees(ctx context.Context) error {
	ws.mu.RLock()
	n := len(ws.behind)
	ws.mu.RUnlock()
	if n == 0 || ws.readOnly {
		return nil
	}
	return ws.Edit(ctx, func(tx *Tx) error {
		for _, l := range ws.Layers() {
			name := strings.ToLower(l.Schema.Name)
			if !ws.rtreeIsBehind(l) {
				continue
			}
			var rows []rtreeRow
			if t := ws.index.Snapshot(l.Schema.Name); t != nil {
				rows = make([]rtreeRow, 0, t.Len())
				t.Scan(func(min, max [2]float32, fid int64) bool {
					rows = append(rows, rtreeRow{fid: fid, min: min, max: max})
					return true
				})
			}
			if err := tx.rebuildRTree(l, rows); err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM tm_meta WHERE key = ?`, metaRTreeBehind+name); err != nil {
				return fmt.Errorf("store: catch up rtree %s: %w", l.Schema.Name, err)
			}
			tx.rtreeCaughtUp = append(tx.rtreeCaughtUp, name)
		}
		return nil
	})
}
