package mapui

import (
	"terrimap/mapview"

	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/tiles"
	"terrimap/store"
	"terrimap/store/schema"
)

// The widget's tests use a small workspace of their own, laid out in the
// pixels of widgetView: a zone, a pipe and two valves.

var widgetCentre = orb.Point{4.9085, 46.5640}

const widgetW, widgetH = 240, 160

func widgetView() mapview.Viewport {
	return mapview.Viewport{Center: widgetCentre, Zoom: 17, Width: widgetW, Height: widgetH}
}

// wat returns the longitude/latitude of the logical pixel (x, y) of widgetView.
func wat(x, y float64) orb.Point { return widgetView().PixelToLonLat(orb.Point{x, y}) }

func wpos(x, y float32) fyne.Position { return fyne.NewPos(x, y) }

var (
	zoneCorners = [][2]float64{{20, 20}, {100, 20}, {100, 70}, {20, 70}}
	pipeVerts   = [][2]float64{{30, 120}, {120, 100}, {210, 130}}
	valveAt     = [][2]float64{{160, 40}, {200, 60}}
)

func widgetWorkspace(t testing.TB) *store.Workspace {
	t.Helper()
	ws, err := store.Create(filepath.Join(t.TempDir(), "widget.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ctx := context.Background()
	for _, l := range []schema.Layer{
		{Name: "zones", GeometryType: schema.Polygon, Fields: []schema.Field{{Name: "nom", Type: schema.Text}}},
		{Name: "troncons", GeometryType: schema.LineString, Fields: []schema.Field{{Name: "diametre", Type: schema.Integer}}},
		{Name: "vannes", GeometryType: schema.Point, Fields: []schema.Field{{Name: "numero", Type: schema.Text}}},
	} {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	pts := func(px [][2]float64) []orb.Point {
		out := make([]orb.Point, len(px))
		for i, p := range px {
			out[i] = wat(p[0], p[1])
		}
		return out
	}
	ring := orb.Ring(pts(zoneCorners))
	ring = append(ring, ring[0])
	batches := map[string][]store.RemoteFeature{
		"zones":    {{UUID: widgetUUID(1), Version: 1, Geometry: orb.Polygon{ring}, Properties: map[string]any{"nom": "Zone"}}},
		"troncons": {{UUID: widgetUUID(2), Version: 1, Geometry: orb.LineString(pts(pipeVerts)), Properties: map[string]any{"diametre": 100}}},
	}
	for i, p := range pts(valveAt) {
		batches["vannes"] = append(batches["vannes"], store.RemoteFeature{UUID: widgetUUID(3 + i), Version: 1, Geometry: p,
			Properties: map[string]any{"numero": fmt.Sprint(i + 1)}})
	}
	err = ws.Edit(ctx, func(tx *store.Tx) error {
		for name, b := range batches {
			if _, err := tx.ApplyRemoteBatch(name, b); err != nil {
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

func widgetUUID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", 900+i) }

// widgetLayers draws the workspace with styles of the test's own, so that
// changes to the default styles do not move its golden image.
func widgetLayers(t testing.TB) []mapview.Layer {
	t.Helper()
	var out []mapview.Layer
	for _, l := range []struct{ name, style string }{
		{"zones", `{"stroke":"#2c7fb8","width":2,"fill":"#7fcdbb99"}`},
		{"troncons", `{"stroke":"#08306b","width":3}`},
		{"vannes", `{"symbol":"circle","fill":"#e31a1c","stroke":"#ffffff","width":1.5,"size":12}`},
	} {
		st, err := mapview.ParseStyle([]byte(l.style))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mapview.Layer{Name: l.name, Style: st})
	}
	return out
}

// uiQueue stands for the UI goroutine: the map's do puts functions in it
// and the test runs them, in order, on its own goroutine.
type uiQueue chan func()

func (q uiQueue) do(f func()) { q <- f }

// until runs the queued functions until cond holds.
func (q uiQueue) until(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.After(30 * time.Second) // a safety net: nothing waits for it
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settle answers every background lookup the map has started.
func (q uiQueue) settle(t *testing.T, m *Map) {
	t.Helper()
	last := m.last
	if last == nil {
		return
	}
	deadline := time.After(30 * time.Second) // a safety net: nothing waits for it
	for {
		select {
		case f := <-q:
			f()
		case <-last:
			// The last answer was queued before its lookup was marked done.
			for len(q) > 0 {
				(<-q)()
			}
			return
		case <-deadline:
			t.Fatal("timed out waiting for the map's lookups")
		}
	}
}

type widgetFixture struct {
	m  *Map
	w  fyne.Window
	q  uiQueue
	tc *mapview.TileCache
	ws *store.Workspace
}

// newWidgetFixture shows a map of the test workspace, 240×160 at zoom 17,
// in a test window, over basemap (nil for none). Inertia does not start
// unless the test sets startAnim.
func newWidgetFixture(t *testing.T, basemap tiles.Source) *widgetFixture {
	t.Helper()
	test.NewTempApp(t)
	ws := widgetWorkspace(t)
	tc := mapview.NewTileCache(mapview.NewRenderer(ws, mapview.RendererOptions{}), basemap, mapview.TileCacheOptions{})
	t.Cleanup(tc.Close)
	tc.SetLayers(widgetLayers(t))
	q := make(uiQueue, 64)
	m := NewMap(tc)
	m.do = q.do
	m.startAnim = func(*fyne.Animation) {}
	m.stopAnim = func(*fyne.Animation) {}
	m.SetViewport(mapview.Viewport{Center: widgetCentre, Zoom: 17})
	w := test.NewTempWindow(t, m)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(widgetW, widgetH))
	if got := m.Viewport; got.Width != widgetW || got.Height != widgetH || got.Center != widgetCentre {
		t.Fatalf("viewport %+v after layout", got)
	}
	return &widgetFixture{m: m, w: w, q: q, tc: tc, ws: ws}
}

func (f *widgetFixture) fid(t *testing.T, layer string, uuid int) int64 {
	t.Helper()
	ft, err := f.ws.Get(context.Background(), layer, widgetUUID(uuid))
	if err != nil {
		t.Fatal(err)
	}
	return ft.FID
}

func nearLL(a, b orb.Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

func TestMapDragPansByTheDraggedDistance(t *testing.T) {
	f := newWidgetFixture(t, nil)
	var changed []mapview.Viewport
	f.m.OnViewChanged = func(vp mapview.Viewport) { changed = append(changed, vp) }
	started := false
	f.m.startAnim = func(*fyne.Animation) { started = true }

	for _, d := range []fyne.Delta{{DX: 30, DY: -20}, {DX: -75.5, DY: 12.25}, {DX: 0, DY: 40}} {
		from := orb.Point{100, 80}
		before := f.m.Viewport.PixelToLonLat(from)
		test.Drag(f.w.Canvas(), wpos(100, 80), d.DX, d.DY)
		after := f.m.Viewport.PixelToLonLat(orb.Point{from[0] + float64(d.DX), from[1] + float64(d.DY)})
		if !nearLL(before, after, 1e-9) {
			t.Errorf("drag by %v: %v was under the pointer, %v is", d, before, after)
		}
	}
	if len(changed) != 3 || changed[2] != f.m.Viewport {
		t.Errorf("OnViewChanged got %d viewports, the last %+v; the map shows %+v", len(changed), changed, f.m.Viewport)
	}
	if started {
		t.Error("a single drag event flung the map")
	}
}

func TestMapInertiaGlidesThenStopsOnANewDrag(t *testing.T) {
	f := newWidgetFixture(t, nil)
	clock := time.Unix(1_700_000_000, 0)
	f.m.now = func() time.Time { return clock }
	var anims []*fyne.Animation
	stopped := 0
	f.m.startAnim = func(a *fyne.Animation) { anims = append(anims, a) }
	f.m.stopAnim = func(*fyne.Animation) { stopped++ }

	p0 := orb.Point{60, 80}
	ll := f.m.Viewport.PixelToLonLat(p0)
	for i := range 4 {
		f.m.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: wpos(float32(70+10*i), 80)}, Dragged: fyne.Delta{DX: 10}})
		clock = clock.Add(16 * time.Millisecond)
	}
	f.m.DragEnd()
	if len(anims) != 1 {
		t.Fatalf("%d animations started after a fling", len(anims))
	}
	a := anims[0]
	// 30 pixels over the 48 ms between the first and last events: 625 px/s,
	// decaying by e every inertiaTau until inertiaStopSpeed.
	v := 30 / 0.048
	glide := v * inertiaTau * (1 - inertiaStopSpeed/v)
	if want := time.Duration(inertiaTau * math.Log(v/inertiaStopSpeed) * float64(time.Second)); math.Abs(float64(a.Duration-want)) > float64(time.Millisecond) {
		t.Errorf("inertia lasts %v, want %v", a.Duration, want)
	}
	a.Tick(0.5)
	mid := f.m.Viewport.LonLatToPixel(ll)[0]
	a.Tick(1)
	end := f.m.Viewport.LonLatToPixel(ll)[0]
	if want := p0[0] + 40 + glide; math.Abs(end-want) > 1e-6 {
		t.Errorf("after the glide the place is at x=%.6f, want %.6f", end, want)
	}
	if !(mid > p0[0]+40+glide/2 && mid < end) {
		t.Errorf("half way through, x=%.3f: the glide should slow down (ends at %.3f)", mid, end)
	}

	// A second fling, stopped by a new drag: its later ticks do nothing.
	for range 3 {
		f.m.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DY: -12}})
		clock = clock.Add(16 * time.Millisecond)
	}
	f.m.DragEnd()
	if len(anims) != 2 {
		t.Fatalf("%d animations after the second fling", len(anims))
	}
	f.m.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 1}})
	if stopped == 0 {
		t.Error("a new drag did not stop the inertia")
	}
	vp := f.m.Viewport
	anims[1].Tick(0.7)
	anims[1].Tick(1)
	if f.m.Viewport != vp {
		t.Error("a stopped glide moved the map")
	}
	f.m.DragEnd()
}

