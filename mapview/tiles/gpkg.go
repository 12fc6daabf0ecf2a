package tiles

import (
	"context"
	"database/sql"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// retile is the advice given with a pyramid Terrimap cannot show.
const retile = "re-tile it with gdal_translate -of GPKG -co TILING_SCHEME=GoogleMapsCompatible"

// GeoPackageTiles is a tile pyramid of a GeoPackage (a table of data type
// "tiles") in Web Mercator, EPSG:3857, whose levels fall on the XYZ grid —
// GDAL's GoogleMapsCompatible tiling, or any pyramid of power-of-two
// matrices aligned on it. It is safe for concurrent use.
type GeoPackageTiles struct {
	path   string
	db     *sql.DB
	get    *sql.Stmt
	info   Info
	levels map[maptile.Zoom]gpkgLevel
}

var _ Source = (*GeoPackageTiles)(nil)

// gpkgLevel is a tile matrix and where it sits on the XYZ grid of its zoom:
// XYZ tile (x, y) is its tile (x-dx, y-dy).
type gpkgLevel struct {
	level         int64
	width, height int64
	dx, dy        int64
}

// GeoPackageTileTables lists the tile pyramids of a GeoPackage.
func GeoPackageTileTables(path string) ([]string, error) {
	db, err := openGeoPackage(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	names, _, err := tileTables(context.Background(), db, filepath.Base(path))
	return names, err
}

// OpenGeoPackageTiles opens the tile pyramid table of a GeoPackage; table
// "" picks the only one.
func OpenGeoPackageTiles(path, table string) (*GeoPackageTiles, error) {
	db, err := openGeoPackage(path)
	if err != nil {
		return nil, err
	}
	g := &GeoPackageTiles{path: path, db: db, levels: map[maptile.Zoom]gpkgLevel{}}
	if err := g.load(context.Background(), filepath.Base(path), table); err != nil {
		db.Close()
		return nil, err
	}
	return g, nil
}

// openGeoPackage opens a GeoPackage read-only, refusing files without the
// tile tables.
func openGeoPackage(path string) (*sql.DB, error) {
	base := filepath.Base(path)
	if err := checkSQLite(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(path, dsnFile))
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: %w", base, err)
	}
	tables, err := tablesOf(context.Background(), db, base)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, t := range []string{"gpkg_contents", "gpkg_spatial_ref_sys", "gpkg_tile_matrix_set", "gpkg_tile_matrix"} {
		if !tables[t] {
			db.Close()
			return nil, fmt.Errorf("%w: %s is not a GeoPackage with tiles (no %s table)", ErrInvalidSource, base, t)
		}
	}
	return db, nil
}

// tileTables lists the tile tables and their titles.
func tileTables(ctx context.Context, db *sql.DB, base string) ([]string, map[string]string, error) {
	rows, err := db.QueryContext(ctx,
		"SELECT table_name, identifier FROM gpkg_contents WHERE lower(data_type) = 'tiles' ORDER BY table_name")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
	}
	defer rows.Close()
	var names []string
	titles := map[string]string{}
	for rows.Next() {
		var name, title sql.NullString
		if err := rows.Scan(&name, &title); err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
		}
		names = append(names, name.String)
		titles[name.String] = title.String
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, base, err)
	}
	return names, titles, nil
}

// load picks the table, checks its projection and grid and prepares the
// tile query.
func (g *GeoPackageTiles) load(ctx context.Context, base, table string) error {
	names, titles, err := tileTables(ctx, g.db, base)
	if err != nil {
		return err
	}
	switch {
	case len(names) == 0:
		return fmt.Errorf("%w: %s holds no tile pyramid", ErrInvalidSource, base)
	case table == "" && len(names) > 1:
		return fmt.Errorf("%w: %s holds %d tile pyramids (%s): say which", ErrInvalidSource, base, len(names), strings.Join(names, ", "))
	case table == "":
		table = names[0]
	}
	if _, ok := titles[table]; !ok {
		return fmt.Errorf("%w: %s has no tile pyramid %q", ErrInvalidSource, base, table)
	}
	what := base + " " + table
	var srs int64
	var minX, maxY float64
	err = g.db.QueryRowContext(ctx,
		"SELECT srs_id, min_x, max_y FROM gpkg_tile_matrix_set WHERE table_name = ?", table).Scan(&srs, &minX, &maxY)
	if err != nil {
		return fmt.Errorf("%w: %s: tile matrix set: %w", ErrInvalidSource, what, err)
	}
	if err := g.checkSRS(ctx, what, srs); err != nil {
		return err
	}
	maxSize, err := g.loadLevels(ctx, what, table, minX, maxY)
	if err != nil {
		return err
	}
	lo, hi := maptile.Zoom(math.MaxUint32), maptile.Zoom(0)
	for z := range g.levels {
		lo, hi = min(lo, z), max(hi, z)
	}
	title := titles[table]
	if title == "" {
		title = table
	}
	g.info = Info{Name: table, Title: title, MinZoom: lo, MaxZoom: hi, TileSize: maxSize}
	q := `SELECT tile_data FROM "` + strings.ReplaceAll(table, `"`, `""`) +
		`" WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`
	if g.get, err = g.db.PrepareContext(ctx, q); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSource, what, err)
	}
	return nil
}

