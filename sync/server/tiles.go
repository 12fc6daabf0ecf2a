package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"terrimap/sync/protocol"
)

// The platform's basemap: GET /tiles/{style}/{z}/{x}/{y}.png answers a
// 256-pixel XYZ tile drawn by Options.Basemap (package basemap, which
// holds the map engine, so that this API does not). Like every other
// route it needs a signed-in member: the token goes in the tile source's
// Header.

// routeTiles is the basemap's route; {y} carries the ".png".
const routeTiles = "GET /tiles/{style}/{z}/{x}/{y}"

// tileMaxAge is how long a desk may keep a tile without asking again;
// private: a shared cache must not hand a signed-in user's tiles to others.
const tileMaxAge = "private, max-age=300"

// BasemapTiles draws the platform's basemap; basemap.Tiles is one.
type BasemapTiles interface {
	// HasStyle reports whether name is a style of the basemap.
	HasStyle(name string) bool
	// Generation is that of the data drawn; a tile's ETag carries it.
	Generation(ctx context.Context) (int64, error)
	// Tile returns a PNG tile of a style at a generation.
	Tile(ctx context.Context, style string, z, x, y int, gen int64) ([]byte, error)
}

// maxTileZoom bounds the zooms of the route.
const maxTileZoom = 20

// FeedEnd returns the sequence of the last version written: the end of the
// change feed, which every push, OGC write and import moves.
func (s *SQLiteStorage) FeedEnd(ctx context.Context) (int64, error) {
	var end sql.NullInt64
	if err := s.ws.DB().QueryRowContext(ctx, `SELECT max(seq) FROM srv_history`).Scan(&end); err != nil {
		return 0, fmt.Errorf("server: feed end: %w", err)
	}
	return end.Int64, nil
}

type tileKey struct {
	style   string
	z, x, y int
}

// parseTile reads the route's wildcards; ok is false for a tile that
// cannot exist.
func parseTile(r *http.Request) (k tileKey, ok bool) {
	ys, isPNG := strings.CutSuffix(r.PathValue("y"), ".png")
	z, errZ := strconv.Atoi(r.PathValue("z"))
	x, errX := strconv.Atoi(r.PathValue("x"))
	y, errY := strconv.Atoi(ys)
	if !isPNG || errZ != nil || errX != nil || errY != nil || z < 0 || z > maxTileZoom {
		return k, false
	}
	n := 1 << z
	if x < 0 || y < 0 || x >= n || y >= n {
		return k, false
	}
	return tileKey{style: r.PathValue("style"), z: z, x: x, y: y}, true
}

func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, u User) {
	k, ok := parseTile(r)
	if !ok {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound,
			fmt.Sprintf("Pas de tuile à cette adresse : le fond de plan va des niveaux 0 à %d, x et y de 0 à 2^z − 1, en .png.", maxTileZoom))
		return
	}
	bm := s.opts.Basemap
	if bm == nil {
		writeError(w, http.StatusNotImplemented, protocol.CodeUnavailable, "Cette plateforme ne dessine pas de fond de plan.")
		return
	}
	if !bm.HasStyle(k.style) {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest,
			fmt.Sprintf("Le fond de plan %q n'existe pas : choisissez plan ou reseaux.", k.style))
		return
	}
	if len(u.Memberships) == 0 {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden,
			"Votre compte n'est rattaché à aucune commune : demandez à l'administrateur de la plateforme.")
		return
	}
	gen, err := bm.Generation(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := fmt.Sprintf(`"%s-%d-%d-%d-g%d"`, k.style, k.z, k.x, k.y, gen)
	w.Header().Set("Cache-Control", tileMaxAge)
	w.Header().Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	data, err := bm.Tile(r.Context(), k.style, k.z, k.x, k.y, gen)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set(protocol.HeaderContentType, "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
