package pgstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// ErrRowBusy is returned (wrapped) by a write that touches a feature whose
// row an open database transaction holds (a QGIS user editing it): the
// write changed nothing and may be tried again once that transaction ends.
var ErrRowBusy = errors.New("pgstore: a feature is being edited in an open database transaction (QGIS?): try again once it is committed")

// headStates returns the head version of each of ids (what the feed last
// said of it: a tombstone, or the zero state when it never was), this
// transaction's own versions first.
func (t *writeTx) headStates(l *layerDef, ids []string) (map[string]protocol.FeatureState, error) {
	out := make(map[string]protocol.FeatureState, len(ids))
	var ask []string
	for _, id := range ids {
		if p := t.pending[featureKey{l.name(), id}]; len(p) > 0 {
			out[id] = p[len(p)-1].state
			continue
		}
		ask = append(ask, id)
	}
	if len(ask) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(t.ctx, `SELECT h.uuid::text, h.version, h.deleted, v.properties::text, ST_AsEWKB(v.geom)
		FROM terrimap.heads h LEFT JOIN terrimap.versions v ON v.seq = h.seq
		WHERE h.layer = $1 AND h.uuid = ANY($2::uuid[])`, l.name(), ask)
	if err != nil {
		return nil, fmt.Errorf("pgstore: heads of %s: %w", l.name(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var st protocol.FeatureState
		var deleted bool
		var props *string
		var geom []byte
		if err := rows.Scan(&id, &st.Version, &deleted, &props, &geom); err != nil {
			return nil, fmt.Errorf("pgstore: heads of %s: %w", l.name(), err)
		}
		if st.Exists = !deleted; st.Exists {
			if props != nil {
				p, err := protocol.DecodePropertiesObject([]byte(*props))
				if err != nil {
					return nil, fmt.Errorf("pgstore: head of %s/%s: %w", l.name(), id, err)
				}
				st.Properties = typedProperties(&l.rec.Schema, p)
			}
			if st.Geometry, err = decodeGeom(geom); err != nil {
				return nil, fmt.Errorf("pgstore: head of %s/%s: %w", l.name(), id, err)
			}
		}
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: heads of %s: %w", l.name(), err)
	}
	return out, nil
}

// recordCaptured writes a version of a direct edit: the version and the
// head, the layer's row left as the editor left it.
func (t *writeTx) recordCaptured(k featureKey, f protocol.FeatureState, op protocol.Op, w editor, changed []string) error {
	_, err := t.writeVersion(k.layer, k.id, f, op, w.author, changed, versionSource{dbRole: w.dbRole, keepRow: true})
	return err
}

// rehash stores the row hash of features in their heads (after the
// versions are flushed), so that the reconciliation finds them agreeing.
func (t *writeTx) rehash(l *layerDef, ids []string) error {
	_, err := t.tx.Exec(t.ctx, `UPDATE terrimap.heads h SET row_hash = `+rowHashExpr(l.rec.Schema, "t")+
		` FROM `+l.ident()+` t WHERE h.layer = $1 AND h.uuid = t.uuid AND h.uuid = ANY($2::uuid[])`, l.name(), ids)
	if err != nil {
		return fmt.Errorf("pgstore: row hashes of %s: %w", l.name(), err)
	}
	return nil
}

// settlePending turns the captured direct edits of features into their
// versions within a push's transaction, before the push reads them: a
// desk's change is then merged with the technician's edit, and conflicts
// with it, as if the technician had pushed first. It locks the features'
// rows first: no direct edit of them can commit before this push does, so
// the push never overwrites one it has not seen. A row that an open
// transaction holds (QGIS editing it) is not waited for — this push holds
// the feed lock, and every other writer would wait too — the push fails
// at once (ErrRowBusy) and the desk tries again later, its edit kept. The
// lock and the look at terrimap.captured go in one round trip, as two
// statements.
func (t *writeTx) settlePending(l *layerDef, ids []string) error {
	b := &pgx.Batch{}
	b.Queue(`SELECT count(*) FROM (SELECT 1 FROM `+l.ident()+` WHERE uuid = ANY($1::uuid[]) ORDER BY uuid FOR UPDATE NOWAIT) r`, ids)
	b.Queue(`SELECT uuid::text, db_role FROM terrimap.captured WHERE layer = $1 AND uuid = ANY($2::uuid[]) ORDER BY id`, l.name(), ids)
	res := t.tx.SendBatch(t.ctx, b)
	var locked int
	if err := res.QueryRow().Scan(&locked); err != nil {
		res.Close()
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" {
			// server.ErrBusy too: the platform answers 503 with
			// Retry-After, and the desk tries again.
			return fmt.Errorf("%w (%w): %s %v", ErrRowBusy, server.ErrBusy, l.name(), ids)
		}
		return fmt.Errorf("pgstore: lock %s rows: %w", l.name(), err)
	}
	rows, err := res.Query()
	if err != nil {
		res.Close()
		return fmt.Errorf("pgstore: captured edits of %s: %w", l.name(), err)
	}
	roleOf := map[string]string{} // the latest role of each feature
	var pending []string
	for rows.Next() {
		var id, role string
		if err := rows.Scan(&id, &role); err != nil {
			rows.Close()
			res.Close()
			return fmt.Errorf("pgstore: captured edits of %s: %w", l.name(), err)
		}
		if _, ok := roleOf[id]; !ok {
			pending = append(pending, id)
		}
		roleOf[id] = role
	}
	rows.Close()
	if err := res.Close(); err != nil {
		return fmt.Errorf("pgstore: captured edits of %s: %w", l.name(), err)
	}
	if len(pending) == 0 {
		return nil
	}
	if _, err := t.tx.Exec(t.ctx, `DELETE FROM terrimap.captured WHERE layer = $1 AND uuid = ANY($2::uuid[])`, l.name(), pending); err != nil {
		return fmt.Errorf("pgstore: captured edits of %s: %w", l.name(), err)
	}
	roles := make([]string, 0, len(roleOf))
	for _, r := range roleOf {
		roles = append(roles, r)
	}
	editors, err := editorsOf(t, roles)
	if err != nil {
		return err
	}
	table, err := readRows(t, l, selectRows(l, ""), pending)
	if err != nil {
		return err
	}
	_, err = settleRows(t, l, pending, table, func(id string) editor { return editors[roleOf[id]] })
	return err
}

// selectRows is the query of rows by uuid (uuid, properties JSON, EWKB,
// hash), with a locking clause.
func selectRows(l *layerDef, lock string) string {
	return `SELECT t.uuid::text, ` + rowJSON(l.rec.Schema, "t") + `, ` + geomValue("t") + `, ` + rowHashExpr(l.rec.Schema, "t") +
		` FROM ` + l.ident() + ` t WHERE t.uuid = ANY($1::uuid[]) ORDER BY t.uuid` + lock
}

// editorsOf maps database roles to who they are in Terrimap: the user tied
// to the role, else "db:<role>".
func editorsOf(t *writeTx, roles []string) (map[string]editor, error) {
	out := make(map[string]editor, len(roles))
	for _, r := range roles {
		out[r] = editor{author: "db:" + r, dbRole: r}
	}
	rows, err := t.tx.Query(t.ctx, `SELECT name, db_role FROM terrimap.users WHERE db_role = ANY($1)`, roles)
	if err != nil {
		return nil, fmt.Errorf("pgstore: users of roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, role string
		if err := rows.Scan(&name, &role); err != nil {
			return nil, fmt.Errorf("pgstore: users of roles: %w", err)
		}
		out[role] = editor{author: name, dbRole: role}
	}
	return out, rows.Err()
}
