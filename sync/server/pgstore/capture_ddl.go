package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Direct edits (see /work/notes/pg-design.md, "Direct edits").
//
// Whoever writes a layer table outside the platform — the GIS technician
// in QGIS, psql, ogr2ogr — goes through statement triggers (insert,
// update, delete with their transition tables; truncate) that only append to terrimap.captured (layer, uuid, op, the
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
	insertTrigger   = "terrimap_capture_insert"
	updateTrigger   = "terrimap_capture_update"
	deleteTrigger   = "terrimap_capture_delete"
	truncateTrigger = "terrimap_capture_truncate"
	guardTrigger    = "terrimap_territory_guard"
)

// captureDDL creates the capture functions; every statement is idempotent.
var captureDDL = []string{
	// platform_writing: the transaction is the platform's own write (its
	// versions are already in the feed) — it says so with terrimap.writer
	// AND runs as the role that owns the platform's schema. Any role may
	// set terrimap.writer; were it trusted alone, a role tied to a commune
	// could switch off the territory rule and the capture with one SET.
	`CREATE OR REPLACE FUNCTION terrimap.platform_writing() RETURNS boolean LANGUAGE sql STABLE AS $$
		SELECT current_setting('terrimap.writer', true) IS NOT DISTINCT FROM 'platform'
			AND pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'terrimap'), 'MEMBER')
	$$`,
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
	// Statement triggers with transition tables: one INSERT into
	// captured per statement, however many rows it wrote (a bulk
	// ogr2ogr -append costs the technician's transaction about a third
	// more than no trigger at all, where a row trigger doubled it).
	captureFunction("insert", `SELECT TG_ARGV[0], n.uuid, 'insert' FROM terrimap_new n`),
	captureFunction("update", `SELECT TG_ARGV[0], n.uuid, 'update' FROM terrimap_new n
			UNION ALL SELECT TG_ARGV[0], o.uuid, 'delete' FROM terrimap_old o
			WHERE NOT EXISTS (SELECT 1 FROM terrimap_new n WHERE n.uuid = o.uuid)`),
	captureFunction("delete", `SELECT TG_ARGV[0], o.uuid, 'delete' FROM terrimap_old o`),
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
		IF terrimap.platform_writing() THEN
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
		`DROP TRIGGER IF EXISTS terrimap_capture_row ON ` + table, // the first layout's row trigger
		`DROP TRIGGER IF EXISTS ` + insertTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + insertTrigger + ` AFTER INSERT ON ` + table +
			` REFERENCING NEW TABLE AS terrimap_new FOR EACH STATEMENT EXECUTE FUNCTION terrimap.capture_insert(` + arg + `)`,
		`DROP TRIGGER IF EXISTS ` + updateTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + updateTrigger + ` AFTER UPDATE ON ` + table +
			` REFERENCING OLD TABLE AS terrimap_old NEW TABLE AS terrimap_new FOR EACH STATEMENT EXECUTE FUNCTION terrimap.capture_update(` + arg + `)`,
		`DROP TRIGGER IF EXISTS ` + deleteTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + deleteTrigger + ` AFTER DELETE ON ` + table +
			` REFERENCING OLD TABLE AS terrimap_old FOR EACH STATEMENT EXECUTE FUNCTION terrimap.capture_delete(` + arg + `)`,
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
var layerTriggers = []string{uuidTrigger, insertTrigger, updateTrigger, deleteTrigger, truncateTrigger, guardTrigger}

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

// captureFunction is the trigger function terrimap.capture_<op>, which
// appends the rows rows selects (layer, uuid, op: from the transition
// tables terrimap_new, terrimap_old) to terrimap.captured and notifies.
func captureFunction(op, rows string) string {
	return `CREATE OR REPLACE FUNCTION terrimap.capture_` + op + `() RETURNS trigger LANGUAGE plpgsql AS $$
	DECLARE
		n bigint;
	BEGIN
		IF terrimap.platform_writing() THEN
			RETURN NULL;
		END IF;
		INSERT INTO terrimap.captured (layer, uuid, op) ` + rows + `;
		GET DIAGNOSTICS n = ROW_COUNT;
		IF n > 0 THEN
			PERFORM pg_notify('` + captureChannel + `', TG_ARGV[0]);
		END IF;
		RETURN NULL;
	END $$`
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
