package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// Restore brings back a feature the user deleted, as it was before (f, as
// Get returned it then): the undo of a deletion. While the deletion waits
// to be sent, it is taken back — its journal entry goes and the feature
// returns with its id, version and any edits still waiting — so the
// platform never hears of it. Once the platform has applied it, the
// feature is gone there too, and Restore creates it again as a new feature
// (a new id, journaled as a creation). It returns the feature as restored.
func (tx *Tx) Restore(f Feature) (Feature, error) {
	l, err := tx.writableLayer(f.Layer)
	if err != nil {
		return Feature{}, err
	}
	if _, err := tx.getForUpdate(l, f.UUID); err == nil {
		return Feature{}, fmt.Errorf("store: restore %s/%s: %w", f.Layer, f.UUID, ErrFeatureExists)
	} else if !errors.Is(err, ErrFeatureNotFound) {
		return Feature{}, err
	}
	var seq int64
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT seq FROM tm_journal WHERE layer = ? AND uuid = ? AND op = 'delete' AND state = 'pending'
		ORDER BY seq DESC LIMIT 1`, l.Schema.Name, f.UUID).Scan(&seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		f.UUID, f.FID = "", 0
		return tx.Create(l.Schema.Name, f)
	case err != nil:
		return Feature{}, fmt.Errorf("store: restore %s/%s: %w", f.Layer, f.UUID, err)
	}
	if _, err := tx.exec(`DELETE FROM tm_journal WHERE seq = ?`, seq); err != nil {
		return Feature{}, fmt.Errorf("store: restore %s/%s: %w", f.Layer, f.UUID, err)
	}
	f.Layer = l.Schema.Name
	fs := []Feature{f}
	if err := tx.insertRows(l, fs); err != nil {
		return Feature{}, err
	}
	tx.touched[l.Schema.Name] = true
	tx.indexInsert(l, fs[0].FID, fs[0].Geometry)
	return fs[0], nil
}
