package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// layerDef is a layer of the platform with the table that holds it.
type layerDef struct {
	rec server.LayerRecord
	// schema and table name the PostGIS table (reseaux.<name>).
	schema, table string
}

// name is the layer's name as the platform spells it.
func (l *layerDef) name() string { return l.rec.Schema.Name }

// ident is the table's quoted, schema-qualified name for SQL.
func (l *layerDef) ident() string { return pgx.Identifier{l.schema, l.table}.Sanitize() }

// querier is what reads need: a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// layerColumns is the select list of terrimap.layers that scanLayer reads.
const layerColumns = `name, pg_schema, pg_table, definition::text, coalesce(style::text, ''), edit_by`

// scanLayer reads a row of layerColumns.
func scanLayer(row pgx.Row) (*layerDef, error) {
	var l layerDef
	var def, style, editBy string
	var name string
	if err := row.Scan(&name, &l.schema, &l.table, &def, &style, &editBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &l.rec.Schema); err != nil {
		return nil, fmt.Errorf("pgstore: layer %s: definition: %w", name, err)
	}
	l.rec.Schema.Name = name
	l.rec.EditBy = server.EditRight(editBy)
	if style != "" {
		l.rec.Style = json.RawMessage(style)
	}
	return &l, nil
}

// loadLayers reads every layer, in the order they were created.
func loadLayers(ctx context.Context, q querier) ([]*layerDef, error) {
	rows, err := q.Query(ctx, layersQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanLayers(rows)
}

// layersQuery reads every layer for scanLayers, in creation order.
const layersQuery = `SELECT ` + layerColumns + ` FROM terrimap.layers ORDER BY position, name`

// scanLayers reads the rows of layersQuery.
func scanLayers(rows pgx.Rows) ([]*layerDef, error) {
	var out []*layerDef
	for rows.Next() {
		l, err := scanLayer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// loadLayer reads one layer by name (any case); server.ErrNotFound when
// there is none.
func loadLayer(ctx context.Context, q querier, name string) (*layerDef, error) {
	l, err := scanLayer(q.QueryRow(ctx, `SELECT `+layerColumns+` FROM terrimap.layers WHERE lower(name) = lower($1)`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: layer %s", server.ErrNotFound, name)
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: layer %s: %w", name, err)
	}
	return l, nil
}

// layerSchemas maps each layer's name to its schema.
func layerSchemas(ls []*layerDef) map[string]*schema.Layer {
	out := make(map[string]*schema.Layer, len(ls))
	for _, l := range ls {
		out[l.name()] = &l.rec.Schema
	}
	return out
}

// Layers returns every layer with its schema, style and edit rights.
func (s *Storage) Layers(ctx context.Context) ([]server.LayerRecord, error) {
	// From the primary, as SchemaVersion: a desk must never get a schema
	// version newer than the schemas it is given.
	ls, err := loadLayers(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("pgstore: layers: %w", err)
	}
	out := make([]server.LayerRecord, len(ls))
	for i, l := range ls {
		out[i] = l.rec
	}
	return out, nil
}

// SchemaVersion counts the schema changes of the platform.
func (s *Storage) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT value::bigint FROM terrimap.meta WHERE key = 'schema_version'`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: schema version: %w", err)
	}
	return v, nil
}

// ddlLockTimeout bounds how long a schema change waits for the layer
// table: QGIS reading it holds a lock that ALTER TABLE must wait for, and
// every query queues behind a waiting ALTER.
const ddlLockTimeout = "10s"

// layerLock is the advisory lock key that serialises schema changes.
const layerLock = 0x6c61796572 // "layer"

// PutLayer creates a layer (its PostGIS table, typed, with a GiST index)
// or evolves its schema (ALTER TABLE … ADD COLUMN), and bumps the schema
// version. It refuses what store.UpdateLayerSchema refuses (an invalid
// schema, a change that would lose data) and a layer the platform cannot
// hold (protocol.PublishError). An empty r.EditBy keeps the layer's.
func (s *Storage) PutLayer(ctx context.Context, r server.LayerRecord) error {
	if err := protocol.CheckPublishable(r.Schema, string(r.EditBy)); err != nil {
		return fmt.Errorf("pgstore: layer %s: %w", r.Schema.Name, err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('lock_timeout', $1, true), set_config('terrimap.writer', 'platform', true), pg_advisory_xact_lock($2)`,
			ddlLockTimeout, int64(layerLock)); err != nil {
			return err
		}
		old, err := loadLayer(ctx, tx, r.Schema.Name)
		switch {
		case errors.Is(err, server.ErrNotFound):
			return s.createLayer(ctx, tx, r)
		case err != nil:
			return err
		}
		return s.evolveLayer(ctx, tx, old, r)
	})
	if err != nil {
		return fmt.Errorf("pgstore: put layer %s: %w", r.Schema.Name, err)
	}
	return nil
}

