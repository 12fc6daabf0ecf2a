package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// layoutVersion is the version of the storage layout below, kept in
// terrimap.meta as "layout_version" so that a later layout can upgrade an
// older database. ("schema_version" in terrimap.meta is something else:
// the count of layer-schema changes, as in the SQLite platform.)
const layoutVersion = "1"

// installLock is the advisory lock key under which the layout is installed,
// so that servers opening one database at once do not race on CREATE.
const installLock = 0x7465727269 // "terri"

// platformDDL is the platform's own tables, in schema terrimap. Every
// statement is idempotent.
var platformDDL = []string{
	`CREATE SCHEMA IF NOT EXISTS terrimap`,
	`CREATE TABLE IF NOT EXISTS terrimap.meta (key text PRIMARY KEY, value text NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS terrimap.layers (
		name text PRIMARY KEY, pg_schema text NOT NULL, pg_table text NOT NULL,
		definition jsonb NOT NULL, style jsonb, edit_by text NOT NULL DEFAULT 'editor',
		position int NOT NULL DEFAULT 0)`,
	`CREATE TABLE IF NOT EXISTS terrimap.versions (
		seq bigint PRIMARY KEY,
		layer text NOT NULL, uuid uuid NOT NULL, version bigint NOT NULL,
		op text NOT NULL, author text NOT NULL, db_role text,
		at timestamptz NOT NULL, properties jsonb,
		geom geometry(Geometry, 4326), changed text[],
		UNIQUE (layer, uuid, version))`,
	`CREATE INDEX IF NOT EXISTS versions_feature ON terrimap.versions (layer, uuid, seq)`,
	`CREATE INDEX IF NOT EXISTS versions_uuid ON terrimap.versions (uuid)`,
	`CREATE TABLE IF NOT EXISTS terrimap.heads (
		layer text, uuid uuid, version bigint NOT NULL, seq bigint NOT NULL,
		deleted boolean NOT NULL, row_hash text,
		PRIMARY KEY (layer, uuid))`,
	`CREATE INDEX IF NOT EXISTS heads_seq ON terrimap.heads (seq)`,
	`CREATE TABLE IF NOT EXISTS terrimap.feed_clock (id int PRIMARY KEY CHECK (id = 1), last_seq bigint NOT NULL)`,
	`INSERT INTO terrimap.feed_clock (id, last_seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`,
	`CREATE TABLE IF NOT EXISTS terrimap.orgs (id text PRIMARY KEY, name text NOT NULL, territory geometry(Geometry, 4326))`,
	`CREATE TABLE IF NOT EXISTS terrimap.users (
		name text PRIMARY KEY, password_hash text NOT NULL,
		db_role text UNIQUE, last_push_seq bigint NOT NULL DEFAULT 0)`,
	`CREATE TABLE IF NOT EXISTS terrimap.memberships (user_name text, org text, role text, PRIMARY KEY (user_name, org))`,
	`CREATE TABLE IF NOT EXISTS terrimap.tokens (hash text PRIMARY KEY, user_name text NOT NULL, expires_at timestamptz NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS tokens_user ON terrimap.tokens (user_name)`,
	`CREATE INDEX IF NOT EXISTS tokens_expiry ON terrimap.tokens (expires_at)`,
	`CREATE TABLE IF NOT EXISTS terrimap.logins (user_name text PRIMARY KEY, at timestamptz NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS terrimap.pushes (
		user_name text, change_id text, result jsonb NOT NULL, at timestamptz NOT NULL,
		PRIMARY KEY (user_name, change_id))`,
	`CREATE TABLE IF NOT EXISTS terrimap.blobs (hash text PRIMARY KEY, size bigint NOT NULL, data bytea NOT NULL, created_at timestamptz NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS terrimap.blob_parts (
		hash text, "offset" bigint, data bytea NOT NULL, owner text,
		updated_at timestamptz NOT NULL, PRIMARY KEY (hash, "offset"))`,
	`ALTER TABLE terrimap.blobs ALTER COLUMN data SET STORAGE EXTERNAL`,
	`ALTER TABLE terrimap.blob_parts ALTER COLUMN data SET STORAGE EXTERNAL`,
	`CREATE INDEX IF NOT EXISTS blob_parts_owner ON terrimap.blob_parts (owner)`,
	`CREATE TABLE IF NOT EXISTS terrimap.captured (
		id bigserial PRIMARY KEY, layer text NOT NULL, uuid uuid, op text NOT NULL,
		db_role text NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
	`INSERT INTO terrimap.meta (key, value) VALUES ('layout_version', '` + layoutVersion + `') ON CONFLICT (key) DO NOTHING`,
}

// install makes sure PostGIS is there and creates the platform's tables
// and the data schema.
func (s *Storage) install(ctx context.Context) error {
	if err := ensurePostGIS(ctx, s.pool); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(installLock)); err != nil {
			return fmt.Errorf("pgstore: install: %w", err)
		}
		stmts := append(platformDDL, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{s.opts.DataSchema}.Sanitize())
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("pgstore: install: %w", err)
			}
		}
		if err := s.afterInstall(ctx, tx); err != nil {
			return fmt.Errorf("pgstore: install: %w", err)
		}
		return nil
	})
}

// ensurePostGIS creates the postgis extension when it is missing, or says
// clearly that an administrator must.
func ensurePostGIS(ctx context.Context, pool interface {
	QueryRow(context.Context, string, ...any) pgx.Row
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}) error {
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_extension WHERE extname = 'postgis'`).Scan(&n); err != nil {
		return fmt.Errorf("pgstore: check PostGIS: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return fmt.Errorf("%w, and this role may not install it (%s): ask an administrator to run «CREATE EXTENSION postgis;» in this database", ErrNoPostGIS, pe.Message)
		}
		return fmt.Errorf("%w: %v", ErrNoPostGIS, err)
	}
	return nil
}
