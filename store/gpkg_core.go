package store

import (
	"context"
	"database/sql"
	"fmt"
)

// GeoPackage 1.3 identification (GeoPackage §1.1.1.1.1).
const (
	applicationIDGPKG    = 0x47504B47 // "GPKG"
	applicationIDGP10    = 0x47503130 // "GP10", GeoPackage 1.0
	applicationIDGP11    = 0x47503131 // "GP11", GeoPackage 1.1
	applicationIDMBTiles = 0x4D504258 // "MPBX"
	userVersion13        = 10300
)

// SRS ids the workspace declares. Layers are stored in EPSG:4326.
const (
	SRSWGS84           = 4326
	SRSWebMercator     = 3857
	SRSLambert93       = 2154
	srsUndefCartesian  = -1
	srsUndefGeographic = 0
)

// coreSchema creates the mandatory GeoPackage tables and Terrimap's own
// bookkeeping tables (prefixed tm_), registered as the terrimap_sync extension.
var coreSchema = []string{
	`CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
		srs_name TEXT NOT NULL,
		srs_id INTEGER PRIMARY KEY,
		organization TEXT NOT NULL,
		organization_coordsys_id INTEGER NOT NULL,
		definition TEXT NOT NULL,
		description TEXT)`,
	`CREATE TABLE IF NOT EXISTS gpkg_contents (
		table_name TEXT NOT NULL PRIMARY KEY,
		data_type TEXT NOT NULL,
		identifier TEXT UNIQUE,
		description TEXT DEFAULT '',
		last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
		min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
		srs_id INTEGER,
		CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
	`CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
		table_name TEXT NOT NULL,
		column_name TEXT NOT NULL,
		geometry_type_name TEXT NOT NULL,
		srs_id INTEGER NOT NULL,
		z TINYINT NOT NULL,
		m TINYINT NOT NULL,
		CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
		CONSTRAINT uk_gc_table_name UNIQUE (table_name),
		CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
		CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	`CREATE TABLE IF NOT EXISTS gpkg_extensions (
		table_name TEXT,
		column_name TEXT,
		extension_name TEXT NOT NULL,
		definition TEXT NOT NULL,
		scope TEXT NOT NULL,
		CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
	`CREATE TABLE IF NOT EXISTS gpkg_data_columns (
		table_name TEXT NOT NULL,
		column_name TEXT NOT NULL,
		name TEXT,
		title TEXT,
		description TEXT,
		mime_type TEXT,
		constraint_name TEXT,
		CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
		CONSTRAINT gdc_tn UNIQUE (table_name, name))`,
	`CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
		constraint_name TEXT NOT NULL,
		constraint_type TEXT NOT NULL,
		value TEXT,
		min NUMERIC,
		min_is_inclusive BOOLEAN,
		max NUMERIC,
		max_is_inclusive BOOLEAN,
		description TEXT,
		CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))`,
	`INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
		('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
		('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
		('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
	addExtensions(`
		('gpkg_data_columns', 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
		('gpkg_data_column_constraints', 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write')`),
	// Rows that opens of earlier versions repeated (see addExtensions).
	`DELETE FROM gpkg_extensions WHERE rowid NOT IN
		(SELECT min(rowid) FROM gpkg_extensions GROUP BY table_name, column_name, extension_name)`,
}

// ownSchema creates Terrimap's bookkeeping tables.
var ownSchema = []string{
	`CREATE TABLE IF NOT EXISTS tm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_layers (
		name TEXT PRIMARY KEY,
		schema TEXT NOT NULL,
		position INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE IF NOT EXISTS tm_journal (
		seq INTEGER PRIMARY KEY,
		change_id TEXT NOT NULL UNIQUE,
		layer TEXT NOT NULL,
		uuid TEXT NOT NULL,
		op TEXT NOT NULL CHECK (op IN ('create','update','delete')),
		base_version INTEGER NOT NULL,
		properties TEXT,
		geometry BLOB,
		geometry_changed INTEGER NOT NULL DEFAULT 0,
		created_at TEXT NOT NULL,
		state TEXT NOT NULL DEFAULT 'pending',
		reason TEXT)`,
	`CREATE INDEX IF NOT EXISTS tm_journal_feature ON tm_journal(layer, uuid)`,
	`CREATE TABLE IF NOT EXISTS tm_journal_ranges (
		id INTEGER PRIMARY KEY,
		layer TEXT NOT NULL,
		first_fid INTEGER NOT NULL,
		last_fid INTEGER NOT NULL CHECK (last_fid >= first_fid),
		created_at TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_conflicts (
		change_id TEXT PRIMARY KEY,
		layer TEXT NOT NULL,
		uuid TEXT NOT NULL,
		theirs_version INTEGER NOT NULL,
		theirs_deleted INTEGER NOT NULL DEFAULT 0,
		theirs_properties TEXT,
		theirs_geometry BLOB,
		fields TEXT,
		message TEXT,
		created_at TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_blobs (
		sha256 TEXT PRIMARY KEY,
		data BLOB NOT NULL,
		name TEXT,
		uploaded INTEGER NOT NULL DEFAULT 0,
		created_at TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_refresh (layer TEXT NOT NULL, uuid TEXT NOT NULL, PRIMARY KEY (layer, uuid))`,
	addExtensions(`
		('tm_meta', 'terrimap_sync', 'Terrimap workspace metadata (sync cursor, platform)', 'write-only'),
		('tm_layers', 'terrimap_sync', 'Terrimap layer schemas (fields, domains, defaults, read-only)', 'write-only'),
		('tm_journal', 'terrimap_sync', 'Terrimap change journal: local edits not yet acknowledged by the platform', 'write-only'),
		('tm_journal_ranges', 'terrimap_sync', 'Terrimap change journal: creations of a bulk import not yet written out as tm_journal entries (rows first_fid to last_fid of layer)', 'write-only'),
		('tm_conflicts', 'terrimap_sync', 'Terrimap sync conflicts: the platform version of features edited on both sides', 'write-only'),
		('tm_blobs', 'terrimap_sync', 'Terrimap attachments (photos) by sha256', 'write-only'),
		('tm_refresh', 'terrimap_sync', 'Terrimap features to fetch again from the platform', 'write-only')`),
}

// addExtensions returns the statement that registers extensions of whole
// tables (column_name NULL) given as SQL rows (table_name, extension_name,
// definition, scope), each unless it is there already. INSERT OR IGNORE
// would ignore nothing: gpkg_extensions' UNIQUE constraint holds
// column_name, and SQLite takes NULLs for distinct values, so that every
// open of a workspace added its rows again.
func addExtensions(rows string) string {
	return `INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
		SELECT v.column1, NULL, v.column2, v.column3, v.column4 FROM (VALUES ` + rows + `) AS v
		WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions e
			WHERE e.table_name IS v.column1 AND e.column_name IS NULL AND e.extension_name = v.column2)`
}

// initSchema writes the GeoPackage identification and all core tables.
func initSchema(ctx context.Context, tx *sql.Tx) error {
	stmts := append([]string{
		fmt.Sprintf("PRAGMA application_id = %d", applicationIDGPKG),
		fmt.Sprintf("PRAGMA user_version = %d", userVersion13),
	}, coreSchema...)
	stmts = append(stmts, ownSchema...)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("init schema: %w", err)
		}
	}
	return nil
}

// ensureOwnTables adds Terrimap's tables to a GeoPackage written by another
// tool, the first time Terrimap writes to it.
func ensureOwnTables(ctx context.Context, tx *sql.Tx) error {
	for _, s := range append(append([]string{}, coreSchema...), ownSchema...) {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("add terrimap tables: %w", err)
		}
	}
	return nil
}
