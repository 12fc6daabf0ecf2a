package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/sqlitedsn"
	"terrimap/internal/sqliteread"
	"terrimap/store/gpkgbin"
)

// exportGeoPackage writes layers to a new GeoPackage at path: a bare
// Terrimap workspace (GeoPackage 1.3, the layers' schemas, an empty
// journal), none of a desk's upkeep — no text index, no overview, which a
// desk opening the file builds. The file is written without a journal nor
// a sync per transaction (a failure removes it; it is synced once whole),
// its rows copied by SQLite itself from the workspace attached beside it
// when a layer goes out whole, its R*Tree copied from the workspace's when
// that holds every feature, else packed once at the end. Features keep
// their local fids, UUIDs and versions.
func (ws *Workspace) exportGeoPackage(ctx context.Context, path string, layers []*Layer, territory orb.Geometry) (ExportReport, error) {
	db, err := sql.Open("sqlite", sqlitedsn.URI(path, "_pragma=foreign_keys(0)", "_pragma=journal_mode(OFF)",
		"_pragma=synchronous(OFF)", fmt.Sprintf("_pragma=cache_size(-%d)", exportCacheKiB)))
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS src", sqlitedsn.URI(ws.path, "mode=ro")); err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: attach %s: %w", path, ws.path, err)
	}
	rep := ExportReport{Features: map[string]int{}}
	err = func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := initWorkspace(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, addGDALAspatial); err != nil {
			return err
		}
		for _, l := range layers {
			n, err := ws.exportGeoPackageLayer(ctx, conn, tx, l, territory)
			if err != nil {
				return fmt.Errorf("%s: %w", l.Name(), err)
			}
			rep.Features[l.Name()] = n
		}
		return tx.Commit()
	}()
	if err == nil {
		_, err = conn.ExecContext(ctx, "DETACH DATABASE src")
	}
	if err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	conn.Close()
	if err := db.Close(); err != nil {
		return ExportReport{}, fmt.Errorf("store: export %s: %w", path, err)
	}
	return rep, nil // the caller's fileout.Set flushes the file to disk before putting it in place
}

// exportGeoPackageLayer creates l in the GeoPackage being written by tx
// (the workspace attached as src) and writes its features, or those
// meeting territory; it returns how many.
func (ws *Workspace) exportGeoPackageLayer(ctx context.Context, conn *sql.Conn, tx *sql.Tx, l *Layer, territory orb.Geometry) (int, error) {
	dl := ownLayer(exportSchema(l))
	if err := createLayerTables(ctx, tx, dl); err != nil {
		return 0, err
	}
	if err := suspendRTreeTriggers(ctx, tx, dl); err != nil {
		return 0, err
	}
	var (
		n     int
		boxes []rtreeRow
		err   error
	)
	whole := territory == nil
	if whole && !l.Foreign {
		n, err = copyRows(ctx, tx, l, dl)
	} else {
		n, boxes, err = ws.insertExportRows(ctx, tx, l, dl, territory)
	}
	if err != nil {
		return 0, err
	}
	copied := false
	if whole && ws.rtreeUsable(ctx, l) {
		if copied, err = copyRTree(ctx, tx, l, dl); err != nil {
			return 0, err
		}
	}
	if !copied {
		if boxes == nil {
			if boxes, err = tableBoxes(ctx, tx, dl); err != nil {
				return 0, err
			}
		}
		w := newSQLWriter(ctx, conn, tx)
		err := w.rebuildRTree(dl, boxes)
		w.closeStmts()
		if err != nil {
			return 0, err
		}
	}
	return n, resumeRTreeTriggers(ctx, tx, dl)
}

// copyRows copies the rows of the workspace's own layer l into dl, as
// they are stored, by one INSERT … SELECT.
func copyRows(ctx context.Context, tx *sql.Tx, l, dl *Layer) (int, error) {
	dst := []string{"fid", "geom", "uuid", "tm_version"}
	src := []string{quoteIdent(l.fidColumn), quoteIdent(l.geomColumn), "uuid", "tm_version"}
	for i, f := range l.Schema.Fields {
		dst = append(dst, quoteIdent(dl.Schema.Fields[i].Name))
		src = append(src, quoteIdent(l.columns[f.Name]))
	}
	res, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s ORDER BY %s",
		quoteIdent(dl.Schema.Name), strings.Join(dst, ", "), strings.Join(src, ", "), quoteIdent(l.Schema.Name), quoteIdent(l.fidColumn)))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// insertExportRows writes the features of l (those meeting territory when
