package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/server"
)

// The capture worker turns terrimap.captured into versions.
//
// It listens on terrimap_captured (the triggers notify at commit) and
// polls every capturePoll as well, should a notification be lost (the
// listening connection broken and made again). Several servers may run
// it on one database: a batch is worked under pg_try_advisory_xact_lock
// (captureLock), so one server works it while the others go back to
// waiting. A batch is one transaction that takes the feed lock first (the
// order every writer takes: feed, then rows — see feed.go), locks the
// captured rows and the table rows it settles without waiting for rows a
// QGIS transaction still holds (SKIP LOCKED: they are left for a later
// pass), writes the versions and deletes the captured rows it handled.
// Nothing is lost if a server dies mid-batch: the transaction rolls back
// and the captured rows are still there.

// Timing of the capture worker.
const (
	// capturePoll is how often the worker looks without a notification.
	capturePoll = 3 * time.Second
	// captureBatch is how many captured rows one transaction works.
	captureBatch = 1000
	// reconcileEvery is how often the worker reconciles every table.
	reconcileEvery = 5 * time.Minute
	// relisten is how long the worker waits before listening again after
	// its connection broke.
	relisten = time.Second
)

// captureLock is the advisory lock under which a captured batch or a
// reconciliation is worked ("captured").
const captureLock int64 = 0x6361707475726564

// CaptureStats counts what a capture pass did.
type CaptureStats struct {
	// Captured is how many captured rows were handled.
	Captured int
	// Versions is how many versions were written.
	Versions int
	// Busy is how many features were left for later: a transaction still
	// holds their row.
	Busy int
	// Issues is how many direct edits the schema check found fault with.
	Issues int
	// Truncated names the layers whose table was truncated.
	Truncated []string
}

// RunCapture runs the capture worker until ctx ends: a reconciliation
// first, then captured direct edits as they come, and a reconciliation
// every few minutes. serve starts it; several servers may.
func (s *Storage) RunCapture(ctx context.Context, log *slog.Logger) error {
	if err := s.ensureCapture(ctx); err != nil {
		return err
	}
	if _, err := s.Reconcile(ctx, log); err != nil && ctx.Err() == nil {
		log.Error("reconciliation failed", "err", err)
	}
	nextReconcile := time.Now().Add(reconcileEvery)
	var conn *listener
	defer func() { conn.close() }()
	for ctx.Err() == nil {
		if conn == nil {
			c, err := s.listen(ctx)
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				log.Warn("capture: cannot listen; polling only", "err", err)
			}
			conn = c
		}
		if _, err := s.CapturePass(ctx, log); err != nil && ctx.Err() == nil {
			log.Error("capture failed", "err", err)
		}
		if lost, err := s.triggersLost(ctx); err != nil && ctx.Err() == nil {
			log.Error("capture: cannot check the layer tables' triggers", "err", err)
		} else if lost {
			// A table re-created (ogr2ogr -overwrite) or its triggers
			// disabled: reconciled now, not in a few minutes.
			nextReconcile = time.Now()
		}
		if time.Now().After(nextReconcile) {
			if _, err := s.Reconcile(ctx, log); err != nil && ctx.Err() == nil {
				log.Error("reconciliation failed", "err", err)
			}
			nextReconcile = time.Now().Add(reconcileEvery)
		}
		if err := conn.wait(ctx, capturePoll); err != nil && ctx.Err() == nil {
			log.Warn("capture: listening connection lost", "err", err)
			conn.close()
			conn = nil
			sleep(ctx, relisten)
		}
	}
	return nil
}

// CapturePass works every captured row there is, batch after batch, and
// says what it did. When another server holds the batch lock, it does
// nothing: that server works them.
func (s *Storage) CapturePass(ctx context.Context, log *slog.Logger) (CaptureStats, error) {
	var total CaptureStats
	for {
		st, more, err := s.captureBatch(ctx, log)
		total.Captured += st.Captured
		total.Versions += st.Versions
		total.Busy += st.Busy
		total.Issues += st.Issues
		total.Truncated = append(total.Truncated, st.Truncated...)
		if err != nil || !more {
			return total, err
		}
	}
}

// capturedRow is a row of terrimap.captured.
type capturedRow struct {
	id                    int64
	layer, uuid, op, role string
}

// captureBatch works one batch of captured rows; more says a full batch
// was worked (there may be more).
func (s *Storage) captureBatch(ctx context.Context, log *slog.Logger) (st CaptureStats, more bool, err error) {
	// Nothing captured (most polls): no transaction, no feed lock.
	var any bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM terrimap.captured)`).Scan(&any); err != nil {
		return st, false, fmt.Errorf("pgstore: capture: %w", err)
	}
	if !any {
		return st, false, nil
	}
	err = s.write(ctx, func(t *writeTx) error {
		st, more = CaptureStats{}, false
		var got bool
		if err := t.tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, captureLock).Scan(&got); err != nil {
			return fmt.Errorf("pgstore: capture: %w", err)
		}
		if !got {
			return nil
		}
		if err := t.lockFeed(); err != nil {
			return err
		}
		rows, err := t.tx.Query(ctx, `SELECT id, layer, coalesce(uuid::text, ''), op, db_role FROM terrimap.captured
			ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, captureBatch)
		if err != nil {
			return fmt.Errorf("pgstore: capture: %w", err)
		}
		caps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (capturedRow, error) {
			var c capturedRow
			err := r.Scan(&c.id, &c.layer, &c.uuid, &c.op, &c.role)
			return c, err
		})
		if err != nil {
			return fmt.Errorf("pgstore: capture: %w", err)
		}
		more = len(caps) == captureBatch
		done, err := s.workCaptured(t, caps, &st, log)
		if err != nil {
			return err
		}
		if _, err := t.tx.Exec(ctx, `DELETE FROM terrimap.captured WHERE id = ANY($1)`, done); err != nil {
			return fmt.Errorf("pgstore: capture: %w", err)
		}
		st.Captured = len(done)
		return nil
	})
	return st, more, err
}

