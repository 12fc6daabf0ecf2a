package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"terrimap/sync/server"
	"terrimap/sync/server/basemap"
	"terrimap/sync/server/mirror"
)

// basemapCatchUp is how often the render copy of a PostgreSQL platform
// catches up with the feed on its own (tile requests also catch it up).
const basemapCatchUp = time.Minute

// platformBasemap returns the basemap drawn from st: from its own
// workspace (the SQLite file), or, for a platform without one
// (PostgreSQL), from a render copy of the layers the basemap draws, in a
// temporary folder, filled in the background from the feed and kept in
// step with it. stop ends the copy's upkeep and removes it.
func platformBasemap(ctx context.Context, st server.Storage, logger *slog.Logger) (tiles *basemap.Tiles, stop func(), err error) {
	if src, ok := st.(basemap.Source); ok {
		return basemap.New(src), func() {}, nil
	}
	dir, err := os.MkdirTemp("", "terrimap-basemap-")
	if err != nil {
		return nil, nil, fmt.Errorf("basemap copy: %w", err)
	}
	m, err := mirror.Open(st, filepath.Join(dir, "basemap.gpkg"), basemap.DrawnLayers())
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		start := time.Now()
		if err := m.CatchUp(ctx); err != nil {
			if ctx.Err() == nil {
				logger.Error("basemap copy: first catch-up with the feed", "err", err)
			}
		} else {
			logger.Info("basemap copy ready", "dir", dir, "feed", m.Applied(), "took", time.Since(start).Round(time.Millisecond))
		}
		m.Run(ctx, basemapCatchUp, logger)
	}()
	return basemap.New(m), func() {
		cancel()
		<-done
		m.Close()
		os.RemoveAll(dir)
	}, nil
}
