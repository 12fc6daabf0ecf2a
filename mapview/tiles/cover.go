package tiles

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
)

// maxCoverPerZoom bounds the tiles of one zoom's bounding box that cover
// computes; past it a request is absurd for a desktop and refused before
// any memory is spent on it.
const maxCoverPerZoom = 1 << 20

// checkArea checks that area is a territory tilecover handles without
// surprise: polygons of closed rings with finite coordinates in WGS84
// range and some extent, or a bound. It returns it with its rings closed.
func checkArea(area orb.Geometry) (orb.Geometry, error) {
	switch g := area.(type) {
	case orb.Bound:
		if !finite(g.Min) || !finite(g.Max) || g.Min[0] > g.Max[0] || g.Min[1] > g.Max[1] {
			return nil, fmt.Errorf("tiles: area %v is not a valid bound", g)
		}
		return g, nil
	case orb.Ring:
		p, err := checkPolygon(orb.Polygon{g})
		return p, err
	case orb.Polygon:
		return checkPolygon(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, 0, len(g))
		for _, p := range g {
			cp, err := checkPolygon(p)
			if err != nil {
				return nil, err
			}
			out = append(out, cp)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("tiles: the area is an empty multipolygon")
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("tiles: no area given")
	}
	return nil, fmt.Errorf("tiles: the area must be a polygon in WGS84 (a commune's territory), not a %s", area.GeoJSONType())
}

// checkPolygon checks and closes the rings of p.
func checkPolygon(p orb.Polygon) (orb.Polygon, error) {
	if len(p) == 0 {
		return nil, fmt.Errorf("tiles: the area is an empty polygon")
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		for _, pt := range r {
			if !finite(pt) {
				return nil, fmt.Errorf("tiles: the area has a point %v outside WGS84 longitudes and the latitudes Web Mercator tiles reach", pt)
			}
		}
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(slices.Clip(r), r[0])
		}
		b := r.Bound()
		if len(r) < 4 || (b.Max[0]-b.Min[0] < 1e-9 && b.Max[1]-b.Min[1] < 1e-9) {
			return nil, fmt.Errorf("tiles: ring %d of the area is not a ring (%d points, no extent)", i, len(r))
		}
		out[i] = r
	}
	return out, nil
}

// maxLat is where maptile.Fraction stops: tiles end there.
const maxLat = 85.0511

// finite reports whether p is a longitude and latitude that Web Mercator
// tiles reach.
func finite(p orb.Point) bool {
	return math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= maxLat // false for NaNs
}

// cover returns the tiles of zoom z covering area (checked by checkArea),
// sorted by row then column, refusing zooms whose bounding box exceeds
// maxCoverPerZoom tiles.
func cover(area orb.Geometry, z maptile.Zoom) (tiles []maptile.Tile, err error) {
	// checkArea rules out the degenerate rings tilecover indexes out of
	// range on; should one slip through, it is an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			tiles, err = nil, fmt.Errorf("tiles: area at zoom %d: tilecover failed: %v", z, r)
		}
	}()
	b := area.Bound()
	lo, hi := maptile.At(b.Min, z), maptile.At(b.Max, z)
	if n := (uint64(hi.X) - uint64(lo.X) + 1) * (uint64(lo.Y) - uint64(hi.Y) + 1); n > maxCoverPerZoom {
		return nil, fmt.Errorf("%w: the area spans %d tiles at zoom %d", ErrTooManyTiles, n, z)
	}
	set, err := tilecover.Geometry(area, z)
	if err != nil {
		return nil, fmt.Errorf("tiles: area at zoom %d: %w", z, err)
	}
	out := make([]maptile.Tile, 0, len(set))
	for t := range set {
		// A longitude of exactly 180 falls one column past the world.
		if t.Valid() {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b maptile.Tile) int {
		if a.Y != b.Y {
			return int(int64(a.Y) - int64(b.Y))
		}
		return int(int64(a.X) - int64(b.X))
	})
	return out, nil
}
