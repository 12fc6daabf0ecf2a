package pgstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// The steps of a migration. Each reads a part of the snapshot, copies it
// into w (nil when only verifying) and compares it with what tx holds.

// layers creates the layers' tables and records, and returns their
// tables by layer name.
func (m *migration) layers(tx, w pgx.Tx) (map[string]*layerDef, error) {
	s := m.newSink(nil, tLayers)
	for _, l := range m.snap.Layers() {
		def, err := json.Marshal(l.Schema)
		if err != nil {
			return nil, err
		}
		var style any
		if len(l.Style) > 0 {
			style = string(l.Style)
		}
		if err := s.put([]any{l.Schema.Name, string(def), style, string(l.EditBy)}, nil); err != nil {
			return nil, err
		}
		if w != nil {
			if err := m.st.migrateLayer(m.ctx, w, l); err != nil {
				return nil, fmt.Errorf("pgstore: migrate layer %s: %w", l.Schema.Name, err)
			}
		}
	}
	got, err := readBack(m.ctx, tx, tLayers)
	if err != nil {
		return nil, err
	}
	m.compare("layers", s.d, got)
	defs := map[string]*layerDef{}
	rows, err := tx.Query(m.ctx, `SELECT name, pg_schema, pg_table FROM terrimap.layers`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d := &layerDef{}
		if err := rows.Scan(&d.rec.Schema.Name, &d.schema, &d.table); err != nil {
			return nil, err
		}
		defs[d.rec.Schema.Name] = d
	}
	return defs, rows.Err()
}

// versions copies every version with its sequence number, derives the
// heads, and compares the feed, the history and the heads.
func (m *migration) versions(tx, w pgx.Tx) error {
	s := m.newSink(w, tVersions)
	var feed digest
	err := s.stream(func(put func(key, row []any) error) error {
		return m.snap.Versions(func(v server.VersionRow) error {
			row, err := versionRow(v)
			if err != nil {
				return err
			}
			// Compared as read from the source, not as converted for COPY:
			// only the properties and geometry go through their encodings.
			key := []any{v.Seq, v.Layer, strings.ToLower(v.UUID), v.Version, string(v.Op), v.Author, v.At, row[7], row[8], v.Changed}
			if err := feed.addRow(feedKinds, key[:5]); err != nil {
				return err
			}
			m.maxSeq = max(m.maxSeq, v.Seq)
			return put(key, row)
		})
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate versions: %w", err)
	}
	if w != nil {
		// The head of each feature is its version of highest seq.
		if _, err := w.Exec(m.ctx, `INSERT INTO terrimap.heads (layer, uuid, version, seq, deleted)
			SELECT DISTINCT ON (layer, uuid) layer, uuid, version, seq, op = 'delete'
			FROM terrimap.versions ORDER BY layer, uuid, seq DESC`); err != nil {
			return fmt.Errorf("pgstore: migrate heads: %w", err)
		}
	}
	var gotFeed, gotHistory digest
	rows, err := tx.Query(m.ctx, tVersions.readBack)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: read back versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return fmt.Errorf("pgstore: migrate: read back versions: %w", err)
		}
		for i, v := range vals {
			vals[i] = plainValue(v)
		}
		if err := gotFeed.addRow(feedKinds, vals[:5]); err != nil {
			return err
		}
		if err := gotHistory.addRow(tVersions.kinds, vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgstore: migrate: read back versions: %w", err)
	}
	m.compare("feed (seq, layer, uuid, version, op)", feed, gotFeed)
	m.compare("versions (history)", s.d, gotHistory)
	return m.heads(tx)
}

// tHeads compares the heads: the latest version of each feature.
var tHeads = table{name: "heads", kinds: []kind{kPlain, kPlain, kPlain, kPlain, kPlain},
	readBack: `SELECT layer, uuid::text, version, seq, deleted FROM terrimap.heads`}

func (m *migration) heads(tx pgx.Tx) error {
	var src digest
	err := m.snap.Heads(func(h server.HeadRow) error {
		return src.addRow(tHeads.kinds, []any{h.Layer, strings.ToLower(h.UUID), h.Version, h.Seq, h.Deleted})
	})
	if err != nil {
		return err
	}
	got, err := readBack(m.ctx, tx, tHeads)
	if err != nil {
		return err
	}
	m.compare("heads (latest versions, tombstones)", src, got)
	return nil
}

