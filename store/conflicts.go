package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"terrimap/store/gpkgbin"
)

// Conflict is a local edit the platform could not take because the feature
// changed there too: the platform's version (theirs) is kept beside the
// local feature (mine) until the user chooses.
type Conflict struct {
	// ChangeID is the journal entry in conflict.
	ChangeID string
	Layer    string
	UUID     string
	// Theirs is the platform's current feature (Deleted when it was deleted there).
	Theirs RemoteFeature
	// Fields names the fields changed on both sides ("geom" for the geometry).
	Fields []string
	// Message is the platform's explanation, in French.
	Message   string
	CreatedAt time.Time
}

// SaveConflict marks a journal entry as in conflict and keeps the
// platform's version of the feature.
func (tx *Tx) SaveConflict(c Conflict) error {
	if err := tx.SetJournalState(c.ChangeID, StateConflict, c.Message); err != nil {
		return err
	}
	var props, geom any
	if !c.Theirs.Deleted {
		b, err := appendProperties(nil, c.Theirs.Properties)
		if err != nil {
			return fmt.Errorf("store: save conflict: %w", err)
		}
		props = string(b)
		if c.Theirs.Geometry != nil {
			if geom, err = gpkgbin.Encode(c.Theirs.Geometry, SRSWGS84); err != nil {
				return fmt.Errorf("store: save conflict: %w", err)
			}
		}
	}
	fields, _ := json.Marshal(c.Fields)
	_, err := tx.exec(`INSERT OR REPLACE INTO tm_conflicts (change_id, layer, uuid, theirs_version, theirs_deleted, theirs_properties, theirs_geometry, fields, message, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ChangeID, c.Layer, c.UUID, c.Theirs.Version, c.Theirs.Deleted, props, geom, string(fields), c.Message,
		time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("store: save conflict: %w", err)
	}
	return nil
}

// Conflicts returns the conflicts waiting for the user, oldest first.
func (ws *Workspace) Conflicts(ctx context.Context) ([]Conflict, error) {
	rows, err := ws.db.QueryContext(ctx, `SELECT change_id, layer, uuid, theirs_version, theirs_deleted, theirs_properties, theirs_geometry,
		coalesce(fields, '[]'), coalesce(message, ''), created_at FROM tm_conflicts ORDER BY created_at, change_id`)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: conflicts: %w", err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var props sql.NullString
		var geom []byte
		var fields, created string
		if err := rows.Scan(&c.ChangeID, &c.Layer, &c.UUID, &c.Theirs.Version, &c.Theirs.Deleted, &props, &geom, &fields, &c.Message, &created); err != nil {
			return nil, fmt.Errorf("store: conflicts: %w", err)
		}
		c.Theirs.UUID = c.UUID
		json.Unmarshal([]byte(fields), &c.Fields)
		c.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		if props.Valid {
			dec := json.NewDecoder(bytes.NewReader([]byte(props.String)))
			dec.UseNumber()
			if err := dec.Decode(&c.Theirs.Properties); err != nil {
				return nil, fmt.Errorf("store: conflict %s: %w", c.ChangeID, err)
			}
			if l, err := ws.Layer(c.Layer); err == nil {
				for k, v := range c.Theirs.Properties {
					if f, ok := l.Schema.Field(k); ok {
						if cv, err := f.Coerce(v); err == nil {
							c.Theirs.Properties[k] = cv
						}
					}
				}
			}
		}
		if len(geom) > 0 {
			if c.Theirs.Geometry, _, err = gpkgbin.Decode(geom); err != nil {
				return nil, fmt.Errorf("store: conflict %s: %w", c.ChangeID, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DropFeatureJournal removes every journal entry and conflict of a feature:
// the user chose to give up its local edits (a conflict resolved with the
// platform's version, a rejected change dropped). Nothing else ever removes
// an entry the platform has not acknowledged.
func (tx *Tx) DropFeatureJournal(layer, id string) error {
	if err := tx.unfoldFeature(layer, id); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM tm_journal WHERE layer = ? AND uuid = ?`, `DELETE FROM tm_conflicts WHERE layer = ? AND uuid = ?`} {
		if _, err := tx.exec(q, layer, id); err != nil {
			return fmt.Errorf("store: drop journal of %s: %w", id, err)
		}
	}
	return nil
}

