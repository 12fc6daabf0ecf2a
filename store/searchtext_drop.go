package store

import (
	"context"
	"fmt"
)

// DropSearchText stops this workspace keeping the text index that search
// reads, and drops the index if the file has one: for a file nobody
// searches through Terrimap's search — the platform's storage — whose
// every write would pay for it (two thirds of a page of a sync) and whose
// size it would more than double. Dropped rather than left behind, so
// that a desk opening the file one day builds a whole index again
// (BuildSearchText) instead of reading a stale one.
func (ws *Workspace) DropSearchText(ctx context.Context) error {
	ws.noSearchText.Store(true)
	var n int
	err := ws.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, searchDocTable).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: drop search text: %w", err)
	}
	if n == 0 {
		return nil
	}
	return ws.Edit(ctx, func(tx *Tx) error {
		for _, table := range []string{"tm_search_trigram", "tm_search_hold", "tm_search_term", "tm_search_value", searchDocTable, searchLayerTable} {
			if _, err := tx.tx.ExecContext(tx.ctx, "DROP TABLE IF EXISTS "+quoteIdent(table)); err != nil {
				return fmt.Errorf("store: drop search text: %s: %w", table, err)
			}
		}
		if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM gpkg_extensions WHERE extension_name = 'terrimap_search'`); err != nil {
			return fmt.Errorf("store: drop search text: %w", err)
		}
		return nil
	})
}