// set) into dl by multi-row inserts, geometries in longitude/latitude,
// and returns how many with their R*Tree boxes.
func (ws *Workspace) insertExportRows(ctx context.Context, tx *sql.Tx, l, dl *Layer, territory orb.Geometry) (int, []rtreeRow, error) {
	cols := []string{"fid", "geom", "uuid", "tm_version"}
	for _, f := range dl.Schema.Fields {
		cols = append(cols, quoteIdent(f.Name))
	}
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	args := make([]any, 0, rowsPerInsert*len(cols))
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		s, ok := stmts[rows]
		if !ok {
			var err error
			if s, err = tx.PrepareContext(ctx, multiInsertSQL(quoteIdent(dl.Schema.Name), cols, rows)); err != nil {
				return err
			}
			stmts[rows] = s
		}
		_, err := s.ExecContext(ctx, args...)
		args, rows = args[:0], 0
		return err
	}
	var boxes []rtreeRow
	n := 0
	err := ws.exportSnapshot(ctx, func(conn *sqliteread.Conn) error {
		return ws.eachRow(ctx, conn, l, territory, rowNeeds{geometry: true, ids: true}, func(r *exportRow) error {
			blob, err := encodeGeometry(r.Geometry)
			if err != nil {
				return fmt.Errorf("feature %s: %w", r.id(), err)
			}
			if r.Geometry != nil {
				if h, err := gpkgbin.ReadHeader(blob); err == nil && !h.Empty {
					min, max := rectOf(r.Geometry.Bound())
					boxes = append(boxes, rtreeRow{fid: r.FID, min: min, max: max})
				}
			}
			id := r.UUID
			if id == "" {
				id = NewID()
			}
			args = append(args, r.FID, blob, id, r.Version)
			for _, v := range r.Values {
				args = append(args, sqlValue(v))
			}
			n++
			if rows++; rows == rowsPerInsert {
				return flush()
			}
			return nil
		})
	})
	if err == nil {
		err = flush()
	}
	if boxes == nil {
		boxes = []rtreeRow{}
	}
	return n, boxes, err
}

// tableBoxes reads the R*Tree boxes of the rows of dl in the GeoPackage
// being written.
func tableBoxes(ctx context.Context, tx *sql.Tx, dl *Layer) ([]rtreeRow, error) {
	rows, err := tx.QueryContext(ctx, "SELECT fid, geom FROM main."+quoteIdent(dl.Schema.Name)+" WHERE geom IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rtreeRow{}
	for rows.Next() {
		var fid int64
		var blob sql.RawBytes
		if err := rows.Scan(&fid, &blob); err != nil {
			return nil, err
		}
		if b, ok, err := gpkgbin.Bound(blob); err == nil && ok {
			min, max := rectOf(b)
			out = append(out, rtreeRow{fid: fid, min: min, max: max})
		}
	}
	return out, rows.Err()
}

// copyRTree copies the R*Tree of the workspace's layer l, which holds
// every one of its features, as that of dl, whose rows have the same
// fids: the same nodes, as SQLite's rtree module stores them. It copies
// nothing and says so when the trees' nodes differ in size.
func copyRTree(ctx context.Context, tx *sql.Tx, l, dl *Layer) (bool, error) {
	src, dst := l.RTreeTable(), dl.RTreeTable()
	var srcSize, dstSize int
	q := "SELECT length(data) FROM %s.%s WHERE nodeno = 1"
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(q, "src", quoteIdent(src+"_node"))).Scan(&srcSize); err != nil {
		return false, err
	}
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(q, "main", quoteIdent(dst+"_node"))).Scan(&dstSize); err != nil {
		return false, err
	}
	if srcSize != dstSize {
		return false, nil
	}
	for _, t := range []struct{ suffix, cols string }{{"_node", "nodeno, data"}, {"_rowid", "rowid, nodeno"}, {"_parent", "nodeno, parentnode"}} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM main."+quoteIdent(dst+t.suffix)); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s",
			quoteIdent(dst+t.suffix), t.cols, t.cols, quoteIdent(src+t.suffix))); err != nil {
			return false, err
		}
	}
	return true, nil
}

// exportCacheKiB is the page cache of the GeoPackage being written: it
// grows at its end, page after page, and needs little; a large cache
// costs more to free when the file is closed than it saves.
const exportCacheKiB = 1 << 10
