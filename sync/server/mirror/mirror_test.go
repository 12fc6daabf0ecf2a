package mirror

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/basemap"
	"terrimap/sync/server/pgstore"
)

// storages open an empty platform of each kind for a test, in this order.
var storages = []struct {
	kind string
	open func(t *testing.T) server.Seeder
}{
	{"sqlite", func(t *testing.T) server.Seeder {
		st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t *testing.T) server.Seeder {
		st, err := pgstore.Open(context.Background(), pgtest.NewDatabase(t), pgstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// TestMain gives the tests a PostgreSQL cluster (pgtest).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func layer(name string, geom schema.GeometryType, fields ...string) server.LayerRecord {
	l := schema.Layer{Name: name, Title: name, GeometryType: geom}
	for _, f := range fields {
		l.Fields = append(l.Fields, schema.Field{Name: f, Type: schema.Text})
	}
	return server.LayerRecord{Schema: l}
}

// points makes n features spread over Tournus.
func points(n int, seed uint64) []store.RemoteFeature {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]store.RemoteFeature, n)
	for i := range out {
		out[i] = store.RemoteFeature{UUID: store.NewID(), Geometry: orb.Point{4.90 + rng.Float64()*0.02, 46.55 + rng.Float64()*0.02},
			Properties: map[string]any{"numero": fmt.Sprintf("H-%d", i)}}
	}
	return out
}

// write writes one version of a feature as a push would.
func write(t *testing.T, st server.Storage, layer, id string, f protocol.FeatureState, op protocol.Op) int64 {
	t.Helper()
	var seq int64
	err := st.Write(context.Background(), func(tx server.WriteTx) error {
		var err error
		seq, err = tx.WriteVersion(layer, id, f, op, "agent", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// versions reads the copy's features of a layer: version by id.
func versions(t *testing.T, m *Mirror, layer string) map[string]int64 {
	t.Helper()
	fs, err := m.Workspace().Query(context.Background(), store.Query{Layer: layer})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, f := range fs {
		out[f.UUID] = f.Version
	}
	return out
}

// The copy follows the feed: a first sync of the wanted layers only, then
// updates, deletions, and a layer created afterwards with its features.
func TestMirrorFollowsTheFeed(t *testing.T) {
	for _, kind := range storages {
		t.Run(kind.kind, func(t *testing.T) {
			ctx := context.Background()
			st := kind.open(t)
			for _, l := range []server.LayerRecord{layer("pei", schema.Point, "numero"), layer("secret", schema.Point, "numero")} {
				if err := st.PutLayer(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
			hydrants := points(600, 1) // more than a bulk page of store
			if err := st.SeedFeatures(ctx, "pei", "seed", hydrants); err != nil {
				t.Fatal(err)
			}
			if err := st.SeedFeatures(ctx, "secret", "seed", points(3, 2)); err != nil {
				t.Fatal(err)
			}
			m, err := Open(st, filepath.Join(t.TempDir(), "copy.gpkg"), []string{"pei", "batiment"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			if err := m.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if got := versions(t, m, "pei"); len(got) != 600 {
				t.Fatalf("copy has %d hydrants, want 600", len(got))
			}
			if _, err := m.Workspace().Layer("secret"); err == nil {
				t.Error("a layer not wanted was copied")
			}
			// The spatial index is whole: a box finds its hydrants.
			box := orb.Bound{Min: orb.Point{4.90, 46.55}, Max: orb.Point{4.91, 46.56}}
			in, err := m.Workspace().Query(ctx, store.Query{Layer: "pei", Bound: &box})
			if err != nil || len(in) == 0 {
				t.Fatalf("box query: %d features, %v", len(in), err)
			}

			moved, gone := hydrants[0], hydrants[1]
			write(t, st, "pei", moved.UUID, protocol.FeatureState{Exists: true, Version: 2, Geometry: orb.Point{4.95, 46.6},
				Properties: map[string]any{"numero": "H-moved"}}, protocol.OpUpdate)
			last := write(t, st, "pei", gone.UUID, protocol.FeatureState{Version: 2}, protocol.OpDelete)
			if err := st.PutLayer(ctx, layer("batiment", schema.Point, "nom")); err != nil {
				t.Fatal(err)
			}
			if err := st.SeedFeatures(ctx, "batiment", "seed", points(5, 3)); err != nil {
				t.Fatal(err)
			}
			gen, err := m.FeedEnd(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if gen <= last {
				t.Errorf("generation %d, want past %d", gen, last)
			}
			got := versions(t, m, "pei")
			if len(got) != 599 || got[moved.UUID] != 2 {
				t.Errorf("after the edits: %d hydrants, moved one at v%d", len(got), got[moved.UUID])
			}
			if _, ok := got[gone.UUID]; ok {
				t.Error("the deleted hydrant is still in the copy")
			}
			if got := versions(t, m, "batiment"); len(got) != 5 {
				t.Errorf("the layer created afterwards has %d features in the copy, want 5", len(got))
			}
			if again, err := m.FeedEnd(ctx); err != nil || again != gen {
				t.Errorf("a feed that has not moved: generation %d (%v), want %d", again, err, gen)
			}
		})
	}
}

// The basemap draws from the copy: a tile over the hydrants is not bare
// ground.
func TestMirrorDrawsTheBasemap(t *testing.T) {
	for _, kind := range storages {
		t.Run(kind.kind, func(t *testing.T) {
			ctx := context.Background()
			st := kind.open(t)
			if err := st.PutLayer(ctx, layer("pei", schema.Point, "numero")); err != nil {
				t.Fatal(err)
			}
			if err := st.SeedFeatures(ctx, "pei", "seed", points(300, 4)); err != nil {
				t.Fatal(err)
			}
			m, err := Open(st, filepath.Join(t.TempDir(), "copy.gpkg"), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			tiles := basemap.New(m)
			gen, err := tiles.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tile := maptile.At(orb.Point{4.91, 46.56}, 15)
			data, err := tiles.Tile(ctx, "reseaux", 15, int(tile.X), int(tile.Y), gen)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			ground, drawn := basemap.Ground(), 0
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					if uint8(r>>8) != ground.R || uint8(g>>8) != ground.G || uint8(bl>>8) != ground.B {
						drawn++
					}
				}
			}
			if drawn < 100 {
				t.Errorf("%d pixels drawn over 300 hydrants", drawn)
			}
		})
	}
}
