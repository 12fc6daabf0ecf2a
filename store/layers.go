package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/store/srs"
)

// Layer is a feature layer of the workspace: its schema and where it lives.
// A Layer value is immutable; schema changes replace it.
type Layer struct {
	// Schema describes the layer's fields and geometry type.
	Schema schema.Layer
	// Foreign layers were created by another tool: read-only, schema read from the table.
	Foreign bool
	// SRSID is the layer's spatial reference (4326 for Terrimap's layers).
	SRSID int32

	fidColumn  string
	geomColumn string
	columns    map[string]string // field name → column name
	// toWGS84 reprojects geometries of a foreign layer stored in another SRS.
	toWGS84 func(orb.Geometry) (orb.Geometry, error)
}

// Name returns the layer (table) name.
func (l *Layer) Name() string { return l.Schema.Name }

// ReadOnly reports whether the layer refuses local edits.
func (l *Layer) ReadOnly() bool { return l.Foreign || l.Schema.ReadOnly }

// GeometryColumn returns the name of the layer's geometry column.
func (l *Layer) GeometryColumn() string { return l.geomColumn }

// RTreeTable returns the name of the layer's GeoPackage RTree index table.
func (l *Layer) RTreeTable() string { return "rtree_" + l.Schema.Name + "_" + l.geomColumn }

// Layers returns the workspace's layers in display order.
func (ws *Workspace) Layers() []*Layer {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return append([]*Layer(nil), ws.layers...)
}

// Layer returns the layer named name.
func (ws *Workspace) Layer(name string) (*Layer, error) {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	l, ok := ws.byName[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrLayerNotFound, name)
	}
	return l, nil
}

// CreateLayer adds a feature layer built from s: a table with real typed
// columns, its GeoPackage RTree index, and its titles and coded values in the
// GeoPackage schema extension so that QGIS shows them too.
func (ws *Workspace) CreateLayer(ctx context.Context, s schema.Layer) (*Layer, error) {
	var l *Layer
	err := ws.Edit(ctx, func(tx *Tx) error {
		var err error
		l, err = tx.CreateLayer(s)
		return err
	})
	return l, err
}

// CreateLayer adds a feature layer within the transaction (see Workspace.CreateLayer).
func (tx *Tx) CreateLayer(s schema.Layer) (*Layer, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("store: create layer %s: %w", s.Name, err)
	}
	if _, err := tx.layer(s.Name); err == nil {
		return nil, fmt.Errorf("store: create layer %s: %w", s.Name, ErrLayerExists)
	}
	var taken int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM sqlite_master WHERE lower(name) = lower(?)`, s.Name).Scan(&taken); err != nil {
		return nil, fmt.Errorf("store: create layer %s: %w", s.Name, err)
	}
	if taken > 0 {
		return nil, fmt.Errorf("store: create layer %s: %w (a table of that name exists)", s.Name, ErrLayerExists)
	}
	if err := tx.ensureOwn(); err != nil {
		return nil, fmt.Errorf("store: create layer %s: %w", s.Name, err)
	}
	l := ownLayer(s)
	if err := createLayerTables(tx.ctx, tx.tx, l); err != nil {
		return nil, fmt.Errorf("store: create layer %s: %w", s.Name, err)
	}
	tx.newLayers = append(tx.newLayers, l)
	return l, nil
}

func ownLayer(s schema.Layer) *Layer {
	l := &Layer{Schema: s, SRSID: SRSWGS84, fidColumn: "fid", geomColumn: "geom", columns: map[string]string{}}
	for _, f := range s.Fields {
		l.columns[f.Name] = f.Name
	}
	return l
}

func sqlType(t schema.FieldType) string {
	switch t {
	case schema.Integer:
		return "INTEGER"
	case schema.Real:
		return "REAL"
	case schema.Boolean:
		return "BOOLEAN"
	case schema.Date:
		return "DATE"
	case schema.DateTime:
		return "DATETIME"
	}
	return "TEXT"
}

func fieldColumnDef(f schema.Field) string {
	def := quoteIdent(f.Name) + " " + sqlType(f.Type)
	if f.Default != nil {
		if v, err := f.Coerce(f.Default); err == nil && v != nil {
			def += " DEFAULT " + sqlLiteral(v)
		}
	}
	return def
}

func createLayerTables(ctx context.Context, tx *sql.Tx, l *Layer) error {
	s := l.Schema
	cols := []string{
		"fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
		"geom " + string(s.GeometryType),
		"uuid TEXT NOT NULL UNIQUE",
		"tm_version INTEGER NOT NULL DEFAULT 0",
	}
	for _, f := range s.Fields {
		cols = append(cols, fieldColumnDef(f))
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	identifier, err := uniqueIdentifier(ctx, tx, s)
	if err != nil {
		return err
	}
	stmts := []struct {
		q    string
		args []any
	}{
		{fmt.Sprintf("CREATE TABLE %s (%s)", quoteIdent(s.Name), strings.Join(cols, ", ")), nil},
		{`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, 'features', ?, ?, ?, ?)`,
			[]any{s.Name, identifier, s.Description, now, SRSWGS84}},
		{`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, []any{s.Name, string(s.GeometryType), SRSWGS84}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	if err := createRTree(ctx, tx, l); err != nil {
		return err
	}
	if err := writeDataColumns(ctx, tx, s); err != nil {
		return err
	}
	return saveSchema(ctx, tx, s)
}

