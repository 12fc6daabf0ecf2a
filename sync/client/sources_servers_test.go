package client

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"terrimap/internal/ogcserve"
	"terrimap/store"
	"terrimap/store/formats"
)

// layerDataset reads a workspace layer as a Dataset, to compare with GDAL's reading.
func layerDataset(t *testing.T, ws *store.Workspace, layer string) *formats.Dataset {
	t.Helper()
	fs, err := ws.Query(context.Background(), store.Query{Layer: layer})
	if err != nil {
		t.Fatal(err)
	}
	ds := &formats.Dataset{Name: layer}
	for _, f := range fs {
		ds.Features = append(ds.Features, formats.Feature{ID: f.UUID, Geometry: f.Geometry, Properties: f.Properties})
	}
	return ds
}

// sourceChange is what the tests do to the served file before a refresh:
// a commune renamed, another deleted.
var sourceChange = []string{
	"UPDATE communes_71 SET nom = 'Tournus-sur-Saône' WHERE code = '71543'",
	"DELETE FROM communes_71 WHERE code = '71001'",
}

// TestSourcesFromRealServers subscribes a workspace without platform to
// the communes of Saône-et-Loire through QGIS Server 3.22 (OGC API –
// Features, WFS 1.1) and MapServer 8 (WFS 2.0), checks each layer against
// GDAL's reading of the file served, changes the file and syncs: the
// rename is there, the deleted commune gone, in every layer.
func TestSourcesFromRealServers(t *testing.T) {
	ctx := context.Background()
	gpkg := ogcserve.CopyCommunes(t)
	qgis := ogcserve.QGIS(t, gpkg, ogcserve.CommunesLayer)
	ms := ogcserve.MapServer(t, gpkg, ogcserve.CommunesLayer)
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	sc := NewSourceClient(ws, nil)
	ogc, err := sc.Add(ctx, qgis.OGCAPI, ogcserve.CommunesLayer, nil)
	if err != nil || len(ogc) != 1 {
		t.Fatalf("OGC API from QGIS Server: %v %v", ogc, err)
	}
	qgisWFS, err := sc.AddWFS(ctx, qgis.WFS, ogcserve.CommunesLayer, nil)
	if err != nil {
		t.Fatalf("WFS from QGIS Server: %v", err)
	}
	msWFS, err := sc.AddWFS(ctx, ms.WFS, ogcserve.CommunesLayer, nil)
	if err != nil {
		t.Fatalf("WFS from MapServer: %v", err)
	}
	layers := []string{ogc[0], qgisWFS, msWFS}
	if len(map[string]bool{layers[0]: true, layers[1]: true, layers[2]: true}) != 3 {
		t.Fatalf("three sources in %v", layers)
	}
	want := ogcserve.OGRFeatures(t, gpkg, ogcserve.CommunesLayer)
	for _, l := range layers {
		lay, err := ws.Layer(l)
		if err != nil || !lay.ReadOnly() {
			t.Fatalf("layer %s: %v", l, err)
		}
		t.Run("first "+l, func(t *testing.T) { ogcserve.CompareWithOGR(t, layerDataset(t, ws, l), want, "code") })
	}
	// The WFS layer comes second with the OGC API layer's title: it shows
	// with the server's host after it.
	if lay, _ := ws.Layer(qgisWFS); lay.Schema.Title != ogcserve.QGISTitle+" ("+hostOf(qgis.WFS)+")" || lay.Schema.Description != ogcserve.QGISAbstract {
		t.Errorf("the WFS layer's title %q, description %q (it credits its source already)", lay.Schema.Title, lay.Schema.Description)
	}
	// MapServer's layer says nothing of its source: the service's provider
	// and terms are credited, as the map's credit line and exports read them.
	if lay, _ := ws.Layer(msWFS); !strings.HasSuffix(lay.Schema.Description, "(© "+ogcserve.MapServerProvider+", Licence Ouverte)") {
		t.Errorf("MapServer's layer description %q", lay.Schema.Description)
	}

	ogcserve.EditWithOGR(t, gpkg, sourceChange...)
	sum, err := SyncSources(ctx, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = ogcserve.OGRFeatures(t, gpkg, ogcserve.CommunesLayer)
	if len(want.Features) != 566 {
		t.Fatalf("GDAL reads %d communes after the change", len(want.Features))
	}
	for _, l := range layers {
		if sum.Sources[l] != nil {
			t.Errorf("%s: %v", l, sum.Sources[l])
		}
		t.Run("refreshed "+l, func(t *testing.T) {
			got := layerDataset(t, ws, l)
			ogcserve.CompareWithOGR(t, got, want, "code")
			renamed := false
			for _, f := range got.Features {
				renamed = renamed || f.Properties["code"] == "71543" && f.Properties["nom"] == "Tournus-sur-Saône"
			}
			if !renamed {
				t.Errorf("Tournus not renamed")
			}
		})
	}
	if last, _ := Platform(ctx, ws); last.LastSync.IsZero() {
		t.Errorf("the sync of sources is not recorded")
	}
}
