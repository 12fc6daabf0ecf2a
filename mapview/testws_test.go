package mapview

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
)

// The synthetic workspace of the tests lies around testCentre, in Tournus.
var testCentre = orb.Point{4.9085, 46.5640}

// testViewport shows the synthetic workspace: 256×192 pixels at zoom 17,
// where a metre is about 1.5 pixels.
func testViewport() Viewport {
	return Viewport{Center: testCentre, Zoom: 17, Width: 256, Height: 192, Scale: 1}
}

// at returns the longitude/latitude of the logical pixel (x, y) of
// testViewport.
func at(x, y float64) orb.Point { return testViewport().PixelToLonLat(orb.Point{x, y}) }

func testLayers() []schema.Layer {
	return []schema.Layer{
		{Name: "zones", GeometryType: schema.Polygon, Fields: []schema.Field{
			{Name: "alea", Type: schema.Text}, {Name: "nom", Type: schema.Text}}},
		{Name: "reseau", GeometryType: schema.LineString, Fields: []schema.Field{
			{Name: "materiau", Type: schema.Text, Domain: []schema.CodedValue{{Code: "11", Label: "Fonte"}, {Code: "18", Label: "PEHD"}}},
			{Name: "diametre", Type: schema.Integer}}},
		{Name: "poteaux", GeometryType: schema.Point, Fields: []schema.Field{
			{Name: "type", Type: schema.Text}, {Name: "disponible", Type: schema.Boolean}, {Name: "numero", Type: schema.Text}}},
	}
}

// testStyles are the synthetic layers' styles.
func testStyles(t testing.TB) map[string]*Style {
	t.Helper()
	src := map[string]string{
		"zones": `{"stroke":"#2c7fb8","width":2,"fill":"#7fcdbb99","join":"miter",
			"rules":[{"field":"alea","values":{"fort":{"fill":"#2c7fb8aa"}}}]}`,
		"reseau": `{"stroke":"#1f78b4","width":2,
			"rules":[{"field":"materiau","values":{"11":{"stroke":"#08306b"},"18":{"stroke":"#1aa3e8","dash":[8,4]}}},
			         {"field":"diametre","ranges":[{"max":100,"width":2},{"min":100,"width":5}]}]}`,
		"poteaux": `{"symbol":"circle","fill":"#e31a1c","stroke":"#ffffff","width":1.5,"size":14,
			"rules":[{"field":"type","values":{"square":{"symbol":"square"},"triangle":{"symbol":"triangle"},"diamond":{"symbol":"diamond"},"star":{"symbol":"star"},"cross":{"symbol":"cross"}}},
			         {"field":"disponible","values":{"false":{"fill":"#9e9e9e"}}}]}`,
	}
	out := map[string]*Style{}
	for name, s := range src {
		st, err := ParseStyle([]byte(s))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = st
	}
	return out
}

func uuidOf(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// newTestWorkspace makes the synthetic workspace: two overlapping zones
// (one with a hole), three pipes (a thick cast-iron main with sharp turns,
// a dashed polyethylene pipe, a thin one) and a row of hydrants in every
// symbol, one unavailable. Pixel coordinates are those of testViewport.
func newTestWorkspace(t testing.TB) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "test.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	for _, l := range testLayers() {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	ring := func(pts ...[2]float64) orb.Ring {
		r := orb.Ring{}
		for _, p := range pts {
			r = append(r, at(p[0], p[1]))
		}
		return append(r, r[0])
	}
	n := 0
	rf := func(g orb.Geometry, props map[string]any) store.RemoteFeature {
		n++
		return store.RemoteFeature{UUID: uuidOf(n), Version: 1, Geometry: g, Properties: props}
	}
	zones := []store.RemoteFeature{
		rf(orb.Polygon{ring([2]float64{10, 10}, [2]float64{120, 14}, [2]float64{110, 100}, [2]float64{14, 90}),
			ring([2]float64{40, 35}, [2]float64{80, 40}, [2]float64{60, 70})}, map[string]any{"alea": "faible", "nom": "Zone A"}),
		rf(orb.Polygon{ring([2]float64{90, 60}, [2]float64{170, 50}, [2]float64{160, 120}, [2]float64{100, 115})}, map[string]any{"alea": "fort", "nom": "Zone B"}),
	}
	line := func(pts ...[2]float64) orb.LineString {
		ls := orb.LineString{}
		for _, p := range pts {
			ls = append(ls, at(p[0], p[1]))
		}
		return ls
	}
	pipes := []store.RemoteFeature{
		rf(line([2]float64{20, 150}, [2]float64{80, 120}, [2]float64{100, 170}, [2]float64{150, 130}, [2]float64{240, 140}), map[string]any{"materiau": "11", "diametre": 150}),
		rf(line([2]float64{130, 20}, [2]float64{180, 40}, [2]float64{240, 30}), map[string]any{"materiau": "18", "diametre": 63}),
		rf(line([2]float64{180, 60}, [2]float64{200, 110}, [2]float64{245, 115}), map[string]any{"materiau": "99", "diametre": 40}),
	}
	var hydrants []store.RemoteFeature
	for i, typ := range []string{"circle", "square", "triangle", "diamond", "star", "cross"} {
		hydrants = append(hydrants, rf(at(30+float64(i)*36, 178), map[string]any{"type": typ, "disponible": i != 2, "numero": fmt.Sprint(i + 1)}))
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for name, batch := range map[string][]store.RemoteFeature{"zones": zones, "reseau": pipes, "poteaux": hydrants} {
			if _, err := tx.ApplyRemoteBatch(name, batch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// testLayerList draws the synthetic layers with their test styles.
func testLayerList(t testing.TB) []Layer {
	st := testStyles(t)
	return []Layer{{Name: "zones", Style: st["zones"]}, {Name: "reseau", Style: st["reseau"]}, {Name: "poteaux", Style: st["poteaux"]}}
}
