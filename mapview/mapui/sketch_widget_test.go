package mapui

import (
	"terrimap/mapview"

	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Headless tests of what the map widget's tools compute.

func TestMeasure(t *testing.T) {
	// One degree of longitude on the equator, then one of latitude.
	pts := orb.LineString{{0, 0}, {1, 0}, {1, 1}}
	deg := orb.EarthRadius * math.Pi / 180
	line := Measure(pts, false)
	if math.Abs(line.Length-2*deg) > 1e-6 || line.Area != 0 || len(line.Vertices) != 3 {
		t.Errorf("line %+v, want %.3f m", line, 2*deg)
	}
	area := Measure(pts, true)
	if want := 2*deg + geo.Distance(orb.Point{1, 1}, orb.Point{0, 0}); math.Abs(area.Length-want) > 1e-6 {
		t.Errorf("perimeter %.3f, want %.3f", area.Length, want)
	}
	// Half a one-degree square on the sphere, a little less than deg²/2.
	if area.Area < 0.49*deg*deg || area.Area > 0.5*deg*deg {
		t.Errorf("area %.0f m², want about %.0f", area.Area, deg*deg/2)
	}
	if m := Measure(pts[:2], true); m.Area != 0 || math.Abs(m.Length-deg) > 1e-6 {
		t.Errorf("two vertices as an area: %+v", m)
	}
	pts[0] = orb.Point{9, 9}
	if line.Vertices[0] != (orb.Point{0, 0}) {
		t.Error("the measurement shares the caller's vertices")
	}
}

func TestScaleBar(t *testing.T) {
	for _, c := range []struct {
		zoom, lat, max float64
		metres         float64
	}{
		// At zoom 17 on the equator a pixel is 1.194 m: 120 px is 143 m.
		{17, 0, 120, 100},
		{16, 0, 120, 200},
		{15, 0, 120, 500},
		{14, 0, 110, 1000},
		{2, 0, 120, 2_000_000},
		{22, 0, 120, 2},
		{17, 46.564, 120, 50}, // 0.821 m a pixel at Tournus: 98.6 m
		{17, 46.564, 200, 100},
	} {
		vp := mapview.Viewport{Center: orb.Point{4.9, c.lat}, Zoom: c.zoom, Width: 300, Height: 200}
		m, w := vp.ScaleBar(c.max)
		if m != c.metres || math.Abs(w-m/vp.MetersPerPixel()) > 1e-9 || w > c.max || w < c.max/2.5 {
			t.Errorf("zoom %v lat %v max %v: %v m over %v px, want %v m", c.zoom, c.lat, c.max, m, w, c.metres)
		}
	}
	if m, w := (mapview.Viewport{Zoom: 10}).ScaleBar(0); m != 0 || w != 0 {
		t.Errorf("no room: %v m over %v px", m, w)
	}
}

func TestSketchGeometry(t *testing.T) {
	a, b, c := orb.Point{1, 1}, orb.Point{2, 1}, orb.Point{2, 2}
	for _, tc := range []struct {
		shape sketchShape
		pts   orb.LineString
		want  orb.Geometry
	}{
		{sketchPoint, nil, nil},
		{sketchPoint, orb.LineString{a, b}, b},
		{sketchLine, orb.LineString{a}, nil},
		{sketchLine, orb.LineString{a, b}, orb.LineString{a, b}},
		{sketchPolygon, orb.LineString{a, b}, nil},
		{sketchPolygon, orb.LineString{a, b, c}, orb.Polygon{{a, b, c, a}}},
	} {
		g, ok := sketchGeometry(tc.shape, tc.pts)
		if ok != (tc.want != nil) || (ok && !orb.Equal(g, tc.want)) {
			t.Errorf("%d %v: %v %v, want %v", tc.shape, tc.pts, g, ok, tc.want)
		}
	}
}

func TestVertexEdits(t *testing.T) {
	p := func(x float64) orb.Point { return orb.Point{x, x} }
	poly := orb.Polygon{{p(0), p(1), p(2), p(3), p(0)}, {p(10), p(11), p(12), p(10)}}
	line := orb.LineString{p(0), p(1), p(2)}
	multi := orb.MultiPoint{p(5), p(6)}
	x := orb.Point{-1, 7}

	if g := moveVertex(poly, vertexRef{0, 0}, x).(orb.Polygon); g[0][0] != x || g[0][4] != x || poly[0][0] != p(0) {
		t.Errorf("moving a ring's first vertex: %v (the original %v)", g, poly)
	}
	if g := moveVertex(poly, vertexRef{1, 3}, x).(orb.Polygon); g[1][0] != x || g[1][3] != x || g[0][0] != p(0) {
		t.Errorf("moving a ring's closing vertex: %v", g)
	}
	if g := moveVertex(orb.Point{1, 2}, vertexRef{0, 0}, x); g != x {
		t.Errorf("moving a point: %v", g)
	}
	if g := insertVertex(line, 0, 1, x).(orb.LineString); !orb.Equal(g, orb.LineString{p(0), p(1), x, p(2)}) {
		t.Errorf("insert: %v", g)
	}
	if g := insertVertex(line, 0, 2, x).(orb.LineString); !orb.Equal(g, line) {
		t.Errorf("insert after the last vertex: %v", g)
	}
	if g, ok := deleteVertex(poly, vertexRef{0, 0}); !ok || !orb.Equal(g, orb.Polygon{{p(1), p(2), p(3), p(1)}, poly[1]}) {
		t.Errorf("delete a ring's first vertex: %v %v", g, ok)
	}
	if _, ok := deleteVertex(poly, vertexRef{1, 1}); ok {
		t.Error("deleted a corner of a triangle")
	}
	if g, ok := deleteVertex(line, vertexRef{0, 1}); !ok || !orb.Equal(g, orb.LineString{p(0), p(2)}) {
		t.Errorf("delete a line's vertex: %v %v", g, ok)
	}
	if _, ok := deleteVertex(orb.LineString{p(0), p(1)}, vertexRef{0, 0}); ok {
		t.Error("deleted a vertex of a two-point line")
	}
	if g, ok := deleteVertex(multi, vertexRef{0, 0}); !ok || !orb.Equal(g, orb.MultiPoint{p(6)}) {
		t.Errorf("delete a point of a multipoint: %v %v", g, ok)
	}
	if _, ok := deleteVertex(orb.Point{1, 1}, vertexRef{0, 0}); ok {
		t.Error("deleted a point's only vertex")
	}

	vp := mapview.Viewport{Center: orb.Point{4.9, 46.5}, Zoom: 17, Width: 200, Height: 200}
	ll := func(x, y float64) orb.Point { return vp.PixelToLonLat(orb.Point{x, y}) }
	sq := orb.Polygon{{ll(50, 50), ll(150, 50), ll(150, 150), ll(50, 150), ll(50, 50)}}
	if v, ok := nearestVertex(vp, sq, orb.Point{54, 47}, 10); !ok || v != (vertexRef{0, 0}) {
		t.Errorf("nearest vertex: %v %v", v, ok)
	}
	if _, ok := nearestVertex(vp, sq, orb.Point{100, 50}, 10); ok {
		t.Error("found a vertex in the middle of a side")
	}
	path, after, at, ok := nearestSegment(vp, sq, orb.Point{152, 100}, 6)
	if !ok || path != 0 || after != 1 || pixelDistance(vp.LonLatToPixel(at), orb.Point{150, 100}) > 1e-6 {
		t.Errorf("nearest segment: %v %v %v %v", path, after, vp.LonLatToPixel(at), ok)
	}
}

func TestClipSegment(t *testing.T) {
	box := orb.Bound{Max: orb.Point{100, 50}}
	for _, c := range []struct {
		a, b, wa, wb orb.Point
		ok           bool
	}{
		{orb.Point{10, 10}, orb.Point{20, 20}, orb.Point{10, 10}, orb.Point{20, 20}, true},
		{orb.Point{-50, 25}, orb.Point{150, 25}, orb.Point{0, 25}, orb.Point{100, 25}, true},
		{orb.Point{50, -50}, orb.Point{50, 100}, orb.Point{50, 0}, orb.Point{50, 50}, true},
		{orb.Point{-10, -10}, orb.Point{-20, 60}, orb.Point{}, orb.Point{}, false},
		{orb.Point{90, -20}, orb.Point{120, 10}, orb.Point{}, orb.Point{}, false},
	} {
		a, b, ok := clipSegment(c.a, c.b, box)
		if ok != c.ok || (ok && (pixelDistance(a, c.wa) > 1e-9 || pixelDistance(b, c.wb) > 1e-9)) {
			t.Errorf("clip %v-%v: %v-%v %v, want %v-%v %v", c.a, c.b, a, b, ok, c.wa, c.wb, c.ok)
		}
	}
}

func TestFlingVelocity(t *testing.T) {
	t0 := time.Unix(0, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	steady := []dragSample{{ms(0), 5, 0}, {ms(10), 5, 0}, {ms(20), 5, 0}, {ms(30), 5, 0}}
	for _, c := range []struct {
		name    string
		samples []dragSample
		end     time.Time
		vx, vy  float64
		ok      bool
	}{
		{"steady", steady, ms(40), 500, 0, true},
		{"one event", steady[:1], ms(5), 0, 0, false},
		{"held still before release", steady, ms(200), 0, 0, false},
		{"slow", []dragSample{{ms(0), 1, 0}, {ms(50), 1, 0}}, ms(60), 0, 0, false},
		{"too fast", []dragSample{{ms(0), 0, 100}, {ms(10), 0, 100}}, ms(12), 0, flingMaxSpeed, true},
		{"old samples left out", append([]dragSample{{ms(-500), 900, 900}}, steady...), ms(40), 500, 0, true},
	} {
		vx, vy, ok := flingVelocity(c.samples, c.end)
		if ok != c.ok || math.Abs(vx-c.vx) > 1e-9 || math.Abs(vy-c.vy) > 1e-9 {
			t.Errorf("%s: (%v, %v) %v, want (%v, %v) %v", c.name, vx, vy, ok, c.vx, c.vy, c.ok)
		}
	}
}

func TestSnapVertex(t *testing.T) {
	ws := widgetWorkspace(t)
	r := mapview.NewRenderer(ws, mapview.RendererOptions{})
	layers := widgetLayers(t)
	vp := widgetView()
	ctx := context.Background()
	pipe, err := ws.Get(ctx, "troncons", widgetUUID(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		px      orb.Point
		exclude []mapview.FeatureRef
		want    orb.Point // zero: no snap
		layer   string
	}{
		{"a valve", orb.Point{163, 44}, nil, wat(160, 40), "vannes"},
		{"a pipe's vertex", orb.Point{118, 93}, nil, wat(120, 100), "troncons"},
		{"a zone's corner", orb.Point{26, 14}, nil, wat(20, 20), "zones"},
		{"too far", orb.Point{131, 100}, nil, orb.Point{}, ""},
		{"the edited pipe is left out", orb.Point{118, 93}, []mapview.FeatureRef{{Layer: "TRONCONS", FID: pipe.FID}}, orb.Point{}, ""},
	} {
		s, ok, err := r.SnapVertex(ctx, vp, c.px, SnapTolerance, layers, c.exclude...)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (c.layer != "") || (ok && (!nearLL(s.Point, c.want, 1e-9) || s.Feature.Layer != c.layer ||
			math.Abs(s.Distance-pixelDistance(vp.LonLatToPixel(c.want), c.px)) > 1e-6)) {
			t.Errorf("%s: %+v %v, want %v on %s", c.name, s, ok, c.want, c.layer)
		}
	}
	// A layer its style hides at this zoom is not snapped to.
	hidden := slices.Clone(layers)
	st, err := mapview.ParseStyle([]byte(`{"symbol":"circle","size":12,"minzoom":18}`))
	if err != nil {
		t.Fatal(err)
	}
	hidden[2].Style = st
	if s, ok, _ := r.SnapVertex(ctx, vp, orb.Point{163, 44}, SnapTolerance, hidden); ok {
		t.Errorf("snapped to a hidden valve: %+v", s)
	}
}
