package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// Restore brings back a feature the user deleted, as it was before (f, as
// Get returned it then): the undo of a deletion. A feature the platform
// never had (version 0) returns with its id: its pending deletion is taken
// back, and so the platform hears of neither; its creation cannot have
// been acknowledged, or it would have a version. A feature the platform
// has is created again as a new feature (a new id, journaled as a
// creation), its deletion staying in the journal: that entry may be on its
// way to the platform at this very moment, and an entry is removed only
// when the platform acknowledged it. It returns the feature as restored.
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
	case f.Version > 0 || errors.Is(err, sql.ErrNoRows):
		f.UUID, f.FID = "", 0
		return tx.Create(l.Schema.Name, f)
	case err != nil:
		return Feature{}, fmt.Errorf("store: restore %s/%s: %w", f.Layer, f.UUID, err)
	}
	if _, err := tx.exec(`DELETE FROM tm_journal WHERE seq = ?`, seq); err != nil {
		return Feature{}, fmt.Errorf("store: restore %s/%s: %w", f.Layer, f.UUID, err)
	}
	f.Layer = l.Schema.Name
	if f.FID, err = tx.insertRow(l, f); err != nil {
		return Feature{}, err
	}
	tx.indexInsert(l, f.FID, f.Geometry)
	return f, nil
}