func TestMapWheelZoomsAroundTheCursor(t *testing.T) {
	f := newWidgetFixture(t, nil)
	for _, c := range []struct {
		x, y, dy float32
		dz       float64
	}{
		{37, 121, 25, 0.5}, {200, 20, 25, 0.5}, {120, 80, -25, -0.5}, {5.5, 150.25, -100, -1}, {239, 1, 10, 0.2},
	} {
		p := orb.Point{float64(c.x), float64(c.y)}
		before := f.m.Viewport
		ll := before.PixelToLonLat(p)
		f.m.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: wpos(c.x, c.y)}, Scrolled: fyne.Delta{DY: c.dy}})
		after := f.m.Viewport
		if got := after.PixelToLonLat(p); !nearLL(got, ll, 1e-9) {
			t.Errorf("scroll %v at %v: %v under the cursor before, %v after", c.dy, p, ll, got)
		}
		if math.Abs(after.Zoom-before.Zoom-c.dz) > 1e-9 {
			t.Errorf("scroll %v: zoom %v → %v, want a change of %v", c.dy, before.Zoom, after.Zoom, c.dz)
		}
	}
}

func TestMapDoubleTapZoomsInAroundThePoint(t *testing.T) {
	f := newWidgetFixture(t, nil)
	p := orb.Point{50, 130}
	ll := f.m.Viewport.PixelToLonLat(p)
	f.m.DoubleTapped(&fyne.PointEvent{Position: wpos(50, 130)})
	if f.m.Viewport.Zoom != 18 {
		t.Errorf("zoom %v after a double tap at 17", f.m.Viewport.Zoom)
	}
	if got := f.m.Viewport.PixelToLonLat(p); !nearLL(got, ll, 1e-9) {
		t.Errorf("%v under the double tap before, %v after", ll, got)
	}
}

