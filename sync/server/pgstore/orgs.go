package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"terrimap/sync/server"
)

// Organisations live in terrimap.orgs; a commune's territory is a PostGIS
// geometry in SRID 4326, sent and read as EWKB (encodeGeom, decodeGeom);
// the column is 2-D (geometry(Geometry, 4326)): PostgreSQL itself refuses
// a territory with heights or measures, whoever writes it.

// Organisation returns an organisation by id.
func (s *Storage) Organisation(ctx context.Context, id string) (server.Organisation, error) {
	o := server.Organisation{ID: id}
	var territory []byte
	err := s.pool.QueryRow(ctx, `SELECT name, ST_AsEWKB(territory) FROM terrimap.orgs WHERE id = $1`, id).Scan(&o.Name, &territory)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, fmt.Errorf("%w: organisation %s", server.ErrNotFound, id)
	}
	if err != nil {
		return o, fmt.Errorf("pgstore: organisation %s: %w", id, err)
	}
	if o.Territory, err = decodeGeom(territory); err != nil {
		return o, fmt.Errorf("pgstore: organisation %s territory: %w", id, err)
	}
	return o, nil
}

// PutOrganisation creates or replaces an organisation.
func (s *Storage) PutOrganisation(ctx context.Context, o server.Organisation) error {
	territory, err := encodeGeom(o.Territory)
	if err != nil {
		return fmt.Errorf("pgstore: organisation %s: %w", o.ID, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO terrimap.orgs (id, name, territory) VALUES ($1, $2, ST_GeomFromEWKB($3))
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, territory = excluded.territory`, o.ID, o.Name, territory)
	if err != nil {
		return fmt.Errorf("pgstore: organisation %s: %w", o.ID, err)
	}
	return nil
}
