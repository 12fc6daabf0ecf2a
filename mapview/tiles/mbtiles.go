package tiles

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// MBTiles is a raster MBTiles file (PNG, JPEG or WebP tiles), opened
// read-only. It is safe for concurrent use.
type MBTiles struct {
	path string
	db   *sql.DB
	get  *sql.Stmt
	info Info
}

var _ Source = (*MBTiles)(nil)

// errVector is the refusal of vector tiles, in the users' words.
const errVector = "tuiles vectorielles non prises en charge (vector tiles: Terrimap shows raster tiles only)"

// OpenMBTiles opens a raster MBTiles file. Files that are not SQLite, lack
// the metadata or tiles table, or hold vector tiles are refused with an
// error wrapping ErrInvalidSource.
func OpenMBTiles(path string) (*MBTiles, error) {
	base := filepath.Base(path)
	if err := checkSQLite(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(path, dsnFile))
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: %w", base, err)
	}
	m := &MBTiles{path: path, db: db}
	if err := m.load(context.Background(), base); err != nil {
		db.Close()
		return nil, err
	}
	return m, nil
}

// checkSQLite refuses, before SQLite sees it, a file that is not a SQLite
// database.
func checkSQLite(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tiles: %w", err)
	}
	defer f.Close()
	head := make([]byte, 100)
	if n, _ := io.ReadFull(f, head); n < 100 || !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%w: %s is not a SQLite database", ErrInvalidSource, filepath.Base(path))
	}
	return nil
}

// tablesOf lists the tables and views of db.
func tablesOf(ctx context.Context, db *sql.DB, name string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, name, err)
	}
	defer rows.Close()
	tables := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, name, err)
		}
		tables[strings.ToLower(t)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, name, err)
	}
	return tables, nil
}

// load reads the metadata, checks the tiles are raster and prepares the
// tile query.
func (m *MBTiles) load(ctx context.Context, base string) error {
	tables, err := tablesOf(ctx, m.db, base)
	if err != nil {
		return err
	}
	if !tables["metadata"] || !tables["tiles"] {
		return fmt.Errorf("%w: %s is not an MBTiles file (no metadata or tiles table)", ErrInvalidSource, base)
	}
	meta, err := readMetadata(ctx, m.db, base)
	if err != nil {
		return err
	}
	var first []byte
	err = m.db.QueryRowContext(ctx, "SELECT tile_data FROM tiles LIMIT 1").Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
	}
	switch f := strings.ToLower(meta["format"]); {
	case f == "pbf" || f == "mvt" || (f == "" && (isGzip(first) || strings.Contains(meta["json"], "vector_layers"))):
		return fmt.Errorf("%w: %s: %s", ErrInvalidSource, base, errVector)
	case f == "png" || f == "jpg" || f == "jpeg" || f == "webp" || f == "":
	default:
		return fmt.Errorf("%w: %s: tile format %q is not supported (PNG, JPEG or WebP)", ErrInvalidSource, base, f)
	}
	if first == nil {
		return fmt.Errorf("%w: %s holds no tiles", ErrInvalidSource, base)
	}
	if err := checkTile(base, first); err != nil {
		return err
	}
	size := 256
	if cfg, err := imageConfig(first); err == nil && cfg.Width > 0 {
		size = cfg.Width
	}
	minZ, maxZ, err := m.zooms(ctx, meta, base)
	if err != nil {
		return err
	}
	title := meta["name"]
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if title == "" {
		title = name
	}
	m.info = Info{
		Name: name, Title: title, Attribution: meta["attribution"],
		MinZoom: minZ, MaxZoom: maxZ, TileSize: size,
	}
	m.get, err = m.db.PrepareContext(ctx,
		"SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?")
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
	}
	return nil
}

// readMetadata reads an MBTiles or cache metadata table.
func readMetadata(ctx context.Context, db *sql.DB, base string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, value FROM metadata")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: metadata: %w", ErrInvalidSource, base, err)
	}
	defer rows.Close()
	meta := map[string]string{}
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("%w: %s: metadata: %w", ErrInvalidSource, base, err)
		}
		meta[strings.ToLower(k.String)] = strings.TrimSpace(v.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: metadata: %w", ErrInvalidSource, base, err)
	}
	return meta, nil
}

// zooms takes the zoom range from the metadata, or from the tiles when the
// metadata does not say.
func (m *MBTiles) zooms(ctx context.Context, meta map[string]string, base string) (maptile.Zoom, maptile.Zoom, error) {
	lo, errLo := strconv.Atoi(meta["minzoom"])
	hi, errHi := strconv.Atoi(meta["maxzoom"])
	if errLo != nil || errHi != nil {
		var l, h sql.NullInt64
		if err := m.db.QueryRowContext(ctx, "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").Scan(&l, &h); err != nil {
			return 0, 0, fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
		}
		lo, hi = int(l.Int64), int(h.Int64)
	}
	if lo < 0 || hi > 30 || lo > hi {
		return 0, 0, fmt.Errorf("%w: %s: zooms %d–%d", ErrInvalidSource, base, lo, hi)
	}
	return maptile.Zoom(lo), maptile.Zoom(hi), nil
}

// imageConfig reads an image's size.
func imageConfig(data []byte) (image.Config, error) {
	_, decodeConfig, err := codec("", data)
	if err != nil {
		return image.Config{}, err
	}
	return decodeConfig(bytes.NewReader(data))
}

// Info describes the file.
func (m *MBTiles) Info() Info { return m.info }

// Tile reads and decodes tile t.
func (m *MBTiles) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	what := m.info.Name + " " + tileName(t)
	if !t.Valid() || t.Z < m.info.MinZoom || t.Z > m.info.MaxZoom {
		return nil, fmt.Errorf("%w: %s: outside the file's zooms", ErrNoTile, what)
	}
	return readTile(ctx, m.get, what, t.Z, t.X, tmsRow(t))
}

// Close closes the file.
func (m *MBTiles) Close() error { return closeTileFile(m.get, m.db, m.path) }
