package app

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"terrimap/store/schema"
	"terrimap/sync/server"
)

// TestLayerPublishedAfterOpeningGetsItsStyle: a layer the platform
// publishes while the app is open arrives with the next sync and is drawn
// at once with the platform's style, not with the plain style until the
// app restarts.
func TestLayerPublishedAfterOpeningGetsItsStyle(t *testing.T) {
	ctx := context.Background()
	st, url := testPlatformStorage(t)

	s, err := openSession(filepath.Join(t.TempDir(), "mairie.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	if err := s.linkPlatform(ctx, url, "agent", testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	bornes := schema.Layer{Name: "bornes_recharge", Title: "Bornes de recharge", GeometryType: schema.Point,
		Fields: []schema.Field{{Name: "nom", Type: schema.Text}}}
	style := json.RawMessage(`{"title": "Bornes de recharge", "symbol": "diamond", "fill": "#2a9d8f"}`)
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: bornes, Style: style}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	s.reloadLayers(s.loadStyles())
	var found bool
	for _, l := range s.order {
		if l.Name != bornes.Name {
			continue
		}
		found = true
		if l.Style == nil || l.Style.Fill == nil || l.Style.Fill.String() != "#2a9d8f" {
			t.Fatalf("the new layer is drawn with %+v, want the platform's fill #2a9d8f", l.Style)
		}
	}
	if !found {
		t.Fatalf("the layer published after opening is not on the map: %v", s.order)
	}
}
