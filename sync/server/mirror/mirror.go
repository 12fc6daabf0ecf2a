// Package mirror keeps a local GeoPackage copy of some of a platform's
// layers in step with its change feed, as a desk does (the feed, page by
// page, through store's ApplyRemoteBatch): the basemap draws from a
// store.Workspace, and a platform on PostgreSQL has none of its own.
//
// Its cost: the layers copied (those the basemap draws) on the server's
// disk (8.6 MB for the demo at scale 1), a first sync of them when the
// server starts (5 s for the demo's 22,000 drawn features on a loaded
// machine; tiles are drawn from what has arrived meanwhile), and, per tile
// request, a read of the feed after what it holds and of the schema
// version (an empty page when nothing moved). A Mirror satisfies
// basemap.Source: its generation is the feed sequence it has applied.
package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"terrimap/store"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// pageSize is the number of feed entries read and applied at once.
const pageSize = 5000

// Mirror is a local copy of a platform's layers. It is safe for
// concurrent use.
type Mirror struct {
	st     server.Storage
	ws     *store.Workspace
	wanted []string

	// mu is held by the one catch-up under way.
	mu sync.Mutex
	// schemaVersion is the platform's schema version the copy's layers
	// are at; layers the platform layers copied; both under mu.
	schemaVersion int64
	layers        []string
	// applied is the feed sequence the copy holds everything up to.
	applied atomic.Int64
}

// Open makes a new copy at path (a GeoPackage file, which must not exist)
// of the platform layers named in wanted (every platform layer when
// wanted is empty). It is empty until CatchUp or Run fills it.
func Open(st server.Storage, path string, wanted []string) (*Mirror, error) {
	ws, err := store.Create(path)
	if err != nil {
		return nil, fmt.Errorf("mirror: open: %w", err)
	}
	return &Mirror{st: st, ws: ws, wanted: slices.Clone(wanted), schemaVersion: -1}, nil
}

// Workspace is the copy (basemap.Source).
func (m *Mirror) Workspace() *store.Workspace { return m.ws }

// Close closes the copy's file.
func (m *Mirror) Close() error { return m.ws.Close() }

// Applied is the feed sequence the copy holds everything up to.
func (m *Mirror) Applied() int64 { return m.applied.Load() }

// FeedEnd catches the copy up with the feed, unless a catch-up is already
// under way (then what it holds so far is drawn), and returns the feed
// sequence it holds (basemap.Source: the tiles' generation).
func (m *Mirror) FeedEnd(ctx context.Context) (int64, error) {
	if m.mu.TryLock() {
		err := m.catchUp(ctx)
		m.mu.Unlock()
		if err != nil {
			return 0, err
		}
	}
	return m.applied.Load(), nil
}

// CatchUp applies the feed up to its end.
func (m *Mirror) CatchUp(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.catchUp(ctx)
}

// Run catches up at once, then every period, until ctx ends: a tile
// request then seldom finds much to apply. Failures are logged and tried
// again at the next period.
func (m *Mirror) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := m.CatchUp(ctx); err != nil && ctx.Err() == nil {
			log.Error("basemap copy: catching up with the feed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// catchUp applies the feed from the copy's cursor to its end, a page per
// transaction; m.mu is held.
func (m *Mirror) catchUp(ctx context.Context) error {
	cursor := m.applied.Load()
	for {
		if m.schemaVersion < 0 {
			if err := m.syncLayers(ctx); err != nil {
				return err
			}
		}
		changes, next, more, err := m.st.Changes(ctx, cursor, pageSize, m.layers)
		if err != nil {
			return fmt.Errorf("mirror: feed: %w", err)
		}
		// The schema version is read after the page: a layer created, or
		// given a field, before any of the page's features were written
		// shows here, and the page is read again with the layers as they
		// are now (a layer left out of the page's query would lose its
		// first features for good).
		sv, err := m.st.SchemaVersion(ctx)
		if err != nil {
			return fmt.Errorf("mirror: schema version: %w", err)
		}
		if sv != m.schemaVersion {
			m.schemaVersion = -1
			continue
		}
		if err := m.apply(ctx, changes, next); err != nil {
			return err
		}
		cursor = next
		if !more {
			// Bulk pages may leave the file's R*Trees behind
			// (store/rtree_behind.go); the renderer needs them whole.
			if err := m.ws.CatchUpRTrees(ctx); err != nil {
				return fmt.Errorf("mirror: %w", err)
			}
			return nil
		}
	}
}

// syncLayers creates or evolves the copy's layers as the platform has
// them, and notes the schema version they are at.
func (m *Mirror) syncLayers(ctx context.Context) error {
	sv, err := m.st.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("mirror: schema version: %w", err)
	}
	recs, err := m.st.Layers(ctx)
	if err != nil {
		return fmt.Errorf("mirror: layers: %w", err)
	}
	var names []string
	err = m.ws.Edit(ctx, func(tx *store.Tx) error {
		for _, r := range recs {
			if len(m.wanted) > 0 && !slices.Contains(m.wanted, r.Schema.Name) {
				continue
			}
			names = append(names, r.Schema.Name)
			local, err := m.ws.Layer(r.Schema.Name)
			switch {
			case errors.Is(err, store.ErrLayerNotFound):
				_, err = tx.CreateLayer(r.Schema)
			case err == nil && !reflect.DeepEqual(local.Schema, r.Schema):
				err = tx.UpdateLayerSchema(r.Schema)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mirror: layers: %w", err)
	}
	m.layers, m.schemaVersion = names, sv
	return nil
}

// apply writes a page of the feed to the copy and moves its cursor to
// next once the page is committed.
func (m *Mirror) apply(ctx context.Context, changes []protocol.Change, next int64) error {
	if len(changes) > 0 {
		byLayer := map[string][]store.RemoteFeature{}
		var order []string
		for _, c := range changes {
			l, err := m.ws.Layer(c.Layer)
			if errors.Is(err, store.ErrLayerNotFound) {
				continue // not a layer copied
			}
			if err != nil {
				return fmt.Errorf("mirror: apply %s/%s: %w", c.Layer, c.ID, err)
			}
			if _, ok := byLayer[c.Layer]; !ok {
				order = append(order, c.Layer)
			}
			props, _ := protocol.CoerceProperties(&l.Schema, c.Properties)
			byLayer[c.Layer] = append(byLayer[c.Layer], store.RemoteFeature{UUID: c.ID, Version: c.Version,
				Deleted: c.Deleted, Geometry: c.Geometry, Properties: props})
		}
		err := m.ws.Edit(ctx, func(tx *store.Tx) error {
			for _, layer := range order {
				if _, err := tx.ApplyRemoteBatch(layer, byLayer[layer]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("mirror: apply the feed: %w", err)
		}
	}
	m.applied.Store(next)
	return nil
}
