package server

import (
	"context"

	"terrimap/store"
)

// Seeder is a Storage that also writes many first versions at once: the
// demo's networks and imported files. SQLiteStorage is one; the
// PostgreSQL storage (package pgstore) is another, with COPY.
type Seeder interface {
	Storage
	// SeedFeatures writes features as their first versions (version 1) by
	// author, with their history, in one transaction.
	SeedFeatures(ctx context.Context, layer, author string, fs []store.RemoteFeature) error
}

var _ Seeder = (*SQLiteStorage)(nil)

// FinishSeeding ends a bulk load: SQLite's spatial indexes, left behind
// while features were written in batches, are rebuilt in one pass so that
// QGIS and GDAL reading the file find every feature. Other storages keep
// their indexes current as they go.
func FinishSeeding(ctx context.Context, st Seeder) error {
	if s, ok := st.(*SQLiteStorage); ok {
		return s.ws.CatchUpRTrees(ctx)
	}
	return nil
}
