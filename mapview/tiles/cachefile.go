package tiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/maptile"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"terrimap/internal/sqlitedsn"
)

// cacheSchema is MBTiles 1.3 (metadata and tiles tables) plus two columns
// of Terrimap's: when a tile was fetched and until when its server said it
// stays fresh, in Unix seconds. MBTiles readers ignore them.
const cacheSchema = `
CREATE TABLE IF NOT EXISTS metadata (name TEXT NOT NULL, value TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);
CREATE TABLE IF NOT EXISTS tiles (
	zoom_level INTEGER NOT NULL,
	tile_column INTEGER NOT NULL,
	tile_row INTEGER NOT NULL,
	tile_data BLOB NOT NULL,
	fetched_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);`

const (
	// defaultFresh is how long a tile stays fresh when its server did not
	// say; minFresh and maxFresh clamp what servers say.
	defaultFresh = 7 * 24 * time.Hour
	minFresh     = time.Hour
	maxFresh     = 90 * 24 * time.Hour
)

// CacheDir returns where the tile caches of a workspace live: beside it,
// "<workspace>.tiles".
func CacheDir(workspace string) string {
	return filepath.Clean(workspace) + ".tiles"
}

// cacheFile is one source's cache: an MBTiles file. One connection writes,
// in short transactions; a pool reads concurrently (WAL).
type cacheFile struct {
	path  string
	name  string
	read  *sql.DB
	write *sql.DB
	// The statements every tile goes through.
	stmtGet, stmtHas, stmtPut *sql.Stmt
}

// openCache opens, creating it if needed, the cache of the source described
// by info and format in dir.
func openCache(dir string, info Info, format Format) (*cacheFile, error) {
	if !safeName.MatchString(info.Name) || strings.Trim(info.Name, ".") == "" {
		return nil, fmt.Errorf("tiles: cache: source name %q cannot name a file", info.Name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tiles: cache: %w", err)
	}
	path := filepath.Join(dir, info.Name+".mbtiles")
	c := &cacheFile{path: path, name: info.Name}
	var err error
	if c.write, err = sql.Open("sqlite", sqliteDSN(path, dsnCacheWriter)); err != nil {
		return nil, fmt.Errorf("tiles: cache %s: %w", path, err)
	}
	c.write.SetMaxOpenConns(1)
	if err := c.init(info, format); err != nil {
		c.write.Close()
		return nil, err
	}
	if c.read, err = sql.Open("sqlite", sqliteDSN(path, dsnCacheReader)); err != nil {
		c.write.Close()
		return nil, fmt.Errorf("tiles: cache %s: %w", path, err)
	}
	c.read.SetMaxOpenConns(4)
	c.read.SetMaxIdleConns(4)
	if err := c.prepare(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// init creates the tables and writes the metadata.
func (c *cacheFile) init(info Info, format Format) error {
	ctx := context.Background()
	if _, err := c.write.ExecContext(ctx, cacheSchema); err != nil {
		return fmt.Errorf("%w: cache %s: %w", ErrInvalidSource, c.path, err)
	}
	// A file that has a tiles table of another making lacks these.
	if _, err := c.write.ExecContext(ctx, "SELECT fetched_at, expires_at FROM tiles LIMIT 0"); err != nil {
		return fmt.Errorf("%w: %s is not a Terrimap tile cache: %w", ErrInvalidSource, c.path, err)
	}
	title := info.Title
	if title == "" {
		title = info.Name
	}
	meta := [][2]string{
		{"name", title},
		{"format", string(format)},
		{"type", "baselayer"},
		{"version", "1.3"},
		{"description", "Terrimap's cache of " + title},
		{"attribution", info.Attribution},
		{"minzoom", strconv.Itoa(int(info.MinZoom))},
		{"maxzoom", strconv.Itoa(int(info.MaxZoom))},
		{"bounds", "-180,-85.05112878,180,85.05112878"},
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	defer tx.Rollback()
	for _, kv := range meta {
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return fmt.Errorf("tiles: cache %s: %w", c.path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	return nil
}

// prepare readies the statements every tile goes through.
func (c *cacheFile) prepare() error {
	var err error
	const where = " FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?"
	if c.stmtGet, err = c.read.Prepare("SELECT tile_data, expires_at" + where); err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	if c.stmtHas, err = c.read.Prepare("SELECT expires_at" + where); err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	if c.stmtPut, err = c.write.Prepare(`INSERT OR REPLACE INTO tiles
		(zoom_level, tile_column, tile_row, tile_data, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	return nil
}

// tmsRow is t's row in MBTiles numbering (row 0 at the south).
func tmsRow(t maptile.Tile) int64 {
	return int64(1)<<t.Z - 1 - int64(t.Y)
}

// get returns tile t's bytes and whether they are still fresh; ok is false
// when the cache has no such tile.
func (c *cacheFile) get(ctx context.Context, t maptile.Tile, now time.Time) (data []byte, fresh, ok bool, err error) {
	var expires int64
	err = c.stmtGet.QueryRowContext(ctx, t.Z, t.X, tmsRow(t)).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("tiles: cache %s %s: %w", c.name, tileName(t), err)
	}
	return data, now.Unix() < expires, true, nil
}

// has reports whether tile t is cached and still fresh.
func (c *cacheFile) has(ctx context.Context, t maptile.Tile, now time.Time) (bool, error) {
	var expires int64
	err := c.stmtHas.QueryRowContext(ctx, t.Z, t.X, tmsRow(t)).Scan(&expires)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("tiles: cache %s %s: %w", c.name, tileName(t), err)
	}
	return now.Unix() < expires, nil
}

// put stores tile t, fetched at now and fresh for maxAge (loosely: clamped,
// defaultFresh when the server did not say).
func (c *cacheFile) put(ctx context.Context, t maptile.Tile, data []byte, now time.Time, maxAge time.Duration) error {
	switch {
	case maxAge <= 0:
		maxAge = defaultFresh
	case maxAge < minFresh:
		maxAge = minFresh
	case maxAge > maxFresh:
		maxAge = maxFresh
	}
	_, err := c.stmtPut.ExecContext(ctx, t.Z, t.X, tmsRow(t), data, now.Unix(), now.Add(maxAge).Unix())
	if err != nil {
		return fmt.Errorf("tiles: cache %s %s: %w", c.name, tileName(t), err)
	}
	return nil
}

// Close closes the cache file.
func (c *cacheFile) Close() error {
	var errs []error
	for _, s := range []*sql.Stmt{c.stmtGet, c.stmtHas, c.stmtPut} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	for _, db := range []*sql.DB{c.read, c.write} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tiles: cache %s: %w", c.path, err)
	}
	return nil
}

// How sqliteDSN opens a database.
const (
	dsnCacheWriter = iota // WAL, immediate transactions
	dsnCacheReader        // query-only
	dsnFile               // read-only: a user's MBTiles or GeoPackage
)

// sqliteDSN is the modernc.org/sqlite address of path, opened as mode says.
func sqliteDSN(path string, mode int) string {
	const busy = "_pragma=busy_timeout(10000)"
	switch mode {
	case dsnCacheWriter:
		return sqlitedsn.URI(path, busy, "_txlock=immediate", "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	case dsnCacheReader:
		return sqlitedsn.URI(path, busy, "_pragma=query_only(1)")
	default:
		return sqlitedsn.URI(path, busy, "mode=ro")
	}
}