func TestMapKeyboardPansAndZooms(t *testing.T) {
	f := newWidgetFixture(t, nil)
	test.TapAt(f.m, wpos(120, 80)) // navigate: a tap only takes the keyboard
	if f.w.Canvas().Focused() != f.m {
		t.Fatal("a tap did not focus the map")
	}
	p := orb.Point{120, 80}
	for _, c := range []struct {
		key    fyne.KeyName
		dx, dy float64
	}{
		{fyne.KeyLeft, 60, 0}, {fyne.KeyRight, -60, 0}, {fyne.KeyUp, 0, 40}, {fyne.KeyDown, 0, -40}, {fyne.KeyDown, 0, -40},
	} {
		ll := f.m.Viewport.PixelToLonLat(p)
		f.m.TypedKey(&fyne.KeyEvent{Name: c.key})
		if got := f.m.Viewport.LonLatToPixel(ll); math.Abs(got[0]-p[0]-c.dx) > 1e-6 || math.Abs(got[1]-p[1]-c.dy) > 1e-6 {
			t.Errorf("%s: what was at %v is at %v, want it moved by (%v, %v)", c.key, p, got, c.dx, c.dy)
		}
	}
	centre := f.m.Viewport.Center
	for _, c := range []struct {
		chars string
		zoom  float64
	}{{"+", 18}, {"=", 19}, {"-", 18}, {"-x", 17}} {
		test.Type(f.m, c.chars)
		if f.m.Viewport.Zoom != c.zoom || !nearLL(f.m.Viewport.Center, centre, 1e-9) {
			t.Errorf("after %q: zoom %v centre %v, want %v around %v", c.chars, f.m.Viewport.Zoom, f.m.Viewport.Center, c.zoom, centre)
		}
	}
}

