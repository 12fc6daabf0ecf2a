package tiles

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// DefaultPrepareLimit is the most tiles Prepare downloads in one go from a
// provider that sets no limit of its own.
const DefaultPrepareLimit = 100000

// ErrTooManyTiles: Prepare refuses a download that large.
var ErrTooManyTiles = errors.New("tiles: too many tiles for one preparation")

// Kind is what a source's tiles show, which sets their typical weight.
type Kind int

// The kinds of tiles.
const (
	// KindMap is a drawn map (OpenStreetMap, Plan IGN): PNG.
	KindMap Kind = iota
	// KindPhoto is aerial photography: JPEG.
	KindPhoto
	// KindOverlay is a mostly transparent overlay (the cadastre): PNG.
	KindOverlay
)

// TileBytes is the typical weight of a 256-pixel tile of kind k, for
// estimates.
func (k Kind) TileBytes() int64 {
	switch k {
	case KindPhoto:
		return 25 << 10
	case KindOverlay:
		return 6 << 10
	}
	return 20 << 10
}

// Estimate counts the tiles covering area (a WGS84 polygon: the tiles
// touching it, not its bounding box) at zooms minZ to maxZ, and their
// likely weight for tiles of kind, to show before Prepare starts.
func Estimate(area orb.Geometry, minZ, maxZ maptile.Zoom, kind Kind) (count int, bytes int64, err error) {
	if minZ > maxZ || maxZ > 30 {
		return 0, 0, fmt.Errorf("tiles: zooms %d–%d", minZ, maxZ)
	}
	area, err = checkArea(area)
	if err != nil {
		return 0, 0, err
	}
	for z := minZ; z <= maxZ; z++ {
		ts, err := cover(area, z)
		if err != nil {
			return 0, 0, err
		}
		count += len(ts)
	}
	return count, int64(count) * kind.TileBytes(), nil
}

// Prepare downloads into src's cache in cacheDir (the file Cached uses)
// the tiles covering area at zooms minZ to maxZ, for use offline. Tiles
// already cached and fresh are skipped, so running it again resumes an
// interrupted preparation. It sends no more requests at once than src's
// Limiter allows, refuses more tiles than the provider's PrepareLimit
// (50,000 for OpenStreetMap, whose policy forbids bulk downloading), and
// stops at the first failure or when ctx ends; progress, if not nil, is
// called from Prepare's goroutine after each tile with the tiles done
// (skipped included) and the total.
func Prepare(ctx context.Context, src *XYZ, cacheDir string, area orb.Geometry, minZ, maxZ maptile.Zoom,
	progress func(done, total int)) error {
	name := src.cfg.Name
	if minZ > maxZ || maxZ > src.cfg.MaxZoom {
		return fmt.Errorf("tiles: %s: zooms %d–%d (the server goes to %d)", name, minZ, maxZ, src.cfg.MaxZoom)
	}
	minZ = max(minZ, src.cfg.MinZoom)
	area, err := checkArea(area)
	if err != nil {
		return err
	}
	all, err := src.planPrepare(area, minZ, maxZ)
	if err != nil {
		return err
	}
	cache, err := openCache(cacheDir, src.info, src.cfg.Format)
	if err != nil {
		return err
	}
	defer cache.Close()

	total, done := len(all), 0
	if progress != nil {
		progress(0, total)
	}
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan maptile.Tile)
	results := make(chan error)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for _, t := range all {
			select {
			case jobs <- t:
			case <-run.Done():
				return
			}
		}
	})
	for range src.limiter.PerHost() {
		wg.Go(func() {
			for t := range jobs {
				results <- src.prepareTile(run, cache, t)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var first error
	for err := range results {
		if err != nil {
			if first == nil {
				first = err
				cancel()
			}
			continue
		}
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	if err := ctx.Err(); err != nil {
		first = err
	}
	if first != nil {
		return fmt.Errorf("tiles: preparing %s stopped after %d of %d tiles: %w", name, done, total, first)
	}
	return nil
}

// planPrepare lists the tiles to prepare, refusing more than the
// provider allows.
func (s *XYZ) planPrepare(area orb.Geometry, minZ, maxZ maptile.Zoom) ([]maptile.Tile, error) {
	limit := s.cfg.PrepareLimit
	if limit <= 0 {
		limit = DefaultPrepareLimit
	}
	note := s.cfg.BulkNote
	if note == "" {
		note = "choose a smaller zoom range or area"
	}
	var all []maptile.Tile
	for z := minZ; z <= maxZ; z++ {
		ts, err := cover(area, z)
		if errors.Is(err, ErrTooManyTiles) {
			return nil, fmt.Errorf("%w: %s; %s", err, s.cfg.Name, note)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
		if len(all) > limit {
			return nil, fmt.Errorf("%w: %s: more than %d tiles for zooms %d–%d (%d up to zoom %d); %s",
				ErrTooManyTiles, s.cfg.Name, limit, minZ, maxZ, len(all), z, note)
		}
	}
	return all, nil
}

// prepareTile fetches and stores tile t unless the cache has it fresh. A
// tile the server does not have is done too: there is nothing to store.
func (s *XYZ) prepareTile(ctx context.Context, cache *cacheFile, t maptile.Tile) error {
	now := time.Now()
	fresh, err := cache.has(ctx, t, now)
	if err != nil || fresh {
		return err
	}
	blob, err := s.Fetch(ctx, t)
	if errors.Is(err, ErrNoTile) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := checkTile(s.cfg.Name+" "+tileName(t), blob.Data); err != nil {
		return err
	}
	return cache.put(ctx, t, blob.Data, now, blob.MaxAge)
}
