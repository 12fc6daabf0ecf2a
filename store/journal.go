package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/gpkgbin"
)

// Op is the kind of a local edit.
type Op string

// The kinds of local edits the journal records.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// JournalState says where a journal entry stands with the platform.
type JournalState string

// The states of a journal entry. Entries leave the journal only when the
// platform has acknowledged them.
const (
	// StatePending entries wait to be sent.
	StatePending JournalState = "pending"
	// StateConflict entries met a concurrent edit on the platform; the user decides.
	StateConflict JournalState = "conflict"
	// StateRejected entries were refused by the platform; the user fixes or drops them.
	StateRejected JournalState = "rejected"
)

// JournalEntry is one local edit not yet acknowledged by the platform.
type JournalEntry struct {
	Seq      int64
	ChangeID string
	Layer    string
	UUID     string
	Op       Op
	// BaseVersion is the platform version the edit was made on.
	BaseVersion int64
	// Properties holds the changed fields and their new values (all fields for a create).
	Properties map[string]any
	// Geometry is the new geometry when GeometryChanged.
	Geometry        orb.Geometry
	GeometryChanged bool
	CreatedAt       time.Time
	State           JournalState
	// Reason is the platform's word on a conflict or rejection.
	Reason string
}

// journal records local edits in the transaction that makes them.
func (tx *Tx) journal(entries ...JournalEntry) error {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	cols := []string{"change_id", "layer", "uuid", "op", "base_version", "properties", "geometry", "geometry_changed", "created_at"}
	for start := 0; start < len(entries); start += rowsPerInsert {
		chunk := entries[start:min(start+rowsPerInsert, len(entries))]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, e := range chunk {
			if e.ChangeID == "" {
				e.ChangeID = NewID()
			}
			var props, geom any
			if e.Properties != nil {
				b, err := appendProperties(nil, e.Properties)
				if err != nil {
					return fmt.Errorf("store: journal %s: %w", e.UUID, err)
				}
				props = string(b)
			}
			if e.GeometryChanged && e.Geometry != nil {
				b, err := gpkgbin.Encode(e.Geometry, SRSWGS84)
				if err != nil {
					return fmt.Errorf("store: journal %s: %w", e.UUID, err)
				}
				geom = b
			}
			args = append(args, e.ChangeID, e.Layer, e.UUID, string(e.Op), e.BaseVersion, props, geom, e.GeometryChanged, now)
		}
		if _, err := tx.exec(multiInsertSQL("tm_journal", cols, len(chunk)), args...); err != nil {
			return fmt.Errorf("store: journal: %w", err)
		}
	}
	return nil
}

func (tx *Tx) hasJournal(layer, id string) (bool, error) {
	s, err := tx.stmt(`SELECT EXISTS (SELECT 1 FROM tm_journal WHERE layer = ? AND uuid = ?)`)
	if err != nil {
		return false, fmt.Errorf("store: journal lookup: %w", err)
	}
	var n int
	if err := s.QueryRowContext(tx.ctx, layer, id).Scan(&n); err != nil {
		return false, fmt.Errorf("store: journal lookup: %w", err)
	}
	return n == 1, nil
}

// journaledIDs returns the ids of a layer's features that have journal
// entries (one query for a whole batch rather than one per feature).
func (tx *Tx) journaledIDs(layer string) (map[string]bool, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT DISTINCT uuid FROM tm_journal WHERE layer = ?`, layer)
	if err != nil {
		return nil, fmt.Errorf("store: journal lookup: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: journal lookup: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

const journalColumns = `seq, change_id, layer, uuid, op, base_version, properties, geometry, geometry_changed, created_at, state, coalesce(reason, '')`

// Journal returns the journal entries in the given states (all when none is
// given), oldest first; limit 0 means all.
func (ws *Workspace) Journal(ctx context.Context, limit int, states ...JournalState) ([]JournalEntry, error) {
	q := `SELECT ` + journalColumns + ` FROM tm_journal`
	var args []any
	if len(states) > 0 {
		q += ` WHERE state IN (` + strings.TrimSuffix(strings.Repeat("?,", len(states)), ",") + `)`
		for _, s := range states {
			args = append(args, string(s))
		}
	}
	q += ` ORDER BY seq`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := ws.db.QueryContext(ctx, q, args...)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read journal: %w", err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		e, err := ws.scanJournal(rows)
		if err != nil {
			return nil, fmt.Errorf("store: read journal: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Pending returns the entries waiting to be sent, oldest first.
func (ws *Workspace) Pending(ctx context.Context, limit int) ([]JournalEntry, error) {
	return ws.Journal(ctx, limit, StatePending)
}

// JournalCount returns how many entries are in each state.
func (ws *Workspace) JournalCount(ctx context.Context) (map[JournalState]int, error) {
	out := map[JournalState]int{}
	rows, err := ws.db.QueryContext(ctx, `SELECT state, count(*) FROM tm_journal GROUP BY state`)
	if isNoSuchTable(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: count journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: count journal: %w", err)
		}
		out[JournalState(s)] = n
	}
	return out, rows.Err()
}

func (ws *Workspace) scanJournal(row scanner) (JournalEntry, error) {
	var e JournalEntry
	var op, created, state string
	var props sql.NullString
	var geom []byte
	if err := row.Scan(&e.Seq, &e.ChangeID, &e.Layer, &e.UUID, &op, &e.BaseVersion, &props, &geom, &e.GeometryChanged, &created, &state, &e.Reason); err != nil {
		return e, err
	}
	e.Op, e.State = Op(op), JournalState(state)
	e.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if props.Valid {
		dec := json.NewDecoder(bytes.NewReader([]byte(props.String)))
		dec.UseNumber()
		if err := dec.Decode(&e.Properties); err != nil {
			return e, fmt.Errorf("entry %d properties: %w", e.Seq, err)
		}
		if l, err := ws.Layer(e.Layer); err == nil {
			for k, v := range e.Properties {
				if f, ok := l.Schema.Field(k); ok {
					if cv, err := f.Coerce(v); err == nil {
						e.Properties[k] = cv
					}
				}
			}
		}
	}
	if len(geom) > 0 {
		g, _, err := gpkgbin.Decode(geom)
		if err != nil {
			return e, fmt.Errorf("entry %d geometry: %w", e.Seq, err)
		}
		e.Geometry = g
	}
	return e, nil
}

// Acknowledge removes the entries the platform has acknowledged. It is the
// only way an entry leaves the journal besides Drop.
func (tx *Tx) Acknowledge(changeIDs ...string) error {
	for _, id := range changeIDs {
		if _, err := tx.exec(`DELETE FROM tm_journal WHERE change_id = ?`, id); err != nil {
			return fmt.Errorf("store: acknowledge %s: %w", id, err)
		}
	}
	return nil
}

// SetJournalState marks an entry as in conflict or rejected (with the
// platform's reason), or pending again.
func (tx *Tx) SetJournalState(changeID string, state JournalState, reason string) error {
	if _, err := tx.exec(`UPDATE tm_journal SET state = ?, reason = ? WHERE change_id = ?`, string(state), nullIfEmpty(reason), changeID); err != nil {
		return fmt.Errorf("store: set journal state %s: %w", changeID, err)
	}
	return nil
}