// checkSRS refuses tiles not in EPSG:3857.
func (g *GeoPackageTiles) checkSRS(ctx context.Context, what string, srs int64) error {
	var org sql.NullString
	var code sql.NullInt64
	err := g.db.QueryRowContext(ctx,
		"SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?", srs).Scan(&org, &code)
	if err != nil {
		return fmt.Errorf("%w: %s: spatial reference system %d: %w", ErrInvalidSource, what, srs, err)
	}
	if !strings.EqualFold(org.String, "EPSG") || code.Int64 != 3857 {
		return fmt.Errorf("%w: %s: tiles in %s:%d, Terrimap shows Web Mercator (EPSG:3857) tiles; %s",
			ErrInvalidSource, what, org.String, code.Int64, retile)
	}
	return nil
}

// loadLevels reads the tile matrices and places each on the XYZ grid,
// refusing those that do not fall on it. It returns the tile size of the
// deepest level.
func (g *GeoPackageTiles) loadLevels(ctx context.Context, what, table string, minX, maxY float64) (int, error) {
	world := project.Bound(maptile.New(0, 0, 0).Bound(), project.WGS84.ToMercator)
	worldSize := world.Max[0] - world.Min[0]
	rows, err := g.db.QueryContext(ctx, `SELECT zoom_level, matrix_width, matrix_height, tile_width, tile_height,
		pixel_x_size, pixel_y_size FROM gpkg_tile_matrix WHERE table_name = ? ORDER BY zoom_level`, table)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: tile matrix: %w", ErrInvalidSource, what, err)
	}
	defer rows.Close()
	size, deepest := 0, maptile.Zoom(0)
	for rows.Next() {
		var l gpkgLevel
		var tw, th int64
		var px, py float64
		if err := rows.Scan(&l.level, &l.width, &l.height, &tw, &th, &px, &py); err != nil {
			return 0, fmt.Errorf("%w: %s: tile matrix: %w", ErrInvalidSource, what, err)
		}
		if l.width <= 0 || l.height <= 0 || tw <= 0 || tw > maxTilePixels || tw != th || !(px > 0) || !(py > 0) {
			return 0, fmt.Errorf("%w: %s: tile matrix %d: %d×%d tiles of %d×%d pixels; Terrimap needs square tiles",
				ErrInvalidSource, what, l.level, l.width, l.height, tw, th)
		}
		span := float64(tw) * px
		zf := math.Log2(worldSize / span)
		z := math.Round(zf)
		dx := (minX - world.Min[0]) / span
		dy := (world.Max[1] - maxY) / span
		// Written so that NaNs fail.
		onGrid := math.Abs(zf-z) <= 1e-6 && z >= 0 && z <= 30 && math.Abs(px-py) <= 1e-9*px &&
			math.Abs(dx-math.Round(dx)) <= 1e-3 && math.Abs(dy-math.Round(dy)) <= 1e-3 &&
			math.Abs(dx) < 1<<31 && math.Abs(dy) < 1<<31
		if !onGrid {
			return 0, fmt.Errorf("%w: %s: tile matrix %d is not on the Web Mercator XYZ grid; %s",
				ErrInvalidSource, what, l.level, retile)
		}
		l.dx, l.dy = int64(math.Round(dx)), int64(math.Round(dy))
		zoom := maptile.Zoom(z)
		if _, dup := g.levels[zoom]; dup {
			return 0, fmt.Errorf("%w: %s: two tile matrices at zoom %d", ErrInvalidSource, what, zoom)
		}
		g.levels[zoom] = l
		if zoom >= deepest {
			size, deepest = int(tw), zoom
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("%w: %s: tile matrix: %w", ErrInvalidSource, what, err)
	}
	if len(g.levels) == 0 {
		return 0, fmt.Errorf("%w: %s has no tile matrix", ErrInvalidSource, what)
	}
	return size, nil
}

// Info describes the pyramid.
func (g *GeoPackageTiles) Info() Info { return g.info }

// Tile reads and decodes tile t.
func (g *GeoPackageTiles) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	what := g.info.Name + " " + tileName(t)
	l, ok := g.levels[t.Z]
	if !ok || !t.Valid() {
		return nil, fmt.Errorf("%w: %s: no tile matrix at this zoom", ErrNoTile, what)
	}
	col, row := int64(t.X)-l.dx, int64(t.Y)-l.dy
	if col < 0 || row < 0 || col >= l.width || row >= l.height {
		return nil, fmt.Errorf("%w: %s: outside the pyramid", ErrNoTile, what)
	}
	return readTile(ctx, g.get, what, l.level, col, row)
}

// Close closes the file.
func (g *GeoPackageTiles) Close() error { return closeTileFile(g.get, g.db, g.path) }