// workCaptured settles the features of a batch, layer by layer, and
// returns the ids of the captured rows it handled.
func (s *Storage) workCaptured(t *writeTx, caps []capturedRow, st *CaptureStats, log *slog.Logger) ([]int64, error) {
	type feature struct {
		ids  []int64
		role string // of the latest captured row
	}
	byLayer := map[string]map[string]*feature{}
	truncated := map[string][]int64{}
	truncRole := map[string]string{}
	roleSet := map[string]bool{}
	var done []int64
	for _, c := range caps {
		roleSet[c.role] = true
		if c.op == "truncate" {
			truncated[c.layer] = append(truncated[c.layer], c.id)
			truncRole[c.layer] = c.role
			continue
		}
		fs := byLayer[c.layer]
		if fs == nil {
			fs = map[string]*feature{}
			byLayer[c.layer] = fs
		}
		f := fs[c.uuid]
		if f == nil {
			f = &feature{}
			fs[c.uuid] = f
		}
		f.ids, f.role = append(f.ids, c.id), c.role
	}
	roles := make([]string, 0, len(roleSet))
	for r := range roleSet {
		roles = append(roles, r)
	}
	editors, err := editorsOf(t, roles)
	if err != nil {
		return nil, err
	}
	for _, name := range sortedNames(byLayer, truncated) {
		l, err := t.layer(name)
		if errors.Is(err, server.ErrNotFound) {
			log.Warn("capture: direct edits of a table that is no longer a layer: dropped", "layer", name)
			for _, f := range byLayer[name] {
				done = append(done, f.ids...)
			}
			done = append(done, truncated[name]...)
			continue
		}
		if err != nil {
			return nil, err
		}
		if ids := truncated[name]; len(ids) > 0 {
			r, err := s.reconcileLayer(t, l, editors[truncRole[name]])
			if err != nil {
				return nil, err
			}
			logSettled(log, r)
			st.Versions += r.versions
			st.Issues += len(r.issues)
			st.Truncated = append(st.Truncated, name)
			done = append(done, ids...)
			// Every feature of the layer is settled: its row captures too.
			for _, f := range byLayer[name] {
				done = append(done, f.ids...)
			}
			continue
		}
		fs := byLayer[name]
		ids := make([]string, 0, len(fs))
		for id := range fs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		rows, busy, err := lockRows(t, l, ids, true)
		if err != nil {
			return nil, err
		}
		ready := ids[:0:0]
		for _, id := range ids {
			if busy[id] {
				st.Busy++
				continue
			}
			ready = append(ready, id)
			done = append(done, fs[id].ids...)
		}
		r, err := settleRows(t, l, ready, rows, func(id string) editor { return editors[fs[id].role] })
		if err != nil {
			return nil, err
		}
		logSettled(log, r)
		st.Versions += r.versions
		st.Issues += len(r.issues)
	}
	return done, nil
}

// sortedNames returns the keys of both maps, sorted, once each.
func sortedNames[A, B any](a map[string]A, b map[string]B) []string {
	seen := map[string]bool{}
	var out []string
	for k := range a {
		seen[k] = true
		out = append(out, k)
	}
	for k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// logSettled logs the issues the schema check found.
func logSettled(log *slog.Logger, r settled) {
	for _, fi := range r.issues {
		for _, is := range fi.issues {
			log.Warn("direct edit refused by the layer's schema (see terrimap.capture_issues)",
				"layer", fi.layer, "uuid", fi.id, "role", fi.who.dbRole, "field", is.Field,
				"value", is.Value, "kept", is.Kept, "message", is.Message)
		}
	}
}

// ensureCapture installs the capture and territory functions, under the
// install lock. The triggers on each table are put by PutLayer
// (afterLayerDDL) and checked by every reconciliation (repairTable).
func (s *Storage) ensureCapture(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(installLock)); err != nil {
			return fmt.Errorf("pgstore: install capture: %w", err)
		}
		return installCapture(ctx, tx)
	})
}

// captureRetry is how long StartCapture waits before starting a worker
// again after it failed to start (the database away, rights missing).
const captureRetry = 30 * time.Second

// StartCapture runs the capture worker in the background until Close
// (serve calls it); a worker that cannot start is logged and started again
// after captureRetry.
func (s *Storage) StartCapture(log *slog.Logger) {
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		for s.bg.Err() == nil {
			if err := s.RunCapture(s.bg, log); err != nil && s.bg.Err() == nil {
				log.Error("capture worker cannot start; direct edits wait in terrimap.captured", "err", err, "retry", captureRetry)
				sleep(s.bg, captureRetry)
			}
		}
	}()
}

// triggersLost reports whether a layer table that exists lacks one of its
// triggers, enabled, or row-level security: one catalog query, made at
// every pass of the worker.
func (s *Storage) triggersLost(ctx context.Context) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM terrimap.layers l
		JOIN pg_class c ON c.oid = to_regclass(quote_ident(l.pg_schema) || '.' || quote_ident(l.pg_table))
		WHERE NOT c.relrowsecurity
		OR (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = ANY($1) AND t.tgenabled <> 'D') < $2`,
		layerTriggers, len(layerTriggers)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("pgstore: check triggers: %w", err)
	}
	return n > 0, nil
}
