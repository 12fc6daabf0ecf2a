package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Direct edits (see /work/notes/pg-design.md, "Direct edits").
//
// Whoever writes a layer table outside the platform — the GIS technician
// in QGIS, psql, ogr2ogr — goes through three row triggers and a statement
// trigger that only append to terrimap.captured (layer, uuid, op, the
// database role) and notify channel terrimap_captured. They never touch
// the feed: a QGIS transaction held open for minutes holds no lock of the
// platform's. The capture worker (capture_worker.go) turns those rows into
// versions in its own short transactions, reading the table row as it is
// committed. The platform's own writes set terrimap.writer to "platform"
// for their transaction, and the triggers ignore them.
//
// The triggers run as the editing role (not SECURITY DEFINER: only so is
// current_user the role that edited), so every role may append to
// terrimap.captured; it may set only layer, uuid and op there: db_role
// and at take their defaults (current_user, now()), which it cannot forge.

// captureChannel is the channel the triggers notify, with the layer's name.
const captureChannel = "terrimap_captured"

// Trigger names on a layer table.
const (
	uuidTrigger     = "terrimap_capture_uuid"
	rowTrigger      = "terrimap_capture_row"
	truncateTrigger = "terrimap_capture_truncate"
	guardTrigger    = "terrimap_territory_guard"
)

// captureDDL creates the capture functions; every statement is idempotent.
var captureDDL = []string{
	`ALTER TABLE terrimap.captured ALTER COLUMN db_role SET DEFAULT current_user`,
	`ALTER TABLE terrimap.captured ALTER COLUMN at SET DEFAULT now()`,
	`CREATE INDEX IF NOT EXISTS captured_feature ON terrimap.captured (layer, uuid)`,
	`GRANT USAGE ON SCHEMA terrimap TO PUBLIC`,
	`GRANT INSERT (layer, uuid, op) ON terrimap.captured TO PUBLIC`,
	`GRANT USAGE ON SEQUENCE terrimap.captured_id_seq TO PUBLIC`,
	// Issues the schema check found in captured rows: the version is
	// written as the table holds it (what QGIS and Lizmap show), and the
	// refusal kept here and logged (capture_check.go).
	`CREATE TABLE IF NOT EXISTS terrimap.capture_issues (
		id bigserial PRIMARY KEY, layer text NOT NULL, uuid uuid NOT NULL, version bigint,
		db_role text NOT NULL, message text NOT NULL, fields jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
	`CREATE OR REPLACE FUNCTION terrimap.capture_row() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF current_setting('terrimap.writer', true) = 'platform' THEN
			RETURN NULL;
		END IF;
		IF TG_OP = 'DELETE' THEN
			INSERT INTO terrimap.captured (layer, uuid, op) VALUES (TG_ARGV[0], OLD.uuid, 'delete');
		ELSIF TG_OP = 'UPDATE' AND OLD.uuid IS DISTINCT FROM NEW.uuid THEN
			INSERT INTO terrimap.captured (layer, uuid, op) VALUES (TG_ARGV[0], OLD.uuid, 'delete'), (TG_ARGV[0], NEW.uuid, 'insert');
		ELSE
			INSERT INTO terrimap.captured (layer, uuid, op) VALUES (TG_ARGV[0], NEW.uuid, lower(TG_OP));
		END IF;
		PERFORM pg_notify('` + captureChannel + `', TG_ARGV[0]);
		RETURN NULL;
	END $$`,
	// A row inserted without a uuid (an explicit NULL: ogr2ogr -append of
	// a file whose features have none) gets one, before NOT NULL is checked.
	`CREATE OR REPLACE FUNCTION terrimap.capture_uuid() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.uuid IS NULL THEN
			NEW.uuid := gen_random_uuid();
		END IF;
		RETURN NEW;
	END $$`,
	`CREATE OR REPLACE FUNCTION terrimap.capture_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF current_setting('terrimap.writer', true) = 'platform' THEN
			RETURN NULL;
		END IF;
		INSERT INTO terrimap.captured (layer, uuid, op) VALUES (TG_ARGV[0], NULL, 'truncate');
		PERFORM pg_notify('` + captureChannel + `', TG_ARGV[0]);
		RETURN NULL;
	END $$`,
}

// installCapture creates the capture functions and the row-level
// security's (rls.go), in tx.
func installCapture(ctx context.Context, tx pgx.Tx) error {
	for _, q := range captureDDL {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgstore: install capture: %w", err)
		}
	}
	return installRLS(ctx, tx)
}

// installLayerTriggers puts the capture triggers, the territory guard and
// the row-level security policies on a layer's table, and grants the
// database roles tied to users what their users may do there. It is
// idempotent: triggers and policies are dropped and created again.
func installLayerTriggers(ctx context.Context, tx pgx.Tx, layer, pgSchema, pgTable string) error {
	table := pgx.Identifier{pgSchema, pgTable}.Sanitize()
	arg := quoteLiteral(layer)
	stmts := []string{
		`DROP TRIGGER IF EXISTS ` + uuidTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + uuidTrigger + ` BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION terrimap.capture_uuid()`,
		`DROP TRIGGER IF EXISTS ` + rowTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + rowTrigger + ` AFTER INSERT OR UPDATE OR DELETE ON ` + table +
			` FOR EACH ROW EXECUTE FUNCTION terrimap.capture_row(` + arg + `)`,
		`DROP TRIGGER IF EXISTS ` + truncateTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + truncateTrigger + ` AFTER TRUNCATE ON ` + table +
			` FOR EACH STATEMENT EXECUTE FUNCTION terrimap.capture_truncate(` + arg + `)`,
	}
	stmts = append(stmts, rlsStatements(layer, table)...)
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgstore: install triggers on %s: %w", table, err)
		}
	}
	return grantTiedRoles(ctx, tx, table)
}

// layerTriggers are the triggers a layer table must have, enabled.
var layerTriggers = []string{uuidTrigger, rowTrigger, truncateTrigger, guardTrigger}

// triggersInPlace reports whether a layer's table has its triggers, all
// enabled, and row-level security on.
func triggersInPlace(ctx context.Context, tx pgx.Tx, l *layerDef) (bool, error) {
	var n int
	var rls bool
	err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = c.oid AND tgname = ANY($2) AND tgenabled <> 'D'), c.relrowsecurity
		FROM pg_class c WHERE c.oid = to_regclass($1)`, l.ident(), layerTriggers).Scan(&n, &rls)
	if err != nil {
		return false, fmt.Errorf("pgstore: triggers of %s: %w", l.ident(), err)
	}
	return n == len(layerTriggers) && rls, nil
}

// quoteLiteral quotes s as an SQL string literal, for the few places
// (trigger arguments, policy expressions) where a parameter cannot go.
func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		if s[i] == 0 {
			continue
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
