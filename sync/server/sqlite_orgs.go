package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"terrimap/store"
	"terrimap/store/gpkgbin"
)

// Organisation returns an organisation by id.
func (s *SQLiteStorage) Organisation(ctx context.Context, id string) (Organisation, error) {
	o := Organisation{ID: id}
	var territory []byte
	err := s.ws.DB().QueryRowContext(ctx, `SELECT name, territory FROM srv_orgs WHERE id = ?`, id).Scan(&o.Name, &territory)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("%w: organisation %s", ErrNotFound, id)
	}
	if err != nil {
		return o, fmt.Errorf("server: organisation %s: %w", id, err)
	}
	if len(territory) > 0 {
		if o.Territory, _, err = gpkgbin.Decode(territory); err != nil {
			return o, fmt.Errorf("server: organisation %s territory: %w", id, err)
		}
	}
	return o, nil
}

// PutOrganisation creates or replaces an organisation.
func (s *SQLiteStorage) PutOrganisation(ctx context.Context, o Organisation) error {
	var territory any
	if o.Territory != nil {
		b, err := gpkgbin.Encode(o.Territory, store.SRSWGS84)
		if err != nil {
			return fmt.Errorf("server: organisation %s: %w", o.ID, err)
		}
		territory = b
	}
	return s.exec(ctx, `INSERT INTO srv_orgs (id, name, territory) VALUES (?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, territory = excluded.territory`, o.ID, o.Name, territory)
}

func (s *SQLiteStorage) exec(ctx context.Context, q string, args ...any) error {
	return s.ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, q, args...)
		return err
	})
}
