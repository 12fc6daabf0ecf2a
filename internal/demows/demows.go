// Package demows writes workspaces of the demo territory for tests and
// benchmarks: the layers of sync/server/demo with the generated features
// that meet an extent, as a desk that synced them would hold them
// (tm_version 1, no pending edits).
//
// It only serves tests: the desktop and the platform never import it.
package demows

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/server/demo"
)

// Tournus returns the extent of the centre of Tournus and its streets,
// about 2.7 km by 2.8 km: what most tests need.
func Tournus() orb.Bound {
	return orb.Bound{Min: orb.Point{4.89, 46.55}, Max: orb.Point{4.925, 46.575}}
}

// format changes when the workspaces Cached keeps must be made again
// (2: the DT-DICT layers and their rows without geometry; 3: the gaps in
// the networks' records, the renewals' log and the ICGP declarations; 4:
// the DT-DICT services' addresses; 5: the renewals' log spread over the
// year; 6: the text index kept in the workspace, written as the features
// are — a workspace made before it had none, and every test that opened
// one built it first).
const format = 6

// Cached returns the path of a workspace Write made for extent, kept in the
// temp dir under name and made only the first time (the generator is
// deterministic): tests open it read-only, or copy it to change it.
// Processes that make it at once each write their own file and rename it
// into place.
func Cached(name string, extent orb.Bound) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-demows-v%d-%s.gpkg", format, name))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := fmt.Sprintf("%s.%d.part", path, os.Getpid())
	os.Remove(tmp)
	if err := Write(tmp, extent); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("demows: %w", err)
	}
	return path, nil
}

// Open opens the workspace Cached keeps under name for extent, read-only,
// for the rest of tb.
func Open(tb testing.TB, name string, extent orb.Bound) *store.Workspace {
	tb.Helper()
	path, err := Cached(name, extent)
	return openReadOnly(tb, path, err)
}

// Copy returns the path of a writable copy of the workspace Cached keeps
// under name for extent, as <name>.gpkg in tb's temp dir: a test that
// changes it leaves the cache as it was made.
func Copy(tb testing.TB, name string, extent orb.Bound) string {
	tb.Helper()
	src, err := Cached(name, extent)
	return copyToTemp(tb, src, err, name+".gpkg")
}

// OpenCopy opens a Copy of the workspace Cached keeps under name for
// extent, for writing, for the rest of tb.
func OpenCopy(tb testing.TB, name string, extent orb.Bound) *store.Workspace {
	tb.Helper()
	ws, err := store.Open(Copy(tb, name, extent), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ws.Close() })
	return ws
}

// CopyScale is Copy of the workspace CachedScale keeps for scale, as
// scale<scale>.gpkg.
func CopyScale(tb testing.TB, scale float64) string {
	tb.Helper()
	src, err := CachedScale(scale)
	return copyToTemp(tb, src, err, fmt.Sprintf("scale%g.gpkg", scale))
}

// copyToTemp copies the workspace at src (unless err, from making it) to
// name in tb's temp dir, a stream at a time: the workspace of MillionScale
// weighs hundreds of megabytes.
func copyToTemp(tb testing.TB, src string, err error, name string) string {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(tb.TempDir(), name)
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// MillionScale is the scale of the workspace of issue 16's benchmarks:
// 1,168,254 features, what `terrimap-server demo --scale 50` and a first
// sync give a desk (CachedScale made it in 70 s wall, 463 MB, on the build
// machine: docs/issue16-start-profile.md).
const MillionScale = 50

// OpenScale opens the workspace CachedScale keeps for scale, read-only,
// for the rest of tb.
func OpenScale(tb testing.TB, scale float64) *store.Workspace {
	tb.Helper()
	path, err := CachedScale(scale)
	return openReadOnly(tb, path, err)
}

// openReadOnly opens the workspace at path, unless err (from making it).
func openReadOnly(tb testing.TB, path string, err error) *store.Workspace {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ws.Close() })
	return ws
}

// Write creates a workspace at path with every demo layer and the demo
// features whose bounding box meets extent (the whole territory when
// extent is the zero bound), with the rows without geometry. It refuses
// to overwrite a file.
func Write(path string, extent orb.Bound) error {
	return write(path, extent, 1)
}

// CachedScale returns the path of a workspace of the whole demo territory
// generated at scale (demo.GenerateOptions.Scale: MillionScale, 50, gives
// 1,168,254 features; 35 gives 827,286), kept in the temp dir and made only
// the first time, as Cached.
func CachedScale(scale float64) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-demows-v%d-scale%g.gpkg", format, scale))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := fmt.Sprintf("%s.%d.part", path, os.Getpid())
	os.Remove(tmp)
	if err := write(tmp, orb.Bound{}, scale); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("demows: %w", err)
	}
	return path, nil
}

func write(path string, extent orb.Bound, scale float64) error {
	ctx := context.Background()
	ws, err := store.Create(path)
	if err != nil {
		return fmt.Errorf("demows: %w", err)
	}
	err = fill(ctx, ws, extent, scale)
	if cerr := ws.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demows: write %s: %w", path, err)
	}
	return nil
}

// batch is how many features of a layer are written at once: a million
// features are not held in memory.
const batch = 50_000

func fill(ctx context.Context, ws *store.Workspace, extent orb.Bound, scale float64) error {
	all := extent == orb.Bound{}
	// The platform's streets (demo.LayerVoies) are its plan, served as its
	// basemap, not data the desktop works on.
	layers := slices.DeleteFunc(demo.Layers(), func(l schema.Layer) bool { return l.Name == demo.LayerVoies })
	for _, l := range layers {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			return err
		}
	}
	kept := map[string][]store.RemoteFeature{}
	flush := func(layer string) error {
		if len(kept[layer]) == 0 {
			return nil
		}
		err := ws.Edit(ctx, func(tx *store.Tx) error {
			_, err := tx.ApplyRemoteBatch(layer, kept[layer])
			return err
		})
		kept[layer] = kept[layer][:0]
		return err
	}
	err := demo.Generate(demo.GenerateOptions{Scale: scale}, func(layer string, f demo.Feature) error {
		if layer == demo.LayerVoies {
			return nil
		}
		// Rows without geometry (the DT-DICT settings) lie nowhere and
		// belong to every extent.
		if all || f.Geometry == nil || f.Geometry.Bound().Intersects(extent) {
			kept[layer] = append(kept[layer], store.RemoteFeature{UUID: f.ID, Version: 1, Geometry: f.Geometry, Properties: f.Properties})
			if len(kept[layer]) >= batch {
				return flush(layer)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range layers {
		if err := flush(l.Name); err != nil {
			return err
		}
	}
	return nil
}
