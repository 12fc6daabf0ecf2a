package mapview

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"terrimap/store"
)

// overviewViews are the three zooms of the overview's golden images: the
// whole intercommunality, a quarter of it, and Tournus with its
// neighbours — all drawn from the generalized geometry.
var overviewViews = []struct {
	name string
	vp   Viewport
}{
	{"overview-z11", Viewport{Center: orb.Point{4.8645, 46.4975}, Zoom: 11, Width: 640, Height: 400, Scale: 1}},
	{"overview-z12", Viewport{Center: orb.Point{4.88, 46.53}, Zoom: 12, Width: 640, Height: 400, Scale: 1}},
	{"overview-z13", Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 13, Width: 640, Height: 400, Scale: 1}},
}

// writableDemo is a copy of the demo territory that the test may write to.
func writableDemo(t *testing.T) *store.Workspace {
	t.Helper()
	data, err := os.ReadFile(demoWorkspace(t).Path())
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "demo.gpkg")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := store.Open(dst, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// overviewDemo is a writable demo territory with its overview built.
func overviewDemo(t *testing.T) (*store.Workspace, *Renderer, []Layer) {
	t.Helper()
	ws := writableDemo(t)
	r := NewRenderer(ws, RendererOptions{})
	layers := DefaultLayers(ws, DefaultStyles())
	if err := r.BuildOverview(context.Background(), layers); err != nil {
		t.Fatal(err)
	}
	return ws, r, layers
}

// differingCells counts the cells of 8×8 pixels whose mean colours in a
// and b differ by more than delta in a channel — a dash begun a pixel
// later or a line's anti-aliasing averages out in a cell, a missing or
// wrongly coloured feature does not — and maps them in red over a faded a.
func differingCells(a, b *image.RGBA, delta int) (n, cells int, diff *image.RGBA) {
	const side = 8
	diff = image.NewRGBA(a.Rect)
	for y0 := a.Rect.Min.Y; y0 < a.Rect.Max.Y; y0 += side {
		for x0 := a.Rect.Min.X; x0 < a.Rect.Max.X; x0 += side {
			cell := image.Rect(x0, y0, x0+side, y0+side).Intersect(a.Rect)
			var sa, sb [4]int
			for y := cell.Min.Y; y < cell.Max.Y; y++ {
				for x := cell.Min.X; x < cell.Max.X; x++ {
					i := a.PixOffset(x, y)
					for c := range 4 {
						sa[c] += int(a.Pix[i+c])
						sb[c] += int(b.Pix[i+c])
					}
				}
			}
			bad := false
			for c := range 4 {
				bad = bad || far(uint8(sa[c]/cell.Dx()/cell.Dy()), uint8(sb[c]/cell.Dx()/cell.Dy()), delta)
			}
			cells++
			if bad {
				n++
			}
			for y := cell.Min.Y; y < cell.Max.Y; y++ {
				for x := cell.Min.X; x < cell.Max.X; x++ {
					i := a.PixOffset(x, y)
					if bad {
						copy(diff.Pix[i:i+4], []uint8{0xff, 0, 0, 0xff})
					} else {
						copy(diff.Pix[i:i+4], []uint8{a.Pix[i] / 4, a.Pix[i+1] / 4, a.Pix[i+2] / 4, 0x40})
					}
				}
			}
		}
	}
	return n, cells, diff
}

func TestOverviewGolden(t *testing.T) {
	ws, r, layers := overviewDemo(t)
	exact := NewRenderer(ws, RendererOptions{})
	exact.featuresOnly = true
	for _, v := range overviewViews {
		t.Run(v.name, func(t *testing.T) {
			img := render(t, r, v.vp, layers, nil)
			assertGolden(t, v.name+".png", img, shapesTolerance)
			// Generalized, not another map: at most 1 % of the map's
			// cells differ from the features drawn one by one. (The
			// communes' dashed borders are left out: along kilometres of
			// a border, vertices moved by a quarter of a pixel shift the
			// dashes by a few pixels, as a pixel's pan does.)
			var undashed []Layer
			for _, l := range layers {
				if l.Name != "communes" {
					undashed = append(undashed, l)
				}
			}
			img, ref := render(t, r, v.vp, undashed, nil), render(t, exact, v.vp, undashed, nil)
			if n, cells, diff := differingCells(img, ref, 24); n > cells/100 {
				writeFailed(t, v.name+"-exact.png", ref, diff)
				t.Errorf("%d cells of %d differ from the drawing of the features, at most %d may", n, cells, cells/100)
			} else {
				t.Logf("%d cells of %d differ from the drawing of the features", n, cells)
			}
		})
	}
}

// pipeColour is the colour the demo style gives lead pipes (materiau 19),
// which no other pipe of the test has.
var pipeColour = Color{0x7b, 0x3f, 0xb0, 0xff}

// hasColourNear reports whether a pixel within 2 of the centre of img
// (drawn over nothing) is close to c, or to c laid at least 85 % opaque.
func hasColourNear(img *image.RGBA, c Color) bool {
	cx, cy := img.Rect.Dx()/2, img.Rect.Dy()/2
	for y := cy - 2; y <= cy+2; y++ {
		for x := cx - 2; x <= cx+2; x++ {
			p := img.RGBAAt(x, y)
			if p.A == 0 || int(p.A) < int(c.A)*8/10 {
				continue
			}
			// Straight colour, as the pixel's alpha un-premultiplies it.
			r, g, b := int(p.R)*255/int(p.A), int(p.G)*255/int(p.A), int(p.B)*255/int(p.A)
			if !far(uint8(min(r, 255)), c.R, 40) && !far(uint8(min(g, 255)), c.G, 40) && !far(uint8(min(b, 255)), c.B, 40) {
				return true
			}
		}
	}
	return false
}

// pipeShows reports, for each overview zoom, whether the lead-pipe colour
// is drawn at pt by the canalaep layer.
func pipeShows(t *testing.T, r *Renderer, pt orb.Point) []bool {
	t.Helper()
	var out []bool
	for _, v := range overviewViews {
		vp := Viewport{Center: pt, Zoom: v.vp.Zoom, Width: 64, Height: 64, Scale: 1}
		out = append(out, hasColourNear(render(t, r, vp, []Layer{{Name: "canalaep"}}, nil), pipeColour))
	}
	return out
}

// onLine returns a point of a line: a middle vertex, or the middle of its
// only segment.
func onLine(g orb.Geometry) orb.Point {
	ls, ok := g.(orb.LineString)
	if !ok || len(ls) < 2 {
		return orb.Point{}
	}
	if len(ls) == 2 {
		return orb.Point{(ls[0][0] + ls[1][0]) / 2, (ls[0][1] + ls[1][1]) / 2}
	}
	return ls[len(ls)/2]
}

// movedBy returns a line moved east by dx degrees.
func movedBy(g orb.Geometry, dx float64) orb.LineString {
	ls := g.(orb.LineString)
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = orb.Point{p[0] + dx, p[1]}
	}
	return out
}

