package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
)

// Reconciliation: what the triggers did not see.
//
// Edits made with the triggers disabled (ALTER TABLE … DISABLE TRIGGER,
// a restore), a table dropped and re-created by an outside tool
// (ogr2ogr -overwrite), a TRUNCATE: the layer's table no longer says what
// terrimap.heads says. The reconciliation compares every row with its head
// by row hash (heads.row_hash, rowHashExpr) in one query per layer, and
// settles every difference (capture_settle.go): a row with no live head
// becomes a creation, a live head with no row a tombstone, a row that
// differs an update — attributed to reconcileAuthor, since no trigger told
// who did it (a TRUNCATE's tombstones go to the role that truncated). A
// row whose hash differs but whose content is the head's only gets its
// hash stored. Before comparing, it puts back what the platform needs on
// the table (repairTable) and runs a capture pass, so that edits the
// triggers did see keep their author. It runs when the capture worker
// starts, every reconcileEvery, after a TRUNCATE, and on demand
// (terrimap-server reconcile). Every difference is settled or, for rows a
// transaction still holds, counted as busy and left for the next run;
// none is ignored.

// reconcileAuthor is the author of versions the reconciliation writes:
// the edit was made where no trigger saw who made it.
const reconcileAuthor = "db:rapprochement"

// reconcileBatch is how many differing features one transaction settles.
const reconcileBatch = 500

// errNoTable is returned (wrapped) when a layer's table is missing.
var errNoTable = errors.New("pgstore: the layer's table is missing")

// ReconcileReport says what a reconciliation did.
type ReconcileReport struct {
	// Repairs are what was put back on the tables (triggers, indexes,
	// columns), one sentence each.
	Repairs []string
	// Capture is the capture pass run first.
	Capture CaptureStats
	// Differences counts the features whose row and head differed by hash;
	// Versions the versions written for them; Busy those left for the
	// next run because a transaction held their row.
	Differences, Versions, Busy, Issues int
}

// Reconcile compares every layer table with the feed and settles the
// differences; see the top of reconcile.go.
func (s *Storage) Reconcile(ctx context.Context, log *slog.Logger) (ReconcileReport, error) {
	var rep ReconcileReport
	if err := s.ensureCapture(ctx); err != nil {
		return rep, err
	}
	ls, err := loadLayers(ctx, s.pool)
	if err != nil {
		return rep, fmt.Errorf("pgstore: reconcile: %w", err)
	}
	var failed []error
	for _, l := range ls {
		repairs, err := s.repairTable(ctx, l)
		for _, r := range repairs {
			log.Warn("reconciliation: layer table repaired", "layer", l.name(), "repair", r)
		}
		rep.Repairs = append(rep.Repairs, repairs...)
		if err != nil {
			log.Error("reconciliation: layer table unusable", "layer", l.name(), "err", err)
			failed = append(failed, err)
		}
	}
	if rep.Capture, err = s.CapturePass(ctx, log); err != nil {
		return rep, err
	}
	for _, l := range ls {
		if err := s.reconcileTable(ctx, l, &rep, log); err != nil {
			if errors.Is(err, errNoTable) {
				continue
			}
			return rep, err
		}
	}
	if rep.Differences > 0 {
		log.Warn("reconciliation: differences between the layer tables and the feed settled",
			"differences", rep.Differences, "versions", rep.Versions, "busy", rep.Busy, "issues", rep.Issues)
	}
	return rep, errors.Join(failed...)
}

// differencesQuery is the query of the features of a layer whose row and
// live head differ by hash; pendingToo keeps features with captured rows
// waiting (else the capture worker settles those, with their author).
func differencesQuery(l *layerDef, pendingToo bool) string {
	q := `SELECT coalesce(t.uuid, h.uuid)::text
		FROM (SELECT t.uuid, ` + rowHashExpr(l.rec.Schema, "t") + ` AS hash FROM ` + l.ident() + ` t) t
		FULL JOIN (SELECT uuid, row_hash FROM terrimap.heads WHERE layer = $1 AND NOT deleted) h ON h.uuid = t.uuid
		WHERE (t.uuid IS NULL OR h.uuid IS NULL OR h.row_hash IS DISTINCT FROM t.hash)`
	if !pendingToo {
		q += ` AND NOT EXISTS (SELECT 1 FROM terrimap.captured c WHERE c.layer = $1 AND c.uuid = coalesce(t.uuid, h.uuid))`
	}
	return q + ` ORDER BY 1`
}

// reconcileTable settles the differences of one layer, a batch per
// transaction.
func (s *Storage) reconcileTable(ctx context.Context, l *layerDef, rep *ReconcileReport, log *slog.Logger) error {
	rows, err := s.pool.Query(ctx, differencesQuery(l, false), l.name())
	if err != nil {
		return fmt.Errorf("pgstore: reconcile %s: %w", l.name(), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("pgstore: reconcile %s: %w", l.name(), err)
	}
	rep.Differences += len(ids)
	unknown := editor{author: reconcileAuthor}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), reconcileBatch)]
		ids = ids[len(batch):]
		err := s.write(ctx, func(t *writeTx) error {
			if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, captureLock); err != nil {
				return fmt.Errorf("pgstore: reconcile %s: %w", l.name(), err)
			}
			if err := t.lockFeed(); err != nil {
				return err
			}
			lt, err := t.layer(l.name())
			if err != nil {
				return err
			}
			rows, busy, err := lockRows(t, lt, batch, true)
			if err != nil {
				return err
			}
			ready := batch[:0:0]
			for _, id := range batch {
				if !busy[id] {
					ready = append(ready, id)
				}
			}
			r, err := settleRows(t, lt, ready, rows, func(string) editor { return unknown })
			if err != nil {
				return err
			}
			logSettled(log, r)
			rep.Busy += len(busy)
			rep.Versions += r.versions
			rep.Issues += len(r.issues)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reconcileLayer settles every difference of a layer within t (after a
// TRUNCATE: who truncated is the author).
func (s *Storage) reconcileLayer(t *writeTx, l *layerDef, who editor) (settled, error) {
	rows, err := t.tx.Query(t.ctx, differencesQuery(l, true), l.name())
	if err != nil {
		return settled{}, fmt.Errorf("pgstore: reconcile %s: %w", l.name(), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return settled{}, fmt.Errorf("pgstore: reconcile %s: %w", l.name(), err)
	}
	table, busy, err := lockRows(t, l, ids, true)
	if err != nil {
		return settled{}, err
	}
	ready := ids[:0:0]
	for _, id := range ids {
		if !busy[id] {
			ready = append(ready, id)
		}
	}
	return settleRows(t, l, ready, table, func(string) editor { return who })
}