func TestMapIdentifyReportsTheFeatureUnderATap(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolIdentify)
	type answer struct {
		ll   orb.Point
		hits []mapview.Hit
	}
	var got []answer
	f.m.OnIdentify = func(ll orb.Point, hits []mapview.Hit) { got = append(got, answer{ll, hits}) }

	for _, c := range []struct {
		x, y  float32
		layer string
		uuid  int
	}{
		{163, 42, "vannes", 3},   // on a valve's symbol
		{75, 111, "troncons", 2}, // on the pipe
		{60, 45, "zones", 1},     // inside the zone
		{225, 150, "", 0},        // on nothing
	} {
		got = nil
		test.TapAt(f.m, wpos(c.x, c.y))
		f.q.until(t, func() bool { return len(got) > 0 }, "OnIdentify")
		a := got[0]
		if want := wat(float64(c.x), float64(c.y)); !nearLL(a.ll, want, 1e-12) {
			t.Errorf("tap at (%v, %v) reported at %v, want %v", c.x, c.y, a.ll, want)
		}
		if c.layer == "" {
			if len(a.hits) != 0 {
				t.Errorf("tap on an empty spot found %v", a.hits)
			}
			continue
		}
		if len(a.hits) == 0 || a.hits[0].Layer != c.layer || a.hits[0].FID != f.fid(t, c.layer, c.uuid) {
			t.Errorf("tap at (%v, %v) found %+v, want %s #%d first", c.x, c.y, a.hits, c.layer, f.fid(t, c.layer, c.uuid))
		}
	}
}

