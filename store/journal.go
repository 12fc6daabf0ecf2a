package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
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

// journalTime is the created_at of the entries journaled now.
func journalTime() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// journal records local edits in the transaction that makes them.
func (tx *Tx) journal(entries ...JournalEntry) error {
	now := journalTime()
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

// journalFromRowsAt is how many creations written together are journaled
// by SQLite from their rows (journalRows); fewer — a Create, a small
// import — are encoded in Go one by one as any other edit: the statement,
// prepared once a transaction (0.1 ms), would be paid for a few entries.
const journalFromRowsAt = 32

// journalableRows reports whether the creation of fs, just written, can be
// journaled from their rows (journalRows) with the entries journal would
// write: many features whose rows are those from the first to the last
// and no other (rowsOfFeatures).
func journalableRows(l *Layer, fs []Feature) bool {
	return len(fs) >= journalFromRowsAt && rowsOfFeatures(l, fs)
}

// rowsOfFeatures reports whether the rows of the features fs, just
// written, are those from the first's fid to the last's and no other
// (consecutive fids), each with every field of the layer (as
// prepareCreate leaves them).
func rowsOfFeatures(l *Layer, fs []Feature) bool {
	for i, f := range fs {
		if f.FID != fs[0].FID+int64(i) || len(f.Properties) != len(l.Schema.Fields) {
			return false
		}
	}
	return true
}

// journalRows journals the creation of fs, just written (journalableRows),
// in one statement where SQLite reads each row and writes its entry:
// nothing crosses into Go per row but its change id. The entries are those
// journal writes from the features: the row's geometry blob is
// gpkgbin.Encode's, NULL for no geometry (a geometry present but empty,
// whose row holds the same blob, is set again after); its properties are
// json_object's, with every field (null when unset), booleans true/false,
// integers exact, reals written so that they read back the same
// (json_object writes 3.0 and 1.0e+300 where Go writes 3 and 1e+300;
// every reader coerces them by the field's type).
func (tx *Tx) journalRows(l *Layer, fs []Feature) error {
	first, last := fs[0].FID, fs[len(fs)-1].FID
	ids, n, err := tx.journalFIDs(l, first, last, journalTime())
	if err != nil {
		return err
	}
	// The fids of the rows just written are consecutive because SQLite
	// gives a new row the largest rowid plus one; should it ever not (a
	// table whose largest rowid is the largest integer gets random ones),
	// the range would hold other rows: refuse rather than journal them.
	if n != int64(len(fs)) {
		return fmt.Errorf("store: journal %s: %d entries written from fids %d to %d for %d features", l.Schema.Name, n, first, last, len(fs))
	}
	for _, f := range fs {
		if f.Geometry != nil && gpkgbin.IsEmpty(f.Geometry) {
			at := (f.FID - first) * changeIDLen
			id := string(ids[at : at+changeIDLen])
			if _, err := tx.exec(`UPDATE tm_journal SET geometry = ? WHERE change_id = ?`, emptyGeometryBlob(), id); err != nil {
				return fmt.Errorf("store: journal %s: %w", l.Schema.Name, err)
			}
		}
	}
	return nil
}

// journalFIDs journals the creation of the rows first to last of l, with
// the time created, in one statement (journalRowsSQL), a new change id
// each: ids holds them end to end, that of fid f at (f-first)·36; n is how
// many entries were written (the rows of the range that exist).
func (tx *Tx) journalFIDs(l *Layer, first, last int64, created string) (ids []byte, n int64, err error) {
	ids = make([]byte, 0, (last-first+1)*changeIDLen)
	for range last - first + 1 {
		id := NewID()
		if len(id) != changeIDLen {
			return nil, 0, fmt.Errorf("store: journal %s: change id %q is not %d characters long", l.Schema.Name, id, changeIDLen)
		}
		ids = append(ids, id...)
	}
	res, err := tx.exec(journalRowsSQL(l), ids, first, last, l.Schema.Name, created)
	if err != nil {
		return nil, 0, fmt.Errorf("store: journal %s: %w", l.Schema.Name, err)
	}
	if n, err = res.RowsAffected(); err != nil {
		return nil, 0, fmt.Errorf("store: journal %s: %w", l.Schema.Name, err)
	}
	return ids, n, nil
}

// changeIDLen is the length of a change id (a UUID's text).
const changeIDLen = 36

// journalRowsSQL is journalRows' statement for l: ?1 holds the change ids
// end to end, the row at fid ?2 taking the first (a blob: substr counts a
// text's characters from its start, a blob's bytes go straight to the
// offset); ?3 is the last fid, ?4 the layer's name, ?5 the time.
func journalRowsSQL(l *Layer) string {
	fields := slices.SortedFunc(slices.Values(l.Schema.Fields), func(a, b schema.Field) int {
		return strings.Compare(a.Name, b.Name) // the order of appendProperties' keys
	})
	var obj strings.Builder
	for i, f := range fields {
		if i > 0 {
			obj.WriteString(", ")
		}
		col := quoteIdent(f.Name)
		obj.WriteString(sqlLiteral(f.Name) + ", ")
		if f.Type == schema.Boolean {
			fmt.Fprintf(&obj, `CASE WHEN %[1]s IS NULL THEN NULL WHEN %[1]s THEN json('true') ELSE json('false') END`, col)
		} else {
			obj.WriteString(col)
		}
	}
	fid := quoteIdent(l.fidColumn)
	return fmt.Sprintf(`INSERT INTO tm_journal (change_id, layer, uuid, op, base_version, properties, geometry, geometry_changed, created_at)
SELECT CAST(substr(?1, (%[1]s - ?2) * %[2]d + 1, %[2]d) AS TEXT), ?4, uuid, '%[3]s', 0, json_object(%[4]s), nullif(geom, X'%[5]X'), 1, ?5
FROM %[6]s WHERE %[1]s BETWEEN ?2 AND ?3 ORDER BY %[1]s`,
		fid, changeIDLen, OpCreate, obj.String(), emptyGeometryBlob(), quoteIdent(l.Schema.Name))
}

// emptyGeometryBlob is the blob of a row without geometry.
func emptyGeometryBlob() []byte {
	b, _ := gpkgbin.Encode(nil, SRSWGS84)
	return b
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
	if n == 1 {
		return true, nil
	}
	return tx.inRanges(layer, id)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: journal lookup: %w", err)
	}
	if err := tx.rangedIDs(layer, out); err != nil {
		return nil, err
	}
	return out, nil
}

