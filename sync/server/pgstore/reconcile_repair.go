package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// repairTable puts back on a layer's table what the platform needs, when
// an outside tool took it away — typically `ogr2ogr -overwrite`, which
// drops the table and creates its own: a uuid column of another type
// (varchar) or none, no default for it, no unique index on it, the
// geometry column under another name, missing or retyped field columns,
// no GiST index, none of the triggers and policies; or triggers disabled.
// It says what it did, one sentence per repair. Each repair runs in a
// savepoint: one that PostgreSQL refuses (a uuid column holding text that
// is not a UUID…) is reported and the others still made.
func (s *Storage) repairTable(ctx context.Context, l *layerDef) ([]string, error) {
	var done []string
	var failed []error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1), set_config('terrimap.writer', 'platform', true)`, int64(installLock)); err != nil {
			return fmt.Errorf("pgstore: repair %s: %w", l.name(), err)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, l.ident()).Scan(&exists); err != nil {
			return fmt.Errorf("pgstore: repair %s: %w", l.name(), err)
		}
		if !exists {
			return fmt.Errorf("%w: %s (layer %s)", errNoTable, l.ident(), l.name())
		}
		for _, step := range repairSteps {
			var msgs []string
			err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
				var err error
				msgs, err = step(ctx, sp, l)
				return err
			})
			if err != nil {
				failed = append(failed, err)
				continue
			}
			done = append(done, msgs...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done, errors.Join(failed...)
}

// repairStep is one repair: what it did, or why it could not.
type repairStep func(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error)

// repairSteps are the repairs, in order: the uuid before its index, the
// columns before the hash that reads them, the triggers last.
var repairSteps = []repairStep{repairUUID, repairGeom, repairFields, repairGiST, repairTriggers}

// tableColumns maps a table's columns to their types (format_type).
func tableColumns(ctx context.Context, tx pgx.Tx, l *layerDef) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, l.ident())
	if err != nil {
		return nil, fmt.Errorf("pgstore: columns of %s: %w", l.ident(), err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("pgstore: columns of %s: %w", l.ident(), err)
		}
		out[name] = typ
	}
	return out, rows.Err()
}

// execAll runs statements, stopping at the first error.
func execAll(ctx context.Context, tx pgx.Tx, what string, stmts ...string) error {
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgstore: %s: %w", what, err)
		}
	}
	return nil
}

// repairUUID gives the table a uuid column of type uuid, with its default,
// a value in every row and a unique index.
func repairUUID(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error) {
	cols, err := tableColumns(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	t := l.ident()
	var done []string
	switch typ, ok := cols["uuid"]; {
	case !ok:
		if err := execAll(ctx, tx, "add uuid to "+t, `ALTER TABLE `+t+` ADD COLUMN uuid uuid DEFAULT gen_random_uuid()`); err != nil {
			return nil, err
		}
		done = append(done, t+": the uuid column was missing; added (every row is a new feature)")
	case typ != "uuid":
		if err := execAll(ctx, tx, "retype uuid of "+t,
			`ALTER TABLE `+t+` ALTER COLUMN uuid TYPE uuid USING nullif(btrim(uuid::text), '')::uuid`); err != nil {
			return nil, err
		}
		done = append(done, t+": the uuid column was "+typ+"; made uuid again")
	}
	var hasDefault bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
		WHERE d.adrelid = $1::regclass AND a.attname = 'uuid')`, t).Scan(&hasDefault); err != nil {
		return nil, fmt.Errorf("pgstore: repair uuid of %s: %w", t, err)
	}
	if !hasDefault {
		if err := execAll(ctx, tx, "default uuid of "+t, `ALTER TABLE `+t+` ALTER COLUMN uuid SET DEFAULT gen_random_uuid()`); err != nil {
			return nil, err
		}
		done = append(done, t+": the uuid column had no default; gen_random_uuid() again")
	}
	tag, err := tx.Exec(ctx, `UPDATE `+t+` SET uuid = gen_random_uuid() WHERE uuid IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: repair uuid of %s: %w", t, err)
	}
	if n := tag.RowsAffected(); n > 0 {
		done = append(done, fmt.Sprintf("%s: %d row(s) without uuid got one", t, n))
	}
	var unique bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indnkeyatts = 1 AND a.attname = 'uuid' AND i.indpred IS NULL)`, t).Scan(&unique); err != nil {
		return nil, fmt.Errorf("pgstore: repair uuid of %s: %w", t, err)
	}
	if !unique {
		idx := pgx.Identifier{l.table + "_uuid_key"}.Sanitize()
		if err := execAll(ctx, tx, "unique uuid of "+t, `CREATE UNIQUE INDEX IF NOT EXISTS `+idx+` ON `+t+` (uuid)`,
			`ALTER TABLE `+t+` ALTER COLUMN uuid SET NOT NULL`); err != nil {
			return nil, err
		}
		done = append(done, t+": no unique index on uuid; made")
	}
	return done, nil
}

