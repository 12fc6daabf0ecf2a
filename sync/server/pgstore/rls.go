package pgstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"terrimap/store/territory"
	"terrimap/sync/protocol"
)

// The territory rule in PostgreSQL itself.
//
// A database role can be tied to a Terrimap user (terrimap.users.db_role,
// TieRole). Then PostgreSQL holds that role to what the user may do in
// Terrimap (sync/server/access.go): an admin edits everything; an editor
// edits the layers open to editors, anywhere when an editor of the
// intercommunality or of a commune without an outline, else only features
// lying in the territories of their communes, give or take
// territory.Tolerance (5 m) along the boundary; a viewer edits nothing.
// "Lying in" is measured in Lambert-93 (EPSG:2154, as store/territory
// does): the geometry must be covered by the territory grown by 5 m.
//
// The rule is checked twice on each row a tied role writes:
//   - on the row as it will be (INSERT, UPDATE): row-level security
//     policies, WITH CHECK terrimap.may_edit(current_user, layer, geom);
//     PostgreSQL answers «new row violates row-level security policy»;
//   - on the row as it was (UPDATE, DELETE): a BEFORE trigger, because a
//     policy's USING clause can only hide such a row — the UPDATE would
//     report «UPDATE 0», which a QGIS user would take for a success. The
//     trigger raises insufficient_privilege with a French message.
//
// A role whose user is removed stays bound and may change nothing (until
// tied again or dropped): removing a user never frees their role from the
// rule. Roles never tied to a user (the GIS technician, Lizmap, the
// platform itself) are unaffected: terrimap.may_edit is true for them, and every role may
// read every row. The platform's role owns the tables and is not subject
// to row-level security at all (ENABLE, not FORCE).
//
// terrimap.role_areas holds, for each tied role, its user's rights and the
// territory already projected and buffered, so that a row's check is one
// ST_CoveredBy; statement triggers on users, memberships and orgs refresh
// it whenever they change.

// rlsDDL creates terrimap.role_areas, its refresh and terrimap.may_edit;
// postgis is the schema of the PostGIS extension, for the functions'
// search_path.
func rlsDDL(postgis string) []string {
	path := `SET search_path = pg_catalog, ` + pgx.Identifier{postgis}.Sanitize()
	return []string{
		`CREATE TABLE IF NOT EXISTS terrimap.role_areas (
			db_role text PRIMARY KEY, user_name text NOT NULL,
			admin boolean NOT NULL, editor boolean NOT NULL, anywhere boolean NOT NULL,
			area geometry)`,
		`CREATE OR REPLACE FUNCTION terrimap.refresh_role_areas() RETURNS trigger
		LANGUAGE plpgsql SECURITY DEFINER ` + path + ` AS $$
		BEGIN
			-- A role whose user is gone stays under row-level security and
			-- may change nothing, until tied again or dropped.
			UPDATE terrimap.role_areas SET user_name = '', admin = false, editor = false, anywhere = false, area = NULL
			WHERE db_role NOT IN (SELECT db_role FROM terrimap.users WHERE db_role IS NOT NULL);
			INSERT INTO terrimap.role_areas (db_role, user_name, admin, editor, anywhere, area)
			SELECT u.db_role, u.name,
				coalesce(bool_or(m.role = '` + string(protocol.RoleAdmin) + `'), false),
				coalesce(bool_or(m.role = '` + string(protocol.RoleEditor) + `'), false),
				coalesce(bool_or(m.role = '` + string(protocol.RoleEditor) + `' AND (m.org = '` + protocol.OrgCCMT + `' OR (o.id IS NOT NULL AND o.territory IS NULL))), false),
				ST_Buffer(ST_Transform(ST_Union(o.territory) FILTER (WHERE m.role = '` + string(protocol.RoleEditor) + `' AND m.org <> '` + protocol.OrgCCMT + `'), 2154), ` + fmt.Sprint(territory.Tolerance) + `)
			FROM terrimap.users u
			LEFT JOIN terrimap.memberships m ON m.user_name = u.name
			LEFT JOIN terrimap.orgs o ON o.id = m.org
			WHERE u.db_role IS NOT NULL
			GROUP BY u.db_role, u.name
			ON CONFLICT (db_role) DO UPDATE SET user_name = excluded.user_name, admin = excluded.admin,
				editor = excluded.editor, anywhere = excluded.anywhere, area = excluded.area;
			RETURN NULL;
		END $$`,
		`CREATE OR REPLACE TRIGGER terrimap_role_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON terrimap.users
			FOR EACH STATEMENT EXECUTE FUNCTION terrimap.refresh_role_areas()`,
		`CREATE OR REPLACE TRIGGER terrimap_role_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON terrimap.memberships
			FOR EACH STATEMENT EXECUTE FUNCTION terrimap.refresh_role_areas()`,
		`CREATE OR REPLACE TRIGGER terrimap_role_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON terrimap.orgs
			FOR EACH STATEMENT EXECUTE FUNCTION terrimap.refresh_role_areas()`,
		// may_edit reads the platform's tables, which a tied role may not:
		// SECURITY DEFINER, with the role given by the caller (current_user
		// in a policy is the role that writes).
		`CREATE OR REPLACE FUNCTION terrimap.may_edit(r name, lyr text, g geometry) RETURNS boolean
		LANGUAGE sql STABLE SECURITY DEFINER ` + path + ` AS $$
			SELECT CASE
				WHEN a.db_role IS NULL THEN true
				WHEN a.admin THEN true
				WHEN NOT a.editor THEN false
				WHEN EXISTS (SELECT 1 FROM terrimap.layers l WHERE l.name = lyr
					AND (l.edit_by <> '` + protocol.EditByEditors + `' OR coalesce((l.definition->>'read_only')::boolean, false))) THEN false
				WHEN a.anywhere THEN true
				ELSE g IS NOT NULL AND NOT ST_IsEmpty(g) AND a.area IS NOT NULL
					AND ST_CoveredBy(ST_Transform(g, 2154), a.area)
			END
			FROM (SELECT r::text AS role) q LEFT JOIN terrimap.role_areas a ON a.db_role = q.role
		$$`,
		`CREATE OR REPLACE FUNCTION terrimap.territory_guard() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NOT terrimap.platform_writing()
				AND NOT terrimap.may_edit(current_user, TG_ARGV[0], OLD.geom) THEN
				RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
					MESSAGE = format('Terrimap : le rôle %s ne peut pas modifier cet objet de la couche « %s » : il n''est pas dans le territoire où son utilisateur peut modifier les données.', current_user, TG_ARGV[0]),
					HINT = 'The territory rule of the Terrimap user tied to this role (terrimap.users.db_role).';
			END IF;
			IF TG_OP = 'DELETE' THEN
				RETURN OLD;
			END IF;
			RETURN NEW;
		END $$`,
	}
}

