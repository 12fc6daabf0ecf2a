package server

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"terrimap/store"
	"terrimap/store/formats"
)

// Seeder is a Storage that also writes many first versions at once: the
// demo's networks and imported files. SQLiteStorage is one; the
// PostgreSQL storage (package pgstore) is another, with COPY.
type Seeder interface {
	Storage
	// SeedFeatures writes features as their first versions (version 1) by
	// author, with their history, in one transaction. It is
	// SeedFeatureStream over the slice, whose features it marks version 1.
	SeedFeatures(ctx context.Context, layer, author string, fs []store.RemoteFeature) error
	// SeedFeatureStream is SeedFeatures reading its features one at a time
	// from a stream, which it ranges over once: what it holds is a batch
	// of features (SeedBatchSize), not the stream, so an import of a file
	// of any size runs in bounded memory. An error of the stream, or a
	// feature the storage refuses, rolls everything back; the error names
	// the feature by its number in the stream (from 1). An error wrapping
	// ErrUpkeep comes after the commit: the features are stored.
	SeedFeatureStream(ctx context.Context, layer, author string, features iter.Seq2[store.RemoteFeature, error]) error
}

// ErrUpkeep marks an error of the upkeep that follows a seed's commit (the
// planner's statistics on PostgreSQL, the GeoPackage R*Tree on SQLite):
// the features are stored and clients receive them; what failed is done
// again later (autovacuum, the file's next open or close). A caller must
// not seed them again.
var ErrUpkeep = errors.New("the features are stored, but the upkeep after their commit failed")

var _ Seeder = (*SQLiteStorage)(nil)

// SeedBatchSize is how many features a seed writes at a time: large
// enough for the storages' bulk paths (multi-row inserts and a packed
// R*Tree on SQLite, COPY on PostgreSQL), small enough to be held.
const SeedBatchSize = 4096

// SeedSlice is a stream over fs for SeedFeatureStream; it marks each
// feature version 1 (in fs), as it is stored.
func SeedSlice(fs []store.RemoteFeature) iter.Seq2[store.RemoteFeature, error] {
	return func(yield func(store.RemoteFeature, error) bool) {
		for i := range fs {
			fs[i].Version = 1
			if !yield(fs[i], nil) {
				return
			}
		}
	}
}

// SeedBatches ranges over features and hands them to write in batches of
// SeedBatchSize, each feature version 1, with the number in the stream of
// the batch's first feature (from 1). It stops at the first error, of the
// stream or of write, and returns how many features it read. A stream's
// error is wrapped with the number of the feature it stopped at.
func SeedBatches(features iter.Seq2[store.RemoteFeature, error], write func(batch []store.RemoteFeature, first int) error) (int, error) {
	batch := make([]store.RemoteFeature, 0, SeedBatchSize)
	n := 0
	for f, err := range features {
		if err != nil {
			return n, &formats.FeatureError{Number: n + 1, Err: err}
		}
		n++
		f.Version = 1
		batch = append(batch, f)
		if len(batch) == SeedBatchSize {
			if err := write(batch, n-len(batch)+1); err != nil {
				return n, err
			}
			clear(batch)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := write(batch, n-len(batch)+1); err != nil {
			return n, err
		}
	}
	return n, nil
}

// FinishSeeding ends a bulk load: SQLite's spatial indexes, left behind
// while features were written in batches, are rebuilt in one pass so that
// QGIS and GDAL reading the file find every feature. Other storages keep
// their indexes current as they go. Its error wraps ErrUpkeep: the
// features were committed before.
func FinishSeeding(ctx context.Context, st Seeder) error {
	if s, ok := st.(*SQLiteStorage); ok {
		if err := s.ws.CatchUpRTrees(ctx); err != nil {
			return fmt.Errorf("server: finish seeding: %w: %w", ErrUpkeep, err)
		}
	}
	return nil
}