// leadFree finds a long canalaep main (long enough to be a line, not a
// dot, at zoom 11), not of lead, with no lead pipe drawn near it nor
// 0.02° east of it.
func leadFree(t *testing.T, ws *store.Workspace, r *Renderer) store.Feature {
	t.Helper()
	fs, err := ws.Query(context.Background(), store.Query{Layer: "canalaep"})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(fs, func(a, b store.Feature) int {
		return cmp.Compare(geo.Length(b.Geometry), geo.Length(a.Geometry))
	})
	for _, f := range fs[:min(len(fs), 50)] {
		if f.Properties["materiau"] == "19" || onLine(f.Geometry) == (orb.Point{}) {
			continue
		}
		if fmt.Sprint(pipeShows(t, r, onLine(f.Geometry))) == "[false false false]" &&
			fmt.Sprint(pipeShows(t, r, onLine(movedBy(f.Geometry, 0.02)))) == "[false false false]" {
			return f
		}
	}
	t.Fatal("no pipe to edit")
	return store.Feature{}
}

func TestOverviewShowsEditAtEveryZoom(t *testing.T) {
	ctx := context.Background()
	ws, r, _ := overviewDemo(t)
	f := leadFree(t, ws, r)
	at, there := onLine(f.Geometry), onLine(movedBy(f.Geometry, 0.02))
	edit := func(what string, fn func(tx *store.Tx) error) {
		t.Helper()
		if err := ws.Edit(ctx, fn); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n, err := ws.OverviewDirty(ctx); err != nil || n != 0 {
			t.Fatalf("%s left %d blocks dirty (%v): the overview must follow an edit at once", what, n, err)
		}
	}
	expect := func(when string, pt orb.Point, want string) {
		t.Helper()
		if got := fmt.Sprint(pipeShows(t, r, pt)); got != want {
			t.Errorf("%s: lead colour shown at zooms 11, 12, 13: %s, want %s", when, got, want)
		}
	}
	edit("material", func(tx *store.Tx) error {
		_, err := tx.Update("canalaep", f.UUID, store.Change{Properties: map[string]any{"materiau": "19"}})
		return err
	})
	expect("material changed to lead", at, "[true true true]")
	edit("move", func(tx *store.Tx) error {
		_, err := tx.Update("canalaep", f.UUID, store.Change{Geometry: movedBy(f.Geometry, 0.02), SetGeometry: true})
		return err
	})
	expect("moved, where it was", at, "[false false false]")
	expect("moved, where it went", there, "[true true true]")
	edit("delete", func(tx *store.Tx) error { return tx.Delete("canalaep", f.UUID) })
	expect("deleted", there, "[false false false]")
}

