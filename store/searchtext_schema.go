package store

import "fmt"

// The text index of the features, kept in the workspace beside them as the
// GeoPackage R*Tree is, written in the same transaction as every edit
// (deriveSearchText) and read by store/search:
//
//   - tm_search_layer: per layer, whether every row of it is indexed
//     (built) and, while the index of an older workspace is being built,
//     the fid up to which it is (next_fid).
//   - tm_search_doc: one row per feature indexed: its layer, fid and UUID,
//     the text that names it, the fid of the commune it lies in (0: none),
//     its INSEE code and its representative point (PointOf), kept to place
//     it again when a commune's outline changes.
//   - tm_search_value: every distinct text a field holds (a coded value's
//     label, a name, an identifier), once, with its words (TextWords)
//     joined by spaces.
//   - tm_search_trigram: an FTS5 trigram index of the values' words, to
//     find the values holding a word of three characters or more anywhere
//     in theirs.
//   - tm_search_term: every word of every value, to find words by their
//     start (a query word of one or two characters).
//   - tm_search_hold: which feature holds which value in which field, and
//     whether that field names it.
//
// Values are shared: the 380,000 pipes of a département hold a dozen
// materials, each one row of tm_search_value and of its words. A value
// no feature holds any longer stays (it finds nothing).
const (
	searchLayerTable = "tm_search_layer"
	searchDocTable   = "tm_search_doc"
)

// searchTextSchema creates the tables of the text index.
var searchTextSchema = []string{
	`CREATE TABLE IF NOT EXISTS tm_search_layer (name TEXT PRIMARY KEY, built INTEGER NOT NULL, next_fid INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS tm_search_doc (id INTEGER PRIMARY KEY, layer TEXT NOT NULL, fid INTEGER NOT NULL,
		uuid TEXT NOT NULL, name TEXT NOT NULL, commune INTEGER NOT NULL, insee TEXT NOT NULL, x REAL, y REAL, UNIQUE (layer, fid))`,
	`CREATE INDEX IF NOT EXISTS tm_search_doc_commune ON tm_search_doc(commune)`,
	`CREATE TABLE IF NOT EXISTS tm_search_value (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, words TEXT NOT NULL)`,
	`CREATE VIRTUAL TABLE IF NOT EXISTS tm_search_trigram USING fts5(words, content='', tokenize='trigram', detail='none')`,
	`CREATE TABLE IF NOT EXISTS tm_search_term (word TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (word, value)) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS tm_search_hold (value INTEGER NOT NULL, doc INTEGER NOT NULL, field INTEGER NOT NULL,
		named INTEGER NOT NULL, PRIMARY KEY (value, doc, field)) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS tm_search_hold_doc ON tm_search_hold(doc)`,
	addExtensions(`
		('tm_search_doc', 'terrimap_search', 'Terrimap text search index: the features indexed', 'write-only'),
		('tm_search_value', 'terrimap_search', 'Terrimap text search index: the texts of the fields', 'write-only'),
		('tm_search_hold', 'terrimap_search', 'Terrimap text search index: which feature holds which text', 'write-only')`),
	addGDALAspatial,
}

// addGDALAspatial registers GDAL's gdal_aspatial extension unless it is
// there. GDAL lists every table of a GeoPackage unless it finds it; the
// FTS5 tables' untyped columns then gave a warning each (ogrinfo, QGIS).
// With it, GDAL lists the layers of gpkg_contents only — Terrimap's own
// tables are no layers.
const addGDALAspatial = `INSERT INTO gpkg_extensions SELECT NULL, NULL, 'gdal_aspatial', 'http://gdal.org/geopackage_aspatial.html', 'read-write'
	WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE extension_name = 'gdal_aspatial')`

// ensureSearchText creates the text index's tables when the workspace has
// none (an older one, or a GeoPackage of another tool): every layer the
// workspace had before this transaction is then to be built
// (BuildSearchText); the rows the transaction writes are indexed by it.
func (tx *Tx) ensureSearchText() error {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, searchDocTable).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: search text: %w", err)
	}
	if n > 0 {
		return nil
	}
	if err := tx.ensureOwn(); err != nil {
		return fmt.Errorf("store: search text: %w", err)
	}
	for _, s := range searchTextSchema {
		if _, err := tx.tx.ExecContext(tx.ctx, s); err != nil {
			return fmt.Errorf("store: search text: create: %w", err)
		}
	}
	for _, l := range tx.ws.Layers() {
		if err := tx.setSearchLayer(l.Schema.Name, false); err != nil {
			return err
		}
	}
	return nil
}

// setSearchLayer records whether layer is wholly indexed; to be built, from
// its first row.
func (tx *Tx) setSearchLayer(layer string, built bool) error {
	_, err := tx.exec(`INSERT INTO tm_search_layer(name, built, next_fid) VALUES (?, ?, 0)
		ON CONFLICT(name) DO UPDATE SET built = excluded.built, next_fid = 0`, layer, built)
	if err != nil {
		return fmt.Errorf("store: search text: layer %s: %w", layer, err)
	}
	return nil
}
