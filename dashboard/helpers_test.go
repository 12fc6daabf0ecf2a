package dashboard

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/server/demo"
)

// testCommunes are two square communes side by side near Tournus: A
// (71001) west of longitude 4.92, B (71002) east of it.
var testCommunes = map[string]orb.Polygon{
	"71001": {{{4.90, 46.55}, {4.92, 46.55}, {4.92, 46.57}, {4.90, 46.57}, {4.90, 46.55}}},
	"71002": {{{4.92, 46.55}, {4.94, 46.55}, {4.94, 46.57}, {4.92, 46.57}, {4.92, 46.55}}},
}

// feature is a feature to put in a test workspace.
type feature struct {
	layer string
	uuid  string
	geom  orb.Geometry
	props map[string]any
}

// newWorkspace makes a workspace with the demo's schemas of the layers the
// dashboard reads, the two test communes and the given features, as a sync
// would have written them.
func newWorkspace(t testing.TB, features []feature) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	want := map[string]bool{layerCommunes: true, layerWater: true, layerSewer: true, layerHydrants: true, layerInterventions: true}
	n := 0
	err = ws.Edit(context.Background(), func(tx *store.Tx) error {
		for _, l := range demo.Layers() {
			if want[l.Name] {
				if _, err := tx.CreateLayer(l); err != nil {
					return err
				}
			}
		}
		for code, poly := range testCommunes {
			features = append([]feature{{layer: layerCommunes, geom: orb.MultiPolygon{poly},
				props: map[string]any{"insee": code, "nom_officiel": "Commune " + code}}}, features...)
		}
		for _, f := range features {
			n++
			id := f.uuid
			if id == "" {
				id = fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
			}
			if err := tx.ApplyRemote(f.layer, store.RemoteFeature{UUID: id, Version: 1, Geometry: f.geom, Properties: f.props}, false); err != nil {
				return fmt.Errorf("%s %s: %w", f.layer, id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