// features copies a layer's current features into its table.
func (m *migration) features(tx, w pgx.Tx, l server.LayerRecord, def *layerDef) error {
	if def == nil {
		return fmt.Errorf("pgstore: migrate: layer %s has no table", l.Schema.Name)
	}
	t := featureTable(&l.Schema, def)
	s := m.newSink(w, t)
	err := s.stream(func(put func(key, row []any) error) error {
		return m.snap.Current(l.Schema.Name, func(c protocol.Change) error {
			row, key, err := featureRow(&l.Schema, c)
			if err != nil {
				return err
			}
			return put(key, row)
		})
	})
	if err == nil && w != nil {
		err = m.st.migrateRowHashes(m.ctx, w, def, l)
	}
	if err != nil {
		return fmt.Errorf("pgstore: migrate layer %s: %w", l.Schema.Name, err)
	}
	got, err := readBack(m.ctx, tx, t, l.Schema.Name)
	if err != nil {
		return err
	}
	m.compare("layer "+l.Schema.Name, s.d, got)
	return nil
}

// accounts copies organisations, users, memberships, tokens, sign-ins
// and answered pushes.
func (m *migration) accounts(tx, w pgx.Tx) error {
	orgs, err := m.snap.Organisations()
	if err != nil {
		return err
	}
	users, err := m.snap.Users()
	if err != nil {
		return err
	}
	tokens, err := m.snap.Tokens()
	if err != nil {
		return err
	}
	logins, err := m.snap.Logins()
	if err != nil {
		return err
	}
	sinks := map[string]*sink{}
	for _, t := range []table{tOrgs, tUsers, tMemberships, tTokens, tLogins, tPushes} {
		sinks[t.name] = m.newSink(w, t)
	}
	put := func(t table, row ...any) error { return sinks[t.name].put(row, row) }
	for _, o := range orgs {
		g, err := encodeGeom(o.Territory)
		if err != nil {
			return fmt.Errorf("pgstore: migrate organisation %s: %w", o.ID, err)
		}
		if err := put(tOrgs, o.ID, o.Name, g); err != nil {
			return err
		}
	}
	for _, u := range users {
		if err := put(tUsers, u.Name, u.PasswordHash); err != nil {
			return err
		}
		for _, ms := range u.Memberships {
			if err := put(tMemberships, u.Name, ms.Org, string(ms.Role)); err != nil {
				return err
			}
		}
	}
	for _, t := range tokens {
		if err := put(tTokens, t.Hash, t.User, t.Expires); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(logins) {
		if err := put(tLogins, name, logins[name]); err != nil {
			return err
		}
	}
	err = m.snap.Pushes(func(p server.PushRow) error {
		return put(tPushes, p.User, p.ChangeID, string(p.Result), p.At)
	})
	if err != nil {
		return err
	}
	for _, t := range []table{tOrgs, tUsers, tMemberships, tTokens, tLogins, tPushes} {
		if err := sinks[t.name].flush(); err != nil {
			return fmt.Errorf("pgstore: migrate %s: %w", t.name, err)
		}
		got, err := readBack(m.ctx, tx, t)
		if err != nil {
			return err
		}
		m.compare(t.name, sinks[t.name].d, got)
	}
	return nil
}

// blobBatchBytes is how many bytes of attachments one COPY sends at most
// (beyond the last file): memory stays bounded whatever the photos.
const blobBatchBytes = 32 << 20

// attachments copies the complete attachments into terrimap.blobs.
func (m *migration) attachments(tx, w pgx.Tx) error {
	files, err := m.snap.Attachments()
	if err != nil {
		return err
	}
	s := m.newSink(w, tBlobs)
	var held int64
	for _, hash := range sortedKeys(files) {
		row, key, err := blobRow(hash, files[hash])
		if err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
		if err := s.put(key, row); err != nil {
			return err
		}
		// Attachments are large: a COPY takes what fits in blobBatchBytes.
		if held += row[1].(int64); held >= blobBatchBytes {
			if err := s.flush(); err != nil {
				return err
			}
			held = 0
		}
	}
	if err := s.flush(); err != nil {
		return fmt.Errorf("pgstore: migrate attachments: %w", err)
	}
	got, err := readBack(m.ctx, tx, tBlobs)
	if err != nil {
		return err
	}
	m.compare("blobs (attachments)", s.d, got)
	return nil
}
