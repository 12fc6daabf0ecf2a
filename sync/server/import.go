package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"terrimap/store"
)

// ImportFile imports a GeoJSON, Shapefile, CSV or GeoPackage file into a
// platform layer as first versions by author, creating the layer from the
// file's fields when it does not exist. The file is read, reprojected and
// checked against the layer's schema in a scratch workspace first (which
// the store fills streaming the file), then streamed from it into the
// platform in one transaction (Seeder.SeedFeatureStream): memory is
// bounded whatever the file's size, and on any error nothing reaches the
// platform's features.
func ImportFile(ctx context.Context, st Seeder, path string, opts store.ImportOptions, author string) (n int, created bool, err error) {
	dir, err := os.MkdirTemp("", "terrimap-import-")
	if err != nil {
		return 0, false, err
	}
	defer os.RemoveAll(dir)
	scratch, err := store.Create(filepath.Join(dir, "scratch.gpkg"))
	if err != nil {
		return 0, false, err
	}
	defer scratch.Close()
	existing, err := platformLayer(ctx, st, opts.Layer)
	switch {
	case err == nil:
		s := existing.Schema
		s.ReadOnly = false
		if _, err := scratch.CreateLayer(ctx, s); err != nil {
			return 0, false, err
		}
	case errors.Is(err, ErrNotFound):
		created = true
	default:
		return 0, false, err
	}
	rep, err := scratch.ImportFile(ctx, path, opts)
	if err != nil {
		return 0, false, err
	}
	l, err := scratch.Layer(rep.Layer)
	if err != nil {
		return 0, false, err
	}
	if created {
		if err := st.PutLayer(ctx, LayerRecord{Schema: l.Schema, EditBy: EditByEditors}); err != nil {
			return 0, false, err
		}
	}
	n = 0
	features := func(yield func(store.RemoteFeature, error) bool) {
		stopped := false
		err := scratch.Each(ctx, store.Query{Layer: rep.Layer}, func(f store.Feature) bool {
			n++
			stopped = !yield(store.RemoteFeature{UUID: f.UUID, Geometry: f.Geometry, Properties: f.Properties}, nil)
			return !stopped
		})
		if err != nil && !stopped {
			yield(store.RemoteFeature{}, err)
		}
	}
	if err := st.SeedFeatureStream(ctx, rep.Layer, author, features); err != nil {
		return 0, false, fmt.Errorf("server: import %s: %w", filepath.Base(path), err)
	}
	if err := FinishSeeding(ctx, st); err != nil {
		return 0, false, fmt.Errorf("server: import %s: %w", filepath.Base(path), err)
	}
	return n, created, nil
}
