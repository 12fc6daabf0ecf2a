package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The GeoPackage RTree Spatial Index extension (GeoPackage 1.3 Annex F.3):
// a virtual rtree table per geometry column kept current by triggers that
// call ST_MinX … ST_IsEmpty, which Terrimap registers in Go.

const rtreeExtension = "http://www.geopackage.org/spec/#extension_rtree"

// rtreeTriggers returns the CREATE TRIGGER statements of the extension for
// table t, geometry column c and primary key i.
func rtreeTriggers(t, c, i string) []string {
	r := quoteIdent("rtree_" + t + "_" + c)
	qt, qc, qi := quoteIdent(t), quoteIdent(c), quoteIdent(i)
	trig := func(suffix string) string { return quoteIdent("rtree_" + t + "_" + c + "_" + suffix) }
	values := fmt.Sprintf("NEW.%[1]s, ST_MinX(NEW.%[2]s), ST_MaxX(NEW.%[2]s), ST_MinY(NEW.%[2]s), ST_MaxY(NEW.%[2]s)", qi, qc)
	return []string{
		fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s WHEN (new.%s NOT NULL AND NOT ST_IsEmpty(NEW.%s))
			BEGIN INSERT OR REPLACE INTO %s VALUES (%s); END`, trig("insert"), qt, qc, qc, r, values),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF %s ON %s WHEN OLD.%s = NEW.%s AND (NEW.%s NOTNULL AND NOT ST_IsEmpty(NEW.%s))
			BEGIN INSERT OR REPLACE INTO %s VALUES (%s); END`, trig("update1"), qc, qt, qi, qi, qc, qc, r, values),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF %s ON %s WHEN OLD.%s = NEW.%s AND (NEW.%s ISNULL OR ST_IsEmpty(NEW.%s))
			BEGIN DELETE FROM %s WHERE id = OLD.%s; END`, trig("update2"), qc, qt, qi, qi, qc, qc, r, qi),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN OLD.%s != NEW.%s AND (NEW.%s NOTNULL AND NOT ST_IsEmpty(NEW.%s))
			BEGIN DELETE FROM %s WHERE id = OLD.%s; INSERT OR REPLACE INTO %s VALUES (%s); END`,
			trig("update3"), qt, qi, qi, qc, qc, r, qi, r, values),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN OLD.%s != NEW.%s AND (NEW.%s ISNULL OR ST_IsEmpty(NEW.%s))
			BEGIN DELETE FROM %s WHERE id IN (OLD.%s, NEW.%s); END`, trig("update4"), qt, qi, qi, qc, qc, r, qi, qi),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER DELETE ON %s WHEN old.%s NOT NULL
			BEGIN DELETE FROM %s WHERE id = OLD.%s; END`, trig("delete"), qt, qc, r, qi),
	}
}

var rtreeTriggerSuffixes = []string{"insert", "update1", "update2", "update3", "update4", "delete"}

// createRTree creates the layer's rtree table, its triggers, and registers
// the extension.
func createRTree(ctx context.Context, tx *sql.Tx, l *Layer) error {
	t, c := l.Schema.Name, l.geomColumn
	stmts := []string{fmt.Sprintf("CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy)", quoteIdent(l.RTreeTable()))}
	stmts = append(stmts, rtreeTriggers(t, c, l.fidColumn)...)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("rtree %s: %w", t, err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')`, t, c, rtreeExtension)
	return err
}

// suspendRTreeTriggers drops the layer's rtree triggers for a bulk load; the
// caller fills the rtree itself and calls resumeRTreeTriggers in the same
// transaction, so no other connection ever sees the table without them.
func suspendRTreeTriggers(ctx context.Context, tx *sql.Tx, l *Layer) error {
	for _, s := range rtreeTriggerSuffixes {
		name := quoteIdent(l.RTreeTable() + "_" + s)
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+name); err != nil {
			return fmt.Errorf("suspend rtree triggers %s: %w", l.Schema.Name, err)
		}
	}
	return nil
}

func resumeRTreeTriggers(ctx context.Context, tx *sql.Tx, l *Layer) error {
	for _, s := range rtreeTriggers(l.Schema.Name, l.geomColumn, l.fidColumn) {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("resume rtree triggers %s: %w", l.Schema.Name, err)
		}
	}
	return nil
}

// hasRTree reports whether the layer's rtree table exists.
func hasRTree(ctx context.Context, db queryer, l *Layer) bool {
	rows, err := db.QueryContext(ctx, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND lower(name) = ?`, strings.ToLower(l.RTreeTable()))
	if err != nil {
		return false
	}
	defer rows.Close()
	return rows.Next()
}

// rtreeRow is one entry of a layer's R*Tree.
type rtreeRow struct {
	fid      int64
	min, max [2]float32
}
