package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/server"
)

// migrateLayer creates a migrated layer as PutLayer creates a new one —
// its table, GiST index, comments, capture triggers and row security —
// within the migration's transaction. (The schema version it counts up is
// set to the source's at the end of the migration.)
func (s *Storage) migrateLayer(ctx context.Context, tx pgx.Tx, l server.LayerRecord) error {
	return s.createLayer(ctx, tx, l)
}

// migrateRowHashes records in the heads of a migrated layer the hash of
// each row as its table holds it, which the reconciliation of direct
// edits compares with.
func (s *Storage) migrateRowHashes(ctx context.Context, tx pgx.Tx, l *layerDef, sc server.LayerRecord) error {
	_, err := tx.Exec(ctx, `UPDATE terrimap.heads h SET row_hash = `+rowHashExpr(sc.Schema, "r")+`
		FROM `+l.ident()+` r WHERE h.layer = $1 AND h.uuid = r.uuid`, sc.Schema.Name)
	return err
}