func TestMapDrawLineSnapsAndFinishesOnDoubleTap(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolDrawLine)
	if f.m.Cursor() != desktop.CrosshairCursor {
		t.Error("no crosshair while drawing")
	}
	var done []orb.Geometry
	f.m.OnSketchDone = func(g orb.Geometry) { done = append(done, g) }

	test.TapAt(f.m, wpos(33, 117)) // 4 px from the pipe's first vertex
	test.TapAt(f.m, wpos(150, 75)) // nothing within 10 px
	test.TapAt(f.m, wpos(157, 43)) // 4 px from a valve
	test.MoveMouse(f.w.Canvas(), wpos(190, 120))
	f.m.DoubleTapped(&fyne.PointEvent{Position: wpos(205, 127)}) // 6 px from the pipe's end
	f.q.until(t, func() bool { return len(done) > 0 }, "OnSketchDone")
	f.q.settle(t, f.m)

	want := orb.LineString{wat(30, 120), wat(150, 75), wat(160, 40), wat(210, 130)}
	ls, ok := done[0].(orb.LineString)
	if !ok || len(ls) != len(want) {
		t.Fatalf("OnSketchDone got %#v, want %v", done[0], want)
	}
	for i := range want {
		if !nearLL(ls[i], want[i], 1e-9) {
			t.Errorf("vertex %d at %v, want %v", i, ls[i], want[i])
		}
	}
	if len(done) != 1 || len(f.m.Sketch) != 0 {
		t.Errorf("after finishing: %d sketches done, %d vertices left", len(done), len(f.m.Sketch))
	}
}

func TestMapDrawPointSnaps(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolDrawPoint)
	var done []orb.Geometry
	f.m.OnSketchDone = func(g orb.Geometry) { done = append(done, g) }
	test.TapAt(f.m, wpos(196, 63)) // 5 px from a valve
	test.TapAt(f.m, wpos(130, 75))
	f.q.settle(t, f.m)
	if len(done) != 2 || !nearLL(done[0].(orb.Point), wat(200, 60), 1e-9) || done[1].(orb.Point) != wat(130, 75) {
		t.Errorf("OnSketchDone got %v, want %v then %v", done, wat(200, 60), wat(130, 75))
	}
}

func TestMapDrawPolygonClosesOnTheFirstVertex(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolDrawPolygon)
	var done orb.Geometry
	f.m.OnSketchDone = func(g orb.Geometry) { done = g }
	for _, p := range [][2]float32{{130, 75}, {180, 90}, {150, 145}, {133, 78}} {
		test.TapAt(f.m, wpos(p[0], p[1]))
	}
	f.q.until(t, func() bool { return done != nil }, "OnSketchDone")
	want := orb.Polygon{{wat(130, 75), wat(180, 90), wat(150, 145), wat(130, 75)}}
	if p, ok := done.(orb.Polygon); !ok || len(p) != 1 || len(p[0]) != 4 || !nearLL(p[0][3], want[0][3], 0) || !nearLL(p[0][1], want[0][1], 1e-12) {
		t.Errorf("OnSketchDone got %v, want %v", done, want)
	}
}

func TestMapEscapeCancelsTheSketch(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolDrawLine)
	done := false
	f.m.OnSketchDone = func(orb.Geometry) { done = true }
	test.TapAt(f.m, wpos(130, 75))
	test.TapAt(f.m, wpos(180, 90))
	f.q.settle(t, f.m)
	if len(f.m.Sketch) != 2 {
		t.Fatalf("%d vertices after two taps", len(f.m.Sketch))
	}
	f.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if len(f.m.Sketch) != 1 {
		t.Fatalf("%d vertices after Backspace", len(f.m.Sketch))
	}
	test.TapAt(f.m, wpos(150, 145)) // still being snapped when Escape comes
	f.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	f.m.DoubleTapped(&fyne.PointEvent{Position: wpos(100, 140)})
	f.q.settle(t, f.m)
	if done || len(f.m.Sketch) != 1 {
		t.Errorf("after Escape: done %v, sketch %v; want only the double tap's vertex", done, f.m.Sketch)
	}
}

