package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"terrimap/store"
)

// ImportReport says what ImportFile did.
type ImportReport struct {
	// Features counts the features imported.
	Features int
	// Created is true when the import made the layer.
	Created bool
	// Upkeep, when not nil, is what failed after the features were
	// committed (it wraps ErrUpkeep): the import is done, clients receive
	// the features, and importing the file again would add them twice.
	Upkeep error
}

// ImportFile imports a GeoJSON, Shapefile, CSV or GeoPackage file into a
// platform layer as first versions by author, creating the layer from the
// file's fields when it does not exist. The file is read, reprojected and
// checked against the layer's schema in a scratch workspace first (which
// the store fills streaming the file), then streamed from it into the
// platform in one transaction (Seeder.SeedFeatureStream): memory is
// bounded whatever the file's size, and on any error nothing reaches the
// platform's features. Once they are committed the import has succeeded:
// what fails after is the report's Upkeep, not an error.
func ImportFile(ctx context.Context, st Seeder, path string, opts store.ImportOptions, author string) (ImportReport, error) {
	var out ImportReport
	dir, err := os.MkdirTemp("", "terrimap-import-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	scratch, err := store.Create(filepath.Join(dir, "scratch.gpkg"))
	if err != nil {
		return out, err
	}
	defer scratch.Close()
	existing, err := platformLayer(ctx, st, opts.Layer)
	switch {
	case err == nil:
		s := existing.Schema
		s.ReadOnly = false
		if _, err := scratch.CreateLayer(ctx, s); err != nil {
			return out, err
		}
	case errors.Is(err, ErrNotFound):
		out.Created = true
	default:
		return out, err
	}
	rep, err := scratch.ImportFile(ctx, path, opts)
	if err != nil {
		return out, err
	}
	l, err := scratch.Layer(rep.Layer)
	if err != nil {
		return out, err
	}
	if out.Created {
		if err := st.PutLayer(ctx, LayerRecord{Schema: l.Schema, EditBy: EditByEditors}); err != nil {
			return out, err
		}
	}
	features := func(yield func(store.RemoteFeature, error) bool) {
		stopped := false
		err := scratch.Each(ctx, store.Query{Layer: rep.Layer}, func(f store.Feature) bool {
			stopped = !yield(store.RemoteFeature{UUID: f.UUID, Geometry: f.Geometry, Properties: f.Properties}, nil)
			return !stopped
		})
		if err != nil && !stopped {
			yield(store.RemoteFeature{}, err)
		}
	}
	err = st.SeedFeatureStream(ctx, rep.Layer, author, features)
	if err != nil && !errors.Is(err, ErrUpkeep) {
		return ImportReport{}, fmt.Errorf("server: import %s: %w", filepath.Base(path), err)
	}
	out.Features = rep.Features // the scratch holds the file's features alone
	out.Upkeep = errors.Join(err, FinishSeeding(ctx, st))
	if out.Upkeep != nil {
		out.Upkeep = fmt.Errorf("server: import %s: %w", filepath.Base(path), out.Upkeep)
	}
	return out, nil
}