// installRLS creates the functions of the territory rule.
func installRLS(ctx context.Context, tx pgx.Tx) error {
	var postgis string
	if err := tx.QueryRow(ctx, `SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'`).Scan(&postgis); err != nil {
		return fmt.Errorf("pgstore: install row-level security: find PostGIS: %w", err)
	}
	for _, q := range rlsDDL(postgis) {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgstore: install row-level security: %w", err)
		}
	}
	return nil
}

// rlsStatements enable row-level security on a layer's table (schema
// qualified and quoted) with the territory policies and guard.
func rlsStatements(layer, table string) []string {
	check := `terrimap.may_edit(current_user, ` + quoteLiteral(layer) + `, geom)`
	return []string{
		`ALTER TABLE ` + table + ` ENABLE ROW LEVEL SECURITY`,
		`DROP POLICY IF EXISTS terrimap_read ON ` + table,
		`CREATE POLICY terrimap_read ON ` + table + ` FOR SELECT USING (true)`,
		`DROP POLICY IF EXISTS terrimap_insert ON ` + table,
		`CREATE POLICY terrimap_insert ON ` + table + ` FOR INSERT WITH CHECK (` + check + `)`,
		`DROP POLICY IF EXISTS terrimap_update ON ` + table,
		`CREATE POLICY terrimap_update ON ` + table + ` FOR UPDATE USING (true) WITH CHECK (` + check + `)`,
		`DROP POLICY IF EXISTS terrimap_delete ON ` + table,
		`CREATE POLICY terrimap_delete ON ` + table + ` FOR DELETE USING (true)`,
		`DROP TRIGGER IF EXISTS ` + guardTrigger + ` ON ` + table,
		`CREATE TRIGGER ` + guardTrigger + ` BEFORE UPDATE OR DELETE ON ` + table +
			` FOR EACH ROW EXECUTE FUNCTION terrimap.territory_guard(` + quoteLiteral(layer) + `)`,
	}
}

