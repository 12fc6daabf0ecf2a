package pgstore

import (
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
)

// Settling a feature: making terrimap.heads (the feed) agree with the
// feature's row in its layer table, as the table holds it now. The
// capture worker settles the features its captured rows name, the
// reconciliation those whose row hash differs, a push those it is about to
// change: each writes, when the row differs from the head version, one new
// version (a creation, an update or a tombstone) attributed to whoever
// changed the row.

// tableRow is a feature's row in its layer table.
type tableRow struct {
	state protocol.FeatureState // Exists true; Version unset
	raw   map[string]any        // properties as the table holds them, before the schema
	hash  string
}

// editor is who made a direct edit: the Terrimap user tied to the database
// role, else "db:<role>".
type editor struct {
	author, dbRole string
}

// lockRows locks the rows of ids in a layer's table, in uuid order (so
// that two settlers never wait on each other), and returns their current
// content. With skipBusy, rows that another transaction holds (a QGIS
// transaction still open) are not waited for: they are returned in busy,
// for a later pass. Rows that do not exist are in neither map.
func lockRows(t *writeTx, l *layerDef, ids []string, skipBusy bool) (rows map[string]tableRow, busy map[string]bool, err error) {
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	lock := ` FOR UPDATE OF t`
	if skipBusy {
		lock += ` SKIP LOCKED`
	}
	q := selectRows(l, lock)
	rows, err = readRows(t, l, q, sorted)
	if err != nil || !skipBusy || len(rows) == len(sorted) {
		return rows, nil, err
	}
	var missing []string
	for _, id := range sorted {
		if _, ok := rows[id]; !ok {
			missing = append(missing, id)
		}
	}
	busy = map[string]bool{}
	r, err := t.tx.Query(t.ctx, `SELECT uuid::text FROM `+l.ident()+` WHERE uuid = ANY($1::uuid[])`, missing)
	if err != nil {
		return nil, nil, fmt.Errorf("pgstore: lock rows of %s: %w", l.name(), err)
	}
	held, err := pgx.CollectRows(r, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("pgstore: lock rows of %s: %w", l.name(), err)
	}
	for _, id := range held {
		busy[id] = true
	}
	return rows, busy, nil
}

// readRows runs q (uuid, properties JSON, EWKB, hash) with ids and decodes
// the rows.
func readRows(t *writeTx, l *layerDef, q string, ids []string) (map[string]tableRow, error) {
	r, err := t.tx.Query(t.ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("pgstore: read rows of %s: %w", l.name(), err)
	}
	defer r.Close()
	out := make(map[string]tableRow, len(ids))
	for r.Next() {
		var id, hash string
		var props, geom []byte
		if err := r.Scan(&id, &props, &geom, &hash); err != nil {
			return nil, fmt.Errorf("pgstore: read rows of %s: %w", l.name(), err)
		}
		raw, err := protocol.DecodePropertiesObject(props)
		if err != nil {
			return nil, fmt.Errorf("pgstore: row %s of %s: %w", id, l.name(), err)
		}
		g, err := decodeGeom(geom)
		if err != nil {
			return nil, fmt.Errorf("pgstore: row %s of %s: %w", id, l.name(), err)
		}
		out[id] = tableRow{state: protocol.FeatureState{Exists: true, Geometry: g, Properties: raw}, raw: raw, hash: hash}
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: read rows of %s: %w", l.name(), err)
	}
	return out, nil
}

// settled is what settleRows did: versions written, and the schema check's
// issues, for the log.
type settled struct {
	versions int
	issues   []featureIssues
}

// featureIssues are the issues of one direct edit.
type featureIssues struct {
	layer, id string
	who       editor
	issues    []capturedIssue
}

// settleRows makes the heads of ids agree with their rows, which the caller
// has locked (lockRows): a version for each that differs, by who.
func settleRows(t *writeTx, l *layerDef, ids []string, rows map[string]tableRow, who func(id string) editor) (settled, error) {
	var out settled
	heads, err := t.headStates(l, ids)
	if err != nil {
		return out, err
	}
	var rehash []string // features without a new version (flush hashes the others)
	defer func() {
		if len(rehash) > 0 {
			t.beforeCommit = append(t.beforeCommit, func() error { return t.rehash(l, rehash) })
		}
	}()
	for _, id := range ids {
		row, inTable := rows[id]
		head := heads[id]
		var op protocol.Op
		switch {
		case !inTable && !head.Exists:
			continue
		case !inTable:
			op = protocol.OpDelete
		case !head.Exists:
			op = protocol.OpCreate
		default:
			op = protocol.OpUpdate
		}
		w := who(id)
		next := protocol.FeatureState{Version: head.Version + 1}
		var changed []string
		var issues []capturedIssue
		if inTable {
			fixed, fixes, is := checkCaptured(l, op, head, row)
			if err := t.revert(l, id, fixes); err != nil {
				return out, err
			}
			issues = is
			next.Exists, next.Geometry, next.Properties = true, fixed.Geometry, fixed.Properties
			if op == protocol.OpUpdate {
				changed = protocol.ChangedFields(head, fixed)
			}
		}
		if op != protocol.OpUpdate || len(changed) > 0 {
			if err := t.recordCaptured(featureKey{l.name(), id}, next, op, w, changed); err != nil {
				return out, err
			}
			out.versions++
		} else {
			// Same content, another hash (a push's hash, a column retyped):
			// the hash is stored, and the next reconciliation passes it.
			next.Version = 0
			rehash = append(rehash, id)
		}
		if len(issues) > 0 {
			if err := t.recordIssues(l, id, next.Version, w, issues); err != nil {
				return out, err
			}
			out.issues = append(out.issues, featureIssues{layer: l.name(), id: id, who: w, issues: issues})
		}
	}
	return out, nil
}
