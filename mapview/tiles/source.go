// Package tiles provides the map's raster tile sources behind one
// interface: XYZ and WMTS servers over HTTP with an on-disk cache,
// MBTiles, PMTiles v3 and GeoPackage tile files, the platform's own
// rendered basemap; a fallback that fills a missing tile from the nearest
// lower zoom; and the offline preparation of a territory's tiles.
package tiles

import (
	"context"
	"errors"
	"image"

	"github.com/paulmach/orb/maptile"
)

// Errors callers tell apart.
var (
	// ErrNoTile: the source has no tile there (outside its extent or zooms,
	// or a 404); a fallback may fill it from a lower zoom.
	ErrNoTile = errors.New("tiles: no such tile")
	// ErrInvalidSource: a file or server that is not a tile source Terrimap reads.
	ErrInvalidSource = errors.New("tiles: not a usable tile source")
	// ErrOffline: the tile is neither cached nor reachable.
	ErrOffline = errors.New("tiles: tile not available offline")
)

// Info describes a source.
type Info struct {
	// Name identifies the source ("osm", "ign-plan", a file's base name…).
	Name string
	// Title is shown to users ("Plan IGN v2").
	Title string
	// Attribution must be shown with the map ("© OpenStreetMap contributors").
	Attribution string
	// MinZoom and MaxZoom bound the zooms the source has tiles for.
	MinZoom, MaxZoom maptile.Zoom
	// TileSize is the tiles' width and height in pixels (256 or 512).
	TileSize int
}

// Source gives map tiles in Web Mercator (EPSG:3857) XYZ addressing.
// Tile must be safe for concurrent use and honour ctx: the map asks for
// many tiles at once and cancels those the view has moved away from.
type Source interface {
	Info() Info
	// Tile returns the decoded image of tile t, or an error wrapping
	// ErrNoTile, ErrOffline or ErrInvalidSource.
	Tile(ctx context.Context, t maptile.Tile) (image.Image, error)
}