func TestMapMeasuresDistanceAndArea(t *testing.T) {
	f := newWidgetFixture(t, nil)
	var got []Measurement
	f.m.OnMeasure = func(m Measurement) { got = append(got, m) }
	mpp := f.m.Viewport.MetersPerPixel()

	f.m.SetTool(ToolMeasureDistance)
	test.TapAt(f.m, wpos(130, 75))
	test.TapAt(f.m, wpos(180, 150))
	f.m.DoubleTapped(&fyne.PointEvent{Position: wpos(180, 150)}) // where the last tap was: finishes
	f.q.settle(t, f.m)
	if len(got) != 3 {
		t.Fatalf("OnMeasure called %d times, want 3", len(got))
	}
	last := got[2]
	want := geo.Distance(wat(130, 75), wat(180, 150))
	if !last.Done || len(last.Vertices) != 2 || math.Abs(last.Length-want) > 1e-6 || last.Area != 0 {
		t.Errorf("measure %+v, want %.3f m done", last, want)
	}
	if flat := math.Hypot(50, 75) * mpp; math.Abs(last.Length-flat) > flat*0.01 {
		t.Errorf("%.3f m measured, %.3f m on the map", last.Length, flat)
	}

	got = nil
	f.m.SetTool(ToolMeasureArea)
	for _, p := range [][2]float32{{130, 75}, {230, 75}, {230, 155}} {
		test.TapAt(f.m, wpos(p[0], p[1]))
	}
	f.q.settle(t, f.m)
	last = got[len(got)-1]
	if flat := 100.0 * 80 / 2 * mpp * mpp; math.Abs(last.Area-flat) > flat*0.02 {
		t.Errorf("%.1f m² measured, %.1f m² on the map", last.Area, flat)
	}
	f.m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(f.m.Sketch) != 0 || got[len(got)-1].Length != 0 {
		t.Errorf("Escape left %v and reported %+v", f.m.Sketch, got[len(got)-1])
	}
}

func TestMapEditsVertices(t *testing.T) {
	f := newWidgetFixture(t, nil)
	ref := mapview.FeatureRef{Layer: "troncons", FID: f.fid(t, "troncons", 2)}
	f.m.SetTool(ToolEdit)
	f.m.SetEditTarget(ref, orb.LineString{wat(30, 120), wat(120, 100), wat(210, 130)})
	var edits []orb.LineString
	f.m.OnVertexEdited = func(r mapview.FeatureRef, g orb.Geometry) {
		if r != ref {
			t.Errorf("edit of %v, want %v", r, ref)
		}
		edits = append(edits, g.(orb.LineString))
	}
	vp := f.m.Viewport

	// Drag the middle vertex onto a valve: it snaps to it; the map stays.
	f.m.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: wpos(127, 90)}, Dragged: fyne.Delta{DX: 5, DY: -8}})
	f.m.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: wpos(157, 44)}, Dragged: fyne.Delta{DX: 30, DY: -46}})
	if g := f.m.EditGeometry.(orb.LineString); !nearLL(g[1], wat(157, 44), 1e-12) {
		t.Errorf("while dragged the vertex is at %v", g[1])
	}
	f.m.DragEnd()
	f.q.until(t, func() bool { return len(edits) > 0 }, "OnVertexEdited")
	if f.m.Viewport != vp {
		t.Error("dragging a vertex panned the map")
	}
	if g := edits[0]; len(g) != 3 || !nearLL(g[1], wat(160, 40), 1e-9) || !nearLL(g[0], wat(30, 120), 0) {
		t.Errorf("after the drag: %v, want the middle vertex on the valve %v", g, wat(160, 40))
	}

	// A tap on the first segment inserts a vertex there; a double tap on it
	// deletes it.
	mid := orb.Point{(30 + 160) / 2.0, (120 + 40) / 2.0}
	test.TapAt(f.m, wpos(float32(mid[0])+2, float32(mid[1])+1))
	if len(edits) != 2 || len(edits[1]) != 4 {
		t.Fatalf("after a tap on a segment: %v", edits)
	}
	if at := f.m.Viewport.LonLatToPixel(edits[1][1]); pixelDistance(at, mid) > 3 {
		t.Errorf("vertex inserted at %v, want on the segment near %v", at, mid)
	}
	f.m.DoubleTapped(&fyne.PointEvent{Position: wpos(float32(mid[0]), float32(mid[1]))})
	if len(edits) != 3 || len(edits[2]) != 3 || f.m.Viewport.Zoom != vp.Zoom {
		t.Errorf("after a double tap on the vertex: %v, zoom %v", edits, f.m.Viewport.Zoom)
	}
	// A drag away from the vertices pans.
	test.Drag(f.w.Canvas(), wpos(200, 20), 10, 10)
	if f.m.Viewport == vp || len(edits) != 3 {
		t.Error("a drag off the vertices did not pan")
	}
}