// uniqueIdentifier returns the layer's title, made unique among
// gpkg_contents identifiers (the GeoPackage requires it) by adding its name.
func uniqueIdentifier(ctx context.Context, tx *sql.Tx, s schema.Layer) (string, error) {
	id := s.DisplayTitle()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gpkg_contents WHERE identifier = ?`, id).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		id = fmt.Sprintf("%s (%s)", id, s.Name)
	}
	return id, nil
}

// saveSchema stores the layer's schema in tm_layers, keeping its position.
func saveSchema(ctx context.Context, tx *sql.Tx, s schema.Layer) error {
	js, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tm_layers(name, schema, position)
		VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM tm_layers))
		ON CONFLICT(name) DO UPDATE SET schema = excluded.schema`, s.Name, string(js))
	return err
}

// writeDataColumns mirrors field titles and coded values into the GeoPackage
// schema extension tables.
func writeDataColumns(ctx context.Context, tx *sql.Tx, s schema.Layer) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM gpkg_data_column_constraints WHERE constraint_name IN
		(SELECT constraint_name FROM gpkg_data_columns WHERE table_name = ?)`, s.Name); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM gpkg_data_columns WHERE table_name = ?`, s.Name); err != nil {
		return err
	}
	for _, f := range s.Fields {
		var constraint any
		if len(f.Domain) > 0 {
			name := s.Name + "_" + f.Name
			constraint = name
			for _, cv := range f.Domain {
				if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_data_column_constraints
					(constraint_name, constraint_type, value, description) VALUES (?, 'enum', ?, ?)`,
					name, cv.Code, cv.Label); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_data_columns
			(table_name, column_name, name, title, description, constraint_name) VALUES (?, ?, ?, ?, ?, ?)`,
			s.Name, f.Name, f.Name, f.DisplayTitle(), nullIfEmpty(f.Description), constraint); err != nil {
			return err
		}
	}
	return nil
}