// RebaseJournal records that the pending edits of a feature now stand on
// the given platform version (the version an earlier edit of theirs became).
func (tx *Tx) RebaseJournal(layer, id string, version int64) error {
	if err := tx.unfoldFeature(layer, id); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE tm_journal SET base_version = ? WHERE layer = ? AND uuid = ? AND state = 'pending'`, version, layer, id); err != nil {
		return fmt.Errorf("store: rebase journal of %s: %w", id, err)
	}
	return nil
}

// RenewChange makes a rejected or conflicting entry pending again, for the
// next sync to send once the user has fixed the feature. The platform
// answers a change id once, so the entry gets a new one; and the fix is
// usually a later edit of the same feature, so the later entries are folded
// into it: it carries the feature's current values of every field any of
// them changed (all fields for a creation).
func (tx *Tx) RenewChange(changeID string) (string, error) {
	var e JournalEntry
	var seq int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT seq, layer, uuid, op FROM tm_journal WHERE change_id = ?`, changeID).Scan(&seq, &e.Layer, &e.UUID, &e.Op)
	if err != nil {
		return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
	}
	id := NewID()
	if e.Op != OpDelete {
		entries, err := tx.ws.featureJournalTx(tx, e.Layer, e.UUID)
		if err != nil {
			return "", err
		}
		cur, err := tx.Get(e.Layer, e.UUID)
		if err != nil {
			return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
		}
		props := map[string]any{}
		geomChanged := false
		for _, later := range entries {
			if later.Seq < seq {
				continue
			}
			for k := range later.Properties {
				props[k] = cur.Properties[k]
			}
			geomChanged = geomChanged || later.GeometryChanged
			if later.Seq > seq {
				if later.Op == OpDelete {
					return "", fmt.Errorf("store: renew change %s: the feature was deleted since", changeID)
				}
				if _, err := tx.exec(`DELETE FROM tm_journal WHERE seq = ?`, later.Seq); err != nil {
					return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
				}
			}
		}
		if e.Op == OpCreate {
			props = cur.Properties
		}
		b, err := appendProperties(nil, props)
		if err != nil {
			return "", err
		}
		var geom any
		if geomChanged && cur.Geometry != nil {
			if geom, err = gpkgbin.Encode(cur.Geometry, SRSWGS84); err != nil {
				return "", err
			}
		}
		if _, err := tx.exec(`UPDATE tm_journal SET properties = ?, geometry = ?, geometry_changed = ? WHERE seq = ?`, string(b), geom, geomChanged, seq); err != nil {
			return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
		}
	}
	if _, err := tx.exec(`UPDATE tm_journal SET change_id = ?, state = 'pending', reason = NULL WHERE seq = ?`, id, seq); err != nil {
		return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
	}
	if _, err := tx.exec(`DELETE FROM tm_conflicts WHERE change_id = ?`, changeID); err != nil {
		return "", fmt.Errorf("store: renew change %s: %w", changeID, err)
	}
	return id, nil
}

// featureJournalTx reads a feature's journal within a transaction.
func (ws *Workspace) featureJournalTx(tx *Tx, layer, id string) ([]JournalEntry, error) {
	if err := tx.unfoldFeature(layer, id); err != nil {
		return nil, err
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+journalColumns+` FROM tm_journal WHERE layer = ? AND uuid = ? ORDER BY seq`, layer, id)
	if err != nil {
		return nil, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		e, err := ws.scanJournal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkForRefresh asks the next sync to fetch a feature again from the platform.
func (tx *Tx) MarkForRefresh(layer, id string) error {
	if _, err := tx.exec(`INSERT OR IGNORE INTO tm_refresh (layer, uuid) VALUES (?, ?)`, layer, id); err != nil {
		return fmt.Errorf("store: mark %s for refresh: %w", id, err)
	}
	return nil
}

// Refreshed removes a feature from the refresh list.
func (tx *Tx) Refreshed(layer, id string) error {
	if _, err := tx.exec(`DELETE FROM tm_refresh WHERE layer = ? AND uuid = ?`, layer, id); err != nil {
		return fmt.Errorf("store: refreshed %s: %w", id, err)
	}
	return nil
}

// ToRefresh lists the features to fetch again, as layer and uuid pairs.
func (ws *Workspace) ToRefresh(ctx context.Context) ([][2]string, error) {
	rows, err := ws.db.QueryContext(ctx, `SELECT layer, uuid FROM tm_refresh ORDER BY layer, uuid`)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: refresh list: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FeatureJournal returns every journal entry of one feature, oldest first.
func (ws *Workspace) FeatureJournal(ctx context.Context, layer, id string) ([]JournalEntry, error) {
	if err := ws.unfoldFeature(ctx, layer, id); err != nil {
		return nil, err
	}
	rows, err := ws.db.QueryContext(ctx, `SELECT `+journalColumns+` FROM tm_journal WHERE layer = ? AND uuid = ? ORDER BY seq`, layer, id)
	if isNoSuchTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: journal of %s: %w", id, err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		e, err := ws.scanJournal(rows)
		if err != nil {
			return nil, fmt.Errorf("store: journal of %s: %w", id, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// isHex64 reports whether s is a sha256 in lowercase hexadecimal.
func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}
