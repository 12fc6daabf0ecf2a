package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/protocol"
)

// SQLiteStorage's current features, as OGC API – Features reads them.

// QueryItems returns a page of the current features of a layer matching q,
// in row order, with the number matched. The bound is checked exactly on
// each geometry, not only on its bounding box.
//
// Without a filter, SQLite counts the rows and reads only the page: GIS
// clients page through whole layers (GDAL 3.6 by 10), and decoding every
// feature for each page made copying a layer quadratic.
func (s *SQLiteStorage) QueryItems(ctx context.Context, layer string, q ItemsQuery) ([]protocol.Change, int, error) {
	if q.Bound == nil && q.During == nil && len(q.Equals) == 0 {
		return s.pageItems(ctx, layer, q.Limit, q.Offset)
	}
	matched := 0
	var out []protocol.Change
	err := s.ws.Each(ctx, store.Query{Layer: layer, Bound: q.Bound, Equals: q.Equals}, func(f store.Feature) bool {
		if q.Bound != nil && !boundMeets(*q.Bound, f.Geometry) {
			return true
		}
		if q.During != nil && !q.During.Matches(f.Properties[q.During.Field]) {
			return true
		}
		if matched >= q.Offset && len(out) < q.Limit {
			out = append(out, protocol.Change{Layer: layer, ID: f.UUID, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties})
		}
		matched++
		return true
	})
	if err != nil {
		return nil, 0, fmt.Errorf("server: items of %s: %w", layer, err)
	}
	return out, matched, nil
}

// pageItems returns a page of all a layer's features, in row order, and
// their number.
func (s *SQLiteStorage) pageItems(ctx context.Context, layer string, limit, offset int) ([]protocol.Change, int, error) {
	n, err := s.ws.CountRows(ctx, layer)
	if err != nil {
		return nil, 0, fmt.Errorf("server: items of %s: %w", layer, err)
	}
	out := make([]protocol.Change, 0, min(limit, max(0, n-offset)))
	if offset < n && limit > 0 {
		err = s.ws.Each(ctx, store.Query{Layer: layer, Limit: limit, Offset: offset}, func(f store.Feature) bool {
			out = append(out, protocol.Change{Layer: layer, ID: f.UUID, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties})
			return true
		})
	}
	if err != nil {
		return nil, 0, fmt.Errorf("server: items of %s: %w", layer, err)
	}
	return out, n, nil
}

// Item returns a layer's current feature, read without a write transaction.
func (s *SQLiteStorage) Item(ctx context.Context, layer, id string) (protocol.Change, bool, error) {
	f, err := s.ws.Get(ctx, layer, id)
	if errors.Is(err, store.ErrFeatureNotFound) {
		return protocol.Change{}, false, nil
	}
	if err != nil {
		return protocol.Change{}, false, fmt.Errorf("server: item %s/%s: %w", layer, id, err)
	}
	return protocol.Change{Layer: layer, ID: f.UUID, Version: f.Version, Geometry: f.Geometry, Properties: f.Properties}, true, nil
}

// Extent returns the bounding box of a layer's geometries, from the
// store's in-memory index (rounded outward to float32).
func (s *SQLiteStorage) Extent(_ context.Context, layer string) (orb.Bound, bool) {
	return s.ws.Index().Bound(layer)
}

// TimeExtent returns the first and last values of a date or datetime
// field: ISO dates and RFC 3339 date-times in UTC, as the store keeps
// them, sort as text.
func (s *SQLiteStorage) TimeExtent(ctx context.Context, layer, field string) (first, last string, ok bool) {
	l, err := s.ws.Layer(layer)
	if err != nil {
		return "", "", false
	}
	if _, ok := l.Schema.Field(field); !ok {
		return "", "", false
	}
	col := quoteName(field)
	var lo, hi sql.NullString
	err = s.ws.DB().QueryRowContext(ctx, `SELECT min(`+col+`), max(`+col+`) FROM `+quoteName(l.Schema.Name)+` WHERE `+col+` <> ''`).Scan(&lo, &hi)
	if err != nil || !lo.Valid || !hi.Valid {
		return "", "", false
	}
	return lo.String, hi.String, true
}