func TestOverviewFollowsSyncAndImport(t *testing.T) {
	ctx := context.Background()
	ws, r, _ := overviewDemo(t)
	// A first download's page: lead pipes all over the territory, more
	// blocks than a transaction rebuilds by itself.
	var batch []store.RemoteFeature
	var spots []orb.Point
	for i := range 40 {
		p := orb.Point{4.80 + 0.005*float64(i), 46.45 + 0.004*float64(i)}
		spots = append(spots, p)
		batch = append(batch, store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Version: 1,
			Geometry:   orb.LineString{{p[0] - 0.0015, p[1]}, {p[0] + 0.0015, p[1]}},
			Properties: map[string]any{"materiau": "19", "diametre": int64(200)}})
	}
	if err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("canalaep", batch)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := ws.OverviewDirty(ctx); err != nil || n == 0 {
		t.Fatalf("%d dirty blocks (%v) after a large batch: the test means the lazy rebuild", n, err)
	}
	check := func(when string) {
		t.Helper()
		for _, p := range []orb.Point{spots[0], spots[17], spots[39]} {
			if got := fmt.Sprint(pipeShows(t, r, p)); got != "[true true true]" {
				t.Errorf("%s: a synced lead pipe shown at zooms 11, 12, 13: %s", when, got)
			}
		}
	}
	check("dirty, drawn from the features")
	if err := ws.RefreshOverview(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")

	// An import into the layer.
	p := orb.Point{4.95, 46.60}
	path := filepath.Join(t.TempDir(), "plomb.geojson")
	gj := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"materiau":"19","diametre":150,"idcana":"PLOMB-1","datemaj":"2026-12-06"},
		"geometry":{"type":"LineString","coordinates":[[%f,%f],[%f,%f]]}}]}`, p[0]-0.0015, p[1], p[0]+0.0015, p[1])
	if err := os.WriteFile(path, []byte(gj), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pipeShows(t, r, p)); got != "[false false false]" {
		t.Fatalf("lead shown before the import: %s", got)
	}
	if _, err := ws.ImportFile(ctx, path, store.ImportOptions{Layer: "canalaep"}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pipeShows(t, r, p)); got != "[true true true]" {
		t.Errorf("imported lead pipe shown at zooms 11, 12, 13: %s", got)
	}
}

func TestOverviewHighlightsSelection(t *testing.T) {
	ws, r, _ := overviewDemo(t)
	f := leadFree(t, ws, r)
	sel := []FeatureRef{{Layer: "canalaep", FID: f.FID}}
	for _, v := range overviewViews {
		vp := Viewport{Center: onLine(f.Geometry), Zoom: v.vp.Zoom, Width: 64, Height: 64, Scale: 1}
		if img := render(t, r, vp, []Layer{{Name: "canalaep"}}, sel); !hasColourNear(img, highlightColor()) {
			t.Errorf("zoom %g: the selected pipe is not highlighted", v.vp.Zoom)
		}
		if img := render(t, r, vp, []Layer{{Name: "canalaep"}}, nil); hasColourNear(img, highlightColor()) {
			t.Errorf("zoom %g: highlighted without a selection", v.vp.Zoom)
		}
	}
}

// overviewIdle waits until the renderer's background upkeep of the
// overview has nothing left to do.
func overviewIdle(t *testing.T, r *Renderer) {
	t.Helper()
	for range 6000 {
		r.overview.mu.Lock()
		running := r.overview.running
		r.overview.mu.Unlock()
		if !running {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the overview upkeep never ended")
}

func TestTileCacheKeepsOverview(t *testing.T) {
	ctx := context.Background()
	ws := writableDemo(t)
	r := NewRenderer(ws, RendererOptions{})
	tc := NewTileCache(r, nil, TileCacheOptions{})
	defer tc.Close()
	tc.SetLayers(DefaultLayers(ws, DefaultStyles()))
	settle(t, tc, overviewViews[1].vp)
	overviewIdle(t, r)
	fields, ok, err := ws.OverviewFields(ctx, "canalaep")
	if err != nil || !ok || fmt.Sprint(fields) != "[branchemnt diametre materiau]" {
		t.Fatalf("canalaep's overview fields after a frame: %v %v %v, want those its style reads", fields, ok, err)
	}
	if n, err := ws.OverviewDirty(ctx); err != nil || n != 0 {
		t.Fatalf("%d blocks dirty (%v) after the upkeep", n, err)
	}
	// A sync page too large to rebuild in its transaction: the next frame
	// draws it from the features and the upkeep rebuilds it.
	var batch []store.RemoteFeature
	for i := range 40 {
		p := orb.Point{4.80 + 0.005*float64(i), 46.45 + 0.004*float64(i)}
		batch = append(batch, store.RemoteFeature{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Version: 1,
			Geometry: orb.LineString{{p[0] - 0.0015, p[1]}, {p[0] + 0.0015, p[1]}}, Properties: map[string]any{"materiau": "19"}})
	}
	if err := ws.Edit(ctx, func(tx *store.Tx) error {
		_, err := tx.ApplyRemoteBatch("canalaep", batch)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ws.OverviewDirty(ctx); n == 0 {
		t.Fatal("the batch left nothing dirty: the test means the upkeep")
	}
	settle(t, tc, overviewViews[0].vp)
	overviewIdle(t, r)
	if n, err := ws.OverviewDirty(ctx); err != nil || n != 0 {
		t.Fatalf("%d blocks dirty (%v) after a frame and the upkeep", n, err)
	}
}

func TestOverviewHitTestReadsFeatures(t *testing.T) {
	ws, r, _ := overviewDemo(t)
	f := leadFree(t, ws, r)
	for _, v := range overviewViews {
		vp := Viewport{Center: onLine(f.Geometry), Zoom: v.vp.Zoom, Width: 64, Height: 64, Scale: 1}
		hits, err := r.HitTest(context.Background(), vp, orb.Point{32, 32}, 3, []Layer{{Name: "canalaep"}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || (h.Layer == "canalaep" && h.FID == f.FID)
		}
		if !found {
			t.Errorf("zoom %g: a click on the main finds %v, not its feature %d", v.vp.Zoom, hits, f.FID)
		}
	}
}