// createLayer makes a new layer's table and records it.
func (s *Storage) createLayer(ctx context.Context, tx pgx.Tx, r server.LayerRecord) error {
	if err := r.Schema.Validate(); err != nil {
		return err
	}
	l := &layerDef{rec: r, schema: s.opts.DataSchema, table: strings.ToLower(r.Schema.Name)}
	if l.rec.EditBy == "" {
		l.rec.EditBy = server.EditByEditors
	}
	if err := createLayerTable(ctx, tx, l); err != nil {
		return err
	}
	def, err := json.Marshal(r.Schema)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO terrimap.layers (name, pg_schema, pg_table, definition, style, edit_by, position)
		VALUES ($1, $2, $3, $4, $5, $6, (SELECT coalesce(max(position), 0) + 1 FROM terrimap.layers))`,
		r.Schema.Name, l.schema, l.table, string(def), styleArg(r.Style), string(l.rec.EditBy)); err != nil {
		return err
	}
	if err := s.afterLayerDDL(ctx, tx, l, true); err != nil {
		return err
	}
	return bumpSchemaVersion(ctx, tx)
}

// styleArg is a style for a jsonb parameter: nil when there is none.
func styleArg(style json.RawMessage) any {
	if len(style) == 0 {
		return nil
	}
	return string(style)
}

// createLayerTable creates a layer's PostGIS table: uuid key, a typed
// column per field (with its default), the geometry column with a GiST
// index, and comments carrying the titles that QGIS shows. A table of that
// name already there is store.ErrLayerExists.
func createLayerTable(ctx context.Context, tx pgx.Tx, l *layerDef) error {
	sc := l.rec.Schema
	cols := []string{`uuid uuid PRIMARY KEY DEFAULT gen_random_uuid()`}
	for _, f := range sc.Fields {
		cols = append(cols, columnDef(f))
	}
	cols = append(cols, fmt.Sprintf(`geom geometry(%s, %d)`, pgGeometryType(sc.GeometryType), srid))
	q := `CREATE TABLE ` + l.ident() + ` (` + strings.Join(cols, ", ") + `)`
	if _, err := tx.Exec(ctx, q); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P07" {
			return fmt.Errorf("%w (table %s.%s exists)", store.ErrLayerExists, l.schema, l.table)
		}
		return err
	}
	if err := indexGeometry(ctx, tx, l); err != nil {
		return err
	}
	return commentLayer(ctx, tx, l, sc.Fields)
}

// indexGeometry gives a layer's table its GiST index (again, when an
// outside tool re-created the table).
func indexGeometry(ctx context.Context, tx pgx.Tx, l *layerDef) error {
	idx := pgx.Identifier{truncateIdent(l.table + "_geom_idx")}.Sanitize()
	_, err := tx.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+idx+` ON `+l.ident()+` USING gist (geom)`)
	return err
}

// truncateIdent keeps an identifier within PostgreSQL's 63 bytes.
func truncateIdent(s string) string {
	if len(s) > 63 {
		return s[:63]
	}
	return s
}

// columnDef is a field's column definition, with its default.
func columnDef(f schema.Field) string {
	def := pgx.Identifier{f.Name}.Sanitize() + " " + pgType(f.Type)
	if f.Default == nil {
		return def
	}
	v, err := f.Coerce(f.Default)
	if err != nil || v == nil {
		return def
	}
	return def + " DEFAULT " + quoteLiteral(schema.CodeString(v)) + "::" + pgType(f.Type)
}

// commentLayer writes the titles of a layer and of the given fields as
// comments (COMMENT ON), which QGIS shows.
func commentLayer(ctx context.Context, tx pgx.Tx, l *layerDef, fields []schema.Field) error {
	sc := l.rec.Schema
	text := sc.DisplayTitle()
	if sc.Description != "" {
		text += " — " + sc.Description
	}
	stmts := []string{`COMMENT ON TABLE ` + l.ident() + ` IS ` + quoteLiteral(text)}
	for _, f := range fields {
		text := f.DisplayTitle()
		if f.Description != "" {
			text += " — " + f.Description
		}
		stmts = append(stmts, `COMMENT ON COLUMN `+l.ident()+`.`+pgx.Identifier{f.Name}.Sanitize()+` IS `+quoteLiteral(text))
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// evolveLayer changes an existing layer's schema: new fields become new
// columns; style and edit rights are replaced (an empty EditBy keeps it).
func (s *Storage) evolveLayer(ctx context.Context, tx pgx.Tx, old *layerDef, r server.LayerRecord) error {
	if err := store.CheckSchemaChange(old.rec.Schema, r.Schema); err != nil {
		return err
	}
	r.Schema.Name = old.name()
	added := false
	for _, f := range r.Schema.Fields {
		if _, ok := old.rec.Schema.Field(f.Name); ok {
			continue
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE `+old.ident()+` ADD COLUMN `+columnDef(f)); err != nil {
			return fmt.Errorf("add field %s: %w", f.Name, err)
		}
		added = true
	}
	l := &layerDef{rec: r, schema: old.schema, table: old.table}
	if l.rec.EditBy == "" {
		l.rec.EditBy = old.rec.EditBy
	}
	if err := commentLayer(ctx, tx, l, r.Schema.Fields); err != nil {
		return err
	}
	def, err := json.Marshal(r.Schema)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE terrimap.layers SET definition = $2, style = $3, edit_by = $4 WHERE name = $1`,
		l.name(), string(def), styleArg(r.Style), string(l.rec.EditBy)); err != nil {
		return err
	}
	if added {
		// New columns change every row's hash: the reconciliation must
		// not take them for direct edits.
		if _, err := tx.Exec(ctx, `UPDATE terrimap.heads h SET row_hash = `+rowHashExpr(l.rec.Schema, "t")+
			` FROM `+l.ident()+` t WHERE h.layer = $1 AND h.uuid = t.uuid`, l.name()); err != nil {
			return err
		}
	}
	if err := s.afterLayerDDL(ctx, tx, l, false); err != nil {
		return err
	}
	return bumpSchemaVersion(ctx, tx)
}

// bumpSchemaVersion counts one more schema change.
func bumpSchemaVersion(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `INSERT INTO terrimap.meta (key, value) VALUES ('schema_version', '1')
		ON CONFLICT (key) DO UPDATE SET value = (terrimap.meta.value::bigint + 1)::text`)
	return err
}