// loadLayers reads the layers of the workspace: Terrimap's own from
// tm_layers, any other feature table from the GeoPackage catalogue.
func (ws *Workspace) loadLayers(ctx context.Context) error {
	var layers []*Layer
	own := map[string]bool{}
	rows, err := ws.db.QueryContext(ctx, `SELECT schema FROM tm_layers ORDER BY position, name`)
	if err != nil && !isNoSuchTable(err) {
		return err
	}
	if err == nil {
		for rows.Next() {
			var js string
			if err := rows.Scan(&js); err != nil {
				rows.Close()
				return err
			}
			var s schema.Layer
			if err := json.Unmarshal([]byte(js), &s); err != nil {
				rows.Close()
				return fmt.Errorf("%w: layer schema: %v", ErrCorrupt, err)
			}
			layers = append(layers, ownLayer(s))
			own[strings.ToLower(s.Name)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	foreign, err := ws.foreignLayers(ctx, own)
	if err != nil {
		return err
	}
	layers = append(layers, foreign...)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.layers = layers
	ws.byName = make(map[string]*Layer, len(layers))
	for _, l := range layers {
		ws.byName[strings.ToLower(l.Schema.Name)] = l
	}
	return nil
}

// foreignLayers describes the feature tables another tool wrote.
func (ws *Workspace) foreignLayers(ctx context.Context, own map[string]bool) ([]*Layer, error) {
	rows, err := ws.db.QueryContext(ctx, `SELECT c.table_name, coalesce(c.identifier, ''), coalesce(c.description, ''),
		g.column_name, g.geometry_type_name, g.srs_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name)
		WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, err
	}
	type entry struct {
		name, title, desc, geomCol, geomType string
		srs                                  int32
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.name, &e.title, &e.desc, &e.geomCol, &e.geomType, &e.srs); err != nil {
			rows.Close()
			return nil, err
		}
		if !own[strings.ToLower(e.name)] {
			entries = append(entries, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*Layer
	for _, e := range entries {
		l := &Layer{Foreign: true, SRSID: e.srs, geomColumn: e.geomCol, columns: map[string]string{}}
		l.Schema = schema.Layer{Name: e.name, Title: e.title, Description: e.desc, ReadOnly: true,
			GeometryType: foreignGeometryType(e.geomType)}
		if l.Schema.Title == e.name {
			l.Schema.Title = ""
		}
		titles, domains := ws.readDataColumns(ctx, e.name)
		cols, err := tableColumns(ctx, ws.db, e.name)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", e.name, err)
		}
		for _, c := range cols {
			switch {
			case c.pk && l.fidColumn == "":
				l.fidColumn = c.name
				continue
			case strings.EqualFold(c.name, e.geomCol):
				continue
			}
			t, ok := fieldTypeOf(c.declType)
			if !ok {
				continue // BLOBs and unknown types are not shown
			}
			name := c.name
			if schema.IsReserved(name) {
				name = "src_" + name
			}
			l.columns[name] = c.name
			l.Schema.Fields = append(l.Schema.Fields, schema.Field{Name: name, Type: t,
				Title: titles[strings.ToLower(c.name)], Domain: domains[strings.ToLower(c.name)], ReadOnly: true})
		}
		if l.fidColumn == "" {
			l.fidColumn = "rowid"
		}
		if from := int(e.srs); from > 0 && from != SRSWGS84 && !srs.Supported(from) {
			ws.addWarning(fmt.Sprintf("layer %s is in EPSG:%d, which Terrimap cannot reproject: its geometries are not shown", e.name, from))
		} else if from > 0 && from != SRSWGS84 {
			l.toWGS84 = func(g orb.Geometry) (orb.Geometry, error) { return srs.Project(g, from, SRSWGS84) }
		}
		out = append(out, l)
	}
	return out, nil
}

func foreignGeometryType(name string) schema.GeometryType {
	g := schema.GeometryType(strings.ToUpper(name))
	if g.Valid() {
		return g
	}
	return schema.AnyGeometry
}

func (ws *Workspace) addWarning(w string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.warnings = append(ws.warnings, w)
}

// readDataColumns returns the titles and coded values another tool declared
// in the GeoPackage schema extension, keyed by lower-cased column name.
func (ws *Workspace) readDataColumns(ctx context.Context, table string) (map[string]string, map[string][]schema.CodedValue) {
	titles := map[string]string{}
	domains := map[string][]schema.CodedValue{}
	rows, err := ws.db.QueryContext(ctx, `SELECT d.column_name, coalesce(d.title, ''), coalesce(c.value, ''), coalesce(c.description, '')
		FROM gpkg_data_columns d LEFT JOIN gpkg_data_column_constraints c
		ON c.constraint_name = d.constraint_name AND c.constraint_type = 'enum'
		WHERE lower(d.table_name) = lower(?)`, table)
	if err != nil {
		return titles, domains
	}
	defer rows.Close()
	for rows.Next() {
		var col, title, code, label string
		if rows.Scan(&col, &title, &code, &label) != nil {
			continue
		}
		key := strings.ToLower(col)
		if title != "" && !strings.EqualFold(title, col) {
			titles[key] = title
		}
		if code != "" {
			if label == "" {
				label = code
			}
			domains[key] = append(domains[key], schema.CodedValue{Code: code, Label: label})
		}
	}
	return titles, domains
}

type tableColumn struct {
	name, declType string
	pk             bool
}

func tableColumns(ctx context.Context, db queryer, table string) ([]tableColumn, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []tableColumn
	for rows.Next() {
		var c tableColumn
		var pk int
		if err := rows.Scan(&c.name, &c.declType, &pk); err != nil {
			return nil, err
		}
		c.pk = pk == 1 && strings.Contains(strings.ToUpper(c.declType), "INT")
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// fieldTypeOf maps a GeoPackage column type to a field type.
func fieldTypeOf(decl string) (schema.FieldType, bool) {
	d := strings.ToUpper(decl)
	if i := strings.IndexByte(d, '('); i >= 0 {
		d = d[:i]
	}
	switch strings.TrimSpace(d) {
	case "BOOLEAN":
		return schema.Boolean, true
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT":
		return schema.Integer, true
	case "FLOAT", "DOUBLE", "REAL", "NUMERIC", "DECIMAL":
		return schema.Real, true
	case "TEXT", "VARCHAR", "CHAR", "STRING", "CLOB", "":
		return schema.Text, true
	case "DATE":
		return schema.Date, true
	case "DATETIME", "TIMESTAMP":
		return schema.DateTime, true
	}
	return "", false
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func sqlLiteral(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64, float64:
		return schema.CodeString(x)
	}
	return "NULL"
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// LayerCounts returns the number of features in each layer, by name.
func (ws *Workspace) LayerCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, l := range ws.Layers() {
		var n int
		if err := ws.db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(l.Schema.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", l.Schema.Name, err)
		}
		out[l.Schema.Name] = n
	}
	return out, nil
}

// sortedFieldNames returns map keys in a stable order.
func sortedFieldNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
