package basemap

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"terrimap/store"
	"terrimap/store/schema"
)

// workspaceSource is a basemap source over a workspace that never changes.
type workspaceSource struct{ ws *store.Workspace }

func (s workspaceSource) Workspace() *store.Workspace                { return s.ws }
func (s workspaceSource) FeedEnd(ctx context.Context) (int64, error) { return 1, nil }

// whitePixels counts the plan's pure white pixels: its streets.
func whitePixels(t *testing.T, data []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r == 0xffff && g == 0xffff && bl == 0xffff {
				n++
			}
		}
	}
	return n
}

// TestPlanDrawsStreets checks that the platform's plan draws its streets
// (a "voies" layer) when it has them, so that offline the desktop still
// shows where the streets run.
func TestPlanDrawsStreets(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "plateforme.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	street := orb.LineString{{4.9050, 46.5640}, {4.9120, 46.5650}}
	tile := maptile.At(orb.Point{4.9085, 46.5645}, 16)
	src := workspaceSource{ws}

	empty, err := New(src).Tile(ctx, "plan", int(tile.Z), int(tile.X), int(tile.Y), 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := whitePixels(t, empty); n != 0 {
		t.Fatalf("a plan without streets has %d white pixels", n)
	}

	voies := schema.Layer{Name: "voies", Title: "Voies", GeometryType: schema.LineString,
		Fields: []schema.Field{{Name: "nom", Type: schema.Text}, {Name: "type_voie", Type: schema.Text}}}
	if _, err := ws.CreateLayer(ctx, voies); err != nil {
		t.Fatal(err)
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("voies", []store.RemoteFeature{{UUID: "00000000-0000-4000-8000-000000000001", Version: 1,
			Geometry: street, Properties: map[string]any{"nom": "Rue de la République", "type_voie": "rue"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	drawn, err := New(src).Tile(ctx, "plan", int(tile.Z), int(tile.X), int(tile.Y), 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := whitePixels(t, drawn); n < 200 {
		t.Errorf("the plan draws the street with %d white pixels, want a street across the tile", n)
	}
}