func TestMapHoverReportsTheCoordinates(t *testing.T) {
	f := newWidgetFixture(t, nil)
	var got []orb.Point
	f.m.OnCursor = func(ll orb.Point) { got = append(got, ll) }
	test.MoveMouse(f.w.Canvas(), wpos(50, 60))
	test.MoveMouse(f.w.Canvas(), wpos(51.5, 60))
	if len(got) != 2 || !nearLL(got[1], wat(51.5, 60), 1e-12) {
		t.Fatalf("OnCursor got %v, want %v last", got, wat(51.5, 60))
	}
	l93 := mapview.LonLatToLambert93(got[1])
	// Tournus is near (850 000, 6 610 000) in Lambert-93.
	if math.Abs(l93[0]-850_000) > 20_000 || math.Abs(l93[1]-6_610_000) > 20_000 {
		t.Errorf("Lambert-93 %v", l93)
	}
	test.MoveMouse(f.w.Canvas(), wpos(500, 500)) // off the window
	if last := got[len(got)-1]; !math.IsNaN(last[0]) {
		t.Errorf("leaving the map reported %v", last)
	}
	if f.m.Cursor() != desktop.DefaultCursor {
		t.Error("navigating shows a crosshair")
	}
}

func TestMapZoomToAndScaleBar(t *testing.T) {
	f := newWidgetFixture(t, nil)
	b := orb.Bound{Min: wat(20, 130), Max: wat(100, 20)}
	f.m.ZoomTo(b)
	vb := f.m.Viewport.Bound()
	if !vb.Contains(b.Min) || !vb.Contains(b.Max) {
		t.Errorf("view %v does not show %v", vb, b)
	}
	// 110 of 160 pixels high: it fits at zoom 17 + log2(160/110/1.1).
	if want := 17 + math.Log2(160.0/110/1.1); math.Abs(f.m.Viewport.Zoom-want) > 1e-6 {
		t.Errorf("zoom %v, want %v", f.m.Viewport.Zoom, want)
	}

	// Before the map has a size, ZoomTo waits for one.
	m := NewMap(f.tc)
	m.do = f.q.do
	m.ZoomTo(b)
	w := test.NewTempWindow(t, m)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(widgetW, widgetH))
	if m.Viewport.Zoom != f.m.Viewport.Zoom || !nearLL(m.Viewport.Center, f.m.Viewport.Center, 1e-12) {
		t.Errorf("ZoomTo before layout gave %+v, want %+v", m.Viewport, f.m.Viewport)
	}

	f.m.ZoomToLayers()
	vb = f.m.Viewport.Bound()
	for _, p := range []orb.Point{wat(20, 20), wat(210, 130), wat(20, 130), wat(210, 20)} {
		if !vb.Contains(p) {
			t.Errorf("the extent of the layers %v leaves out %v", vb, p)
		}
	}
	if want := 17 + math.Log2(240.0/190/1.1); math.Abs(f.m.Viewport.Zoom-want) > 1e-3 {
		t.Errorf("zoom to the layers: %v, want %v", f.m.Viewport.Zoom, want)
	}

	metres, width := f.m.ScaleBar()
	if width <= 0 || width > ScaleBarMaxWidth || math.Abs(width*f.m.Viewport.MetersPerPixel()-metres) > 1e-9 {
		t.Errorf("scale bar %v m over %v px", metres, width)
	}
}

