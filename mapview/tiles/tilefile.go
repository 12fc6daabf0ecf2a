package tiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
)

// readTile runs a prepared query for one tile's blob (MBTiles and
// GeoPackage tile tables) and decodes it: no row is ErrNoTile, a read
// error ErrInvalidSource unless the caller gave up.
func readTile(ctx context.Context, get *sql.Stmt, what string, args ...any) (image.Image, error) {
	var data []byte
	err := get.QueryRowContext(ctx, args...).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: %s", ErrNoTile, what)
	case err != nil:
		if cerr := ctxErr(ctx, what); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidSource, what, err)
	}
	return decodeTile(what, data)
}

// closeTileFile closes a tile file's prepared statement and database.
func closeTileFile(get *sql.Stmt, db *sql.DB, path string) error {
	if get != nil {
		get.Close()
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("tiles: %s: %w", path, err)
	}
	return nil
}