// repairGeom names the geometry column geom again when the table has one
// geometry column under another name (ogr2ogr's wkb_geometry).
func repairGeom(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error) {
	cols, err := tableColumns(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	if _, ok := cols["geom"]; ok {
		return nil, nil
	}
	var geoms []string
	for name, typ := range cols {
		if strings.HasPrefix(typ, "geometry") {
			geoms = append(geoms, name)
		}
	}
	if len(geoms) != 1 {
		return nil, fmt.Errorf("pgstore: repair %s: no geom column, and %d other geometry columns: cannot tell which is the layer's", l.ident(), len(geoms))
	}
	if err := execAll(ctx, tx, "rename geometry of "+l.ident(),
		`ALTER TABLE `+l.ident()+` RENAME COLUMN `+pgx.Identifier{geoms[0]}.Sanitize()+` TO geom`); err != nil {
		return nil, err
	}
	return []string{l.ident() + ": geometry column " + geoms[0] + " renamed geom"}, nil
}

// repairFields adds the field columns the table lacks and gives the others
// their type back (varchar → text, integer → bigint…). A field column
// renamed by an outside tool (QGIS's «Rename field», ALTER TABLE … RENAME
// COLUMN) is renamed back, its values kept: the layer's schema is the
// platform's, and a column added empty in its place would empty that field
// on every desk. A column of the table that no field names, of the missing
// field's type, is taken as the renamed one, pairing them in column order.
func repairFields(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error) {
	cols, err := tableColumns(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	strays, err := strayColumns(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	t := l.ident()
	var done []string
	for _, f := range l.rec.Schema.Fields {
		col := pgx.Identifier{f.Name}.Sanitize()
		want := pgType(f.Type)
		typ, ok := cols[f.Name]
		switch {
		case !ok:
			if i := slices.IndexFunc(strays, func(c tableColumn) bool { return sameType(c.typ, want) }); i >= 0 {
				from := strays[i].name
				strays = slices.Delete(strays, i, i+1)
				if err := execAll(ctx, tx, "rename "+from+" of "+t+" back to "+f.Name,
					`ALTER TABLE `+t+` RENAME COLUMN `+pgx.Identifier{from}.Sanitize()+` TO `+col); err != nil {
					return done, err
				}
				done = append(done, t+": column "+f.Name+" was renamed "+from+" outside the platform; renamed back, its values kept")
				continue
			}
			if err := execAll(ctx, tx, "add "+f.Name+" to "+t, `ALTER TABLE `+t+` ADD COLUMN `+col+` `+want); err != nil {
				return done, err
			}
			done = append(done, t+": column "+f.Name+" was missing; added (empty)")
		case !sameType(typ, want):
			if err := execAll(ctx, tx, "retype "+f.Name+" of "+t,
				`ALTER TABLE `+t+` ALTER COLUMN `+col+` TYPE `+want+` USING `+col+`::`+want); err != nil {
				return done, err
			}
			done = append(done, t+": column "+f.Name+" was "+typ+"; made "+want+" again")
		}
	}
	return done, nil
}

// tableColumn is a column of a layer's table, as PostgreSQL names its type
// (format_type).
type tableColumn struct{ name, typ string }

// strayColumns lists, in column order, the columns of a layer's table that
// are neither a field of its schema nor uuid nor a geometry.
func strayColumns(ctx context.Context, tx pgx.Tx, l *layerDef) ([]tableColumn, error) {
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, l.ident())
	if err != nil {
		return nil, fmt.Errorf("pgstore: columns of %s: %w", l.ident(), err)
	}
	defer rows.Close()
	var out []tableColumn
	for rows.Next() {
		var c tableColumn
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, fmt.Errorf("pgstore: columns of %s: %w", l.ident(), err)
		}
		if _, isField := l.rec.Schema.Field(c.name); isField || c.name == "uuid" || strings.HasPrefix(c.typ, "geometry") {
			continue
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sameType reports whether a column's type as format_type names it is the
// type pgType names (which uses PostgreSQL's short names).
func sameType(formatType, want string) bool {
	if want == "timestamptz" {
		return formatType == "timestamp with time zone"
	}
	return formatType == want
}

// repairGiST makes the spatial index when the table has none on geom.
func repairGiST(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error) {
	var has bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = $1::regclass AND am.amname = 'gist' AND a.attname = 'geom')`, l.ident()).Scan(&has)
	if err != nil {
		return nil, fmt.Errorf("pgstore: GiST index of %s: %w", l.ident(), err)
	}
	if has {
		return nil, nil
	}
	idx := pgx.Identifier{l.table + "_geom_gist"}.Sanitize()
	if err := execAll(ctx, tx, "GiST index of "+l.ident(), `CREATE INDEX IF NOT EXISTS `+idx+` ON `+l.ident()+` USING gist (geom)`); err != nil {
		return nil, err
	}
	return []string{l.ident() + ": no spatial (GiST) index on geom; made"}, nil
}

// repairTriggers installs the triggers and policies again when one is
// missing or disabled.
func repairTriggers(ctx context.Context, tx pgx.Tx, l *layerDef) ([]string, error) {
	ok, err := triggersInPlace(ctx, tx, l)
	if err != nil || ok {
		return nil, err
	}
	var disabled []string
	rows, err := tx.Query(ctx, `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = ANY($2) AND tgenabled = 'D' ORDER BY tgname`, l.ident(), layerTriggers)
	if err != nil {
		return nil, fmt.Errorf("pgstore: triggers of %s: %w", l.ident(), err)
	}
	if disabled, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, fmt.Errorf("pgstore: triggers of %s: %w", l.ident(), err)
	}
	if err := installLayerTriggers(ctx, tx, l.name(), l.schema, l.table); err != nil {
		return nil, err
	}
	if len(disabled) > 0 {
		return []string{l.ident() + ": triggers " + strings.Join(disabled, ", ") + " were disabled; enabled again (the edits made meanwhile are reconciled)"}, nil
	}
	return []string{l.ident() + ": capture triggers or row-level security missing; installed again"}, nil
}