// ErrBadRole is returned (wrapped) by TieRole for a name that is not a
// plain PostgreSQL role name.
var ErrBadRole = errors.New("pgstore: not a database role name")

// roleName is what TieRole accepts: an unquoted PostgreSQL identifier
// (lower case, as PostgreSQL folds unquoted names; 63 bytes at most).
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_$]{0,62}$`)

// TieRole ties database role dbRole to Terrimap user name: PostgreSQL
// then holds the role to the user's rights (see the top of rls.go) and the
// capture worker attributes its direct edits to the user. The role is
// created NOLOGIN when missing — the database administrator gives it a
// password (ALTER ROLE … LOGIN PASSWORD …) or grants it to the login roles
// of the people who use it: Terrimap never handles database passwords.
// It is granted SELECT on every layer table, and INSERT, UPDATE, DELETE
// when the user is an editor or admin (row-level security then keeps it to
// the user's territory). created says whether the role was made.
func (s *Storage) TieRole(ctx context.Context, user, dbRole string) (created bool, err error) {
	if !roleName.MatchString(dbRole) {
		return false, fmt.Errorf("%w: %q (lower-case letters, digits and _)", ErrBadRole, dbRole)
	}
	if err := s.ensureCapture(ctx); err != nil {
		return false, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, dbRole).Scan(&exists); err != nil {
			return fmt.Errorf("pgstore: tie role %s: %w", dbRole, err)
		}
		if !exists {
			if _, err := tx.Exec(ctx, `CREATE ROLE `+pgx.Identifier{dbRole}.Sanitize()+` NOLOGIN`); err != nil {
				var pe *pgconn.PgError
				if errors.As(err, &pe) && pe.Code == "42501" {
					return fmt.Errorf("pgstore: role %s does not exist and the platform's role may not create it: ask the database administrator to run «CREATE ROLE %s LOGIN PASSWORD '…';», then tie it again", dbRole, dbRole)
				}
				return fmt.Errorf("pgstore: create role %s: %w", dbRole, err)
			}
			created = true
		}
		tag, err := tx.Exec(ctx, `UPDATE terrimap.users SET db_role = $2 WHERE name = $1`, user, dbRole)
		if err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" {
				return fmt.Errorf("pgstore: role %s is already tied to another user", dbRole)
			}
			return fmt.Errorf("pgstore: tie role %s: %w", dbRole, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("pgstore: tie role %s: no user %s", dbRole, user)
		}
		tables, err := loadLayers(ctx, tx)
		if err != nil {
			return fmt.Errorf("pgstore: tie role %s: %w", dbRole, err)
		}
		for _, t := range tables {
			if err := grantTiedRoles(ctx, tx, t.ident()); err != nil {
				return err
			}
		}
		return nil
	})
	return created, err
}

// grantTiedRoles grants every tied role what its user may do on a layer's
// table (quoted, schema-qualified): USAGE of the schema and SELECT, plus
// INSERT, UPDATE, DELETE for editors and admins.
func grantTiedRoles(ctx context.Context, tx pgx.Tx, table string) error {
	rows, err := tx.Query(ctx, `SELECT a.db_role, a.admin OR a.editor FROM terrimap.role_areas a
		JOIN pg_roles r ON r.rolname = a.db_role ORDER BY a.db_role`)
	if err != nil {
		return fmt.Errorf("pgstore: grant on %s: %w", table, err)
	}
	type grant struct {
		role  string
		write bool
	}
	grants, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (grant, error) {
		var g grant
		err := r.Scan(&g.role, &g.write)
		return g, err
	})
	if err != nil {
		return fmt.Errorf("pgstore: grant on %s: %w", table, err)
	}
	var schema string
	if err := tx.QueryRow(ctx, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass`, table).Scan(&schema); err != nil {
		return fmt.Errorf("pgstore: grant on %s: %w", table, err)
	}
	for _, g := range grants {
		role := pgx.Identifier{g.role}.Sanitize()
		privs := "SELECT"
		if g.write {
			privs = "SELECT, INSERT, UPDATE, DELETE"
		}
		for _, q := range []string{
			`GRANT USAGE ON SCHEMA ` + pgx.Identifier{schema}.Sanitize() + ` TO ` + role,
			`GRANT ` + privs + ` ON ` + table + ` TO ` + role,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("pgstore: grant on %s to %s: %w", table, g.role, err)
			}
		}
	}
	return nil
}
