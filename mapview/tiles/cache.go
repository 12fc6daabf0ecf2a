package tiles

import (
	"context"
	"fmt"
	"image"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/maptile"
)

// CachedSource serves a tile server's tiles from its cache on disk — an
// MBTiles file, dir/<name>.mbtiles — and fetches, stores and serves those
// the cache lacks or holds past their freshness. A stale tile is still
// served when the server cannot give a new one. It is safe for concurrent
// use.
type CachedSource struct {
	src      *XYZ
	cache    *cacheFile
	offline  atomic.Bool
	storeErr atomic.Pointer[error]
	clock    func() time.Time
}

var _ Source = (*CachedSource)(nil)

// Cached opens (creating it) the cache of src in dir, usually
// CacheDir(workspace), and returns the source that goes through it.
func Cached(src *XYZ, dir string) (*CachedSource, error) {
	c, err := openCache(dir, src.info, src.cfg.Format)
	if err != nil {
		return nil, err
	}
	return &CachedSource{src: src, cache: c, clock: time.Now}, nil
}

// Info describes the server.
func (c *CachedSource) Info() Info { return c.src.Info() }

// Path returns the cache file's path.
func (c *CachedSource) Path() string { return c.cache.path }

// SetOffline stops (true) or resumes (false) network requests: offline,
// only the cache answers, stale tiles included, without waiting for
// timeouts.
func (c *CachedSource) SetOffline(offline bool) { c.offline.Store(offline) }

// StoreErr returns the last error met while storing a tile (a full disk,
// say), or nil. Such a tile was still served.
func (c *CachedSource) StoreErr() error {
	if p := c.storeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Close closes the cache file.
func (c *CachedSource) Close() error { return c.cache.Close() }

// Tile returns tile t from the cache when it is there and fresh, else from
// the server (storing it), else the stale cached copy; an error wrapping
// ErrOffline when there is neither.
func (c *CachedSource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	what := c.src.cfg.Name + " " + tileName(t)
	if !t.Valid() {
		return nil, fmt.Errorf("%w: %s: not a tile", ErrNoTile, what)
	}
	data, fresh, ok, err := c.cache.get(ctx, t, c.clock())
	if err != nil {
		if cerr := ctxErr(ctx, what); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	var stale image.Image
	if ok {
		// A tile that no longer decodes is fetched again.
		if img, derr := decodeTile(what, data); derr == nil {
			if fresh || c.offline.Load() {
				return img, nil
			}
			stale = img
		}
	}
	if c.offline.Load() {
		return nil, fmt.Errorf("%w: %s: not in the cache, and the network is switched off", ErrOffline, what)
	}
	blob, err := c.src.Fetch(ctx, t)
	if err != nil {
		if stale != nil && ctx.Err() == nil {
			return stale, nil
		}
		return nil, err
	}
	img, err := decodeTile(what, blob.Data)
	if err != nil {
		if stale != nil {
			return stale, nil
		}
		return nil, err
	}
	// Store even if the map no longer wants the tile: it was paid for.
	if err := c.cache.put(context.WithoutCancel(ctx), t, blob.Data, c.clock(), blob.MaxAge); err != nil {
		c.storeErr.Store(&err)
	}
	return img, nil
}