func TestMapRefreshesOnceForManyArrivals(t *testing.T) {
	f := newWidgetFixture(t, nil)
	for len(f.q) > 0 {
		(<-f.q)()
	}
	frames := f.m.frames
	for range 5 {
		f.m.tilesReady()
	}
	if len(f.q) != 1 {
		t.Fatalf("%d refreshes queued for 5 arrivals", len(f.q))
	}
	(<-f.q)()
	f.m.tilesReady()
	if len(f.q) != 1 || f.m.frames != frames+1 {
		t.Errorf("after a refresh ran: %d queued, %d frames", len(f.q), f.m.frames-frames)
	}
}

// drawUntilComplete captures the window until the map had all its tiles,
// waiting for the cache's OnReady in between.
func (f *widgetFixture) drawUntilComplete(t *testing.T) image.Image {
	t.Helper()
	for {
		frames := f.m.frames
		img := f.w.Canvas().Capture()
		if f.m.complete {
			return img
		}
		f.q.until(t, func() bool { return f.m.frames != frames }, "tiles")
	}
}

func TestMapGolden(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.m.SetTool(ToolDrawPolygon)
	f.m.SetSketch(orb.LineString{wat(130, 75), wat(180, 90), wat(150, 145)})
	test.AssertImageMatches(t, "widget_map.png", f.drawUntilComplete(t))
}

func TestMapHiDPI(t *testing.T) {
	f := newWidgetFixture(t, nil)
	f.w.Canvas().(test.WindowlessCanvas).SetScale(2)
	img := f.drawUntilComplete(t)
	if got := img.Bounds().Size(); got != image.Pt(2*widgetW, 2*widgetH) {
		t.Fatalf("captured %v", got)
	}
	// The valve at (160, 40) is drawn at (320, 80) device pixels, in red.
	if c := img.At(320, 80); !isRed(c) {
		t.Errorf("colour %v at the valve", c)
	}
}

// heldSource is a basemap whose tiles wait until released.
type heldSource struct {
	release   chan struct{}
	requested chan maptile.Tile
}

func (s *heldSource) Info() tiles.Info { return tiles.Info{Name: "held", MaxZoom: 19, TileSize: 256} }

func (s *heldSource) Tile(ctx context.Context, t maptile.Tile) (image.Image, error) {
	select {
	case s.requested <- t:
	default:
	}
	select {
	case <-s.release:
		return image.NewRGBA(image.Rect(0, 0, 256, 256)), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestMapRasterNeverWaitsForTiles(t *testing.T) {
	src := &heldSource{release: make(chan struct{}), requested: make(chan maptile.Tile, 64)}
	f := newWidgetFixture(t, src)
	t.Cleanup(func() { close(src.release) }) // before the cache closes

	captured := make(chan image.Image)
	go func() { captured <- f.w.Canvas().Capture() }()
	var img image.Image
	select {
	case img = <-captured:
	case <-time.After(30 * time.Second):
		t.Fatal("the window did not render while the basemap is held")
	}
	if img.Bounds().Size() != image.Pt(widgetW, widgetH) || f.m.complete {
		t.Errorf("captured %v, complete %v", img.Bounds(), f.m.complete)
	}
	select {
	case <-src.requested:
	case <-time.After(30 * time.Second):
		t.Fatal("the basemap was never asked for a tile")
	}
	// The vector layers still arrive and are shown, the basemap held.
	for !isRed(img.At(160, 40)) {
		frames := f.m.frames
		f.q.until(t, func() bool { return f.m.frames != frames }, "the vector tiles")
		img = f.w.Canvas().Capture()
	}
	if f.m.complete {
		t.Error("the frame is complete while the basemap is held")
	}
}

func isRed(c color.Color) bool {
	r := color.RGBAModel.Convert(c).(color.RGBA)
	return r.R >= 0xc0 && r.G <= 0x40 && r.B <= 0x40
}