const journalColumns = `seq, change_id, layer, uuid, op, base_version, properties, geometry, geometry_changed, created_at, state, coalesce(reason, '')`

// Journal returns the journal entries in the given states (all when none is
// given), oldest first; limit 0 means all. Pending entries are asked for:
// the creations of imports are unfolded into entries first
// (journal_ranges.go).
func (ws *Workspace) Journal(ctx context.Context, limit int, states ...JournalState) ([]JournalEntry, error) {
	var args []any
	for _, s := range states {
		args = append(args, string(s))
	}
	if len(states) == 0 || slices.Contains(states, StatePending) {
		if err := ws.unfoldJournal(ctx, nil); err != nil {
			return nil, err
		}
	}
	return ws.readJournal(ctx, "state", true, args, limit)
}

// JournalExcept returns the journal entries, in every state, of the layers
// other than those named, oldest first; limit 0 means all. The push reads
// it so as not to pass, at each of its rounds, over the changes it holds
// back (those of a layer the platform does not have: an import of 100,000
// features into a layer of this desk only). The creations of imports into
// the other layers are unfolded into entries first; those of the layers
// named stay a range each (journal_ranges.go).
func (ws *Workspace) JournalExcept(ctx context.Context, limit int, layers []string) ([]JournalEntry, error) {
	if err := ws.unfoldJournal(ctx, layers); err != nil {
		return nil, err
	}
	args := make([]any, len(layers))
	for i, l := range layers {
		args[i] = l
	}
	return ws.readJournal(ctx, "layer", false, args, limit)
}

// readJournal reads the entries whose column is (in, true) or is not (in,
// false) one of values — no condition when values is empty — oldest first.
func (ws *Workspace) readJournal(ctx context.Context, column string, in bool, values []any, limit int) ([]JournalEntry, error) {
	q := `SELECT ` + journalColumns + ` FROM tm_journal`
	if len(values) > 0 {
		not := " NOT"
		if in {
			not = ""
		}
		q += ` WHERE ` + column + not + ` IN (` + strings.TrimSuffix(strings.Repeat("?,", len(values)), ",") + `)`
	}
	q += ` ORDER BY seq`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := ws.db.QueryContext(ctx, q, values...)
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

// PendingByLayer counts the entries waiting to be sent, by layer, the
// creations of imports still in ranges included (PendingByLayerAndOp,
// summed over the kinds).
func (ws *Workspace) PendingByLayer(ctx context.Context) (map[string]int, error) {
	byOp, err := ws.PendingByLayerAndOp(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(byOp))
	for layer, ops := range byOp {
		for _, n := range ops {
			out[layer] += n
		}
	}
	return out, nil
}

// PendingByLayerAndOp counts the entries waiting to be sent by layer and
// kind, the creations of imports still in ranges included: what a preview
// of the sync tells, without reading (or unfolding) a single entry.
func (ws *Workspace) PendingByLayerAndOp(ctx context.Context) (map[string]map[Op]int, error) {
	// One key per group: the layer and the kind joined by a unit
	// separator, which no layer name holds.
	counts, err := ws.countJournal(ctx, `SELECT layer || char(31) || op, count(*) FROM tm_journal WHERE state = ? GROUP BY layer, op`, string(StatePending))
	if err != nil {
		return nil, err
	}
	ranged, err := ws.rangeCounts(ctx)
	if err != nil {
		return nil, err
	}
	for layer, n := range ranged {
		counts[layer+"\x1f"+string(OpCreate)] += n
	}
	out := map[string]map[Op]int{}
	for key, n := range counts {
		layer, op, _ := strings.Cut(key, "\x1f")
		if out[layer] == nil {
			out[layer] = map[Op]int{}
		}
		out[layer][Op(op)] += n
	}
	return out, nil
}

// Pending returns the entries waiting to be sent, oldest first.
func (ws *Workspace) Pending(ctx context.Context, limit int) ([]JournalEntry, error) {
	return ws.Journal(ctx, limit, StatePending)
}

// JournalCount returns how many entries are in each state, the creations
// of imports still in ranges counted as pending.
func (ws *Workspace) JournalCount(ctx context.Context) (map[JournalState]int, error) {
	counts, err := ws.countJournal(ctx, `SELECT state, count(*) FROM tm_journal GROUP BY state`)
	out := make(map[JournalState]int, len(counts))
	for s, n := range counts {
		out[JournalState(s)] = n
	}
	if err != nil {
		return out, err
	}
	ranged, err := ws.rangeCounts(ctx)
	for _, n := range ranged {
		out[StatePending] += n
	}
	return out, err
}

// countJournal runs q, a count of the journal grouped by one text column,
// and returns the counts by that column's value (none when there is no
// journal yet).
func (ws *Workspace) countJournal(ctx context.Context, q string, args ...any) (map[string]int, error) {
	out := map[string]int{}
	rows, err := ws.db.QueryContext(ctx, q, args...)
	if isNoSuchTable(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: count journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("store: count journal: %w", err)
		}
		out[key] = n
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
