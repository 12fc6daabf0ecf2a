package mapui

import (
	"terrimap/mapview"

	"context"
	"image"
	"image/color"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas" // the engine has its own canvas type
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
)

// This file and widget_tools.go are the only ones of mapview that import
// Fyne.
//
// Pinch: Fyne 2.7 has no pinch or magnify event. On desktop, GLFW does not
// report trackpad pinches (two-finger scrolls arrive as scroll events and
// zoom here). On mobile, mobile.Touchable only says TouchDown, TouchUp and
// TouchCancel, with no finger id and no moves, and drags are delivered for
// one pointer at a time, so the distance between two fingers cannot be
// followed. The map zooms with the wheel, double taps and +/- instead.

// Tool says what taps, double taps and drags on the map do. Dragging pans
// with every tool, except when ToolEdit grabs a vertex.
type Tool int

const (
	// ToolNavigate: a drag pans, a double tap zooms in.
	ToolNavigate Tool = iota
	// ToolIdentify: a tap reports the features under it to OnIdentify.
	ToolIdentify
	// ToolDrawPoint: a tap gives OnSketchDone a point, snapped.
	ToolDrawPoint
	// ToolDrawLine: taps add snapped vertices; a double tap (adding its
	// own) or a secondary tap finishes the line for OnSketchDone.
	ToolDrawLine
	// ToolDrawPolygon: as ToolDrawLine; tapping the first vertex again
	// also finishes.
	ToolDrawPolygon
	// ToolEdit: drag a vertex of EditGeometry to move it (snapped where it
	// is dropped), tap a segment to insert one, double tap one to delete
	// it; each edit goes to OnVertexEdited.
	ToolEdit
	// ToolMeasureDistance: taps add vertices; OnMeasure gets the length.
	ToolMeasureDistance
	// ToolMeasureArea: as ToolMeasureDistance; OnMeasure gets the area.
	ToolMeasureArea
)

// Tolerances of the tools, in logical pixels.
const (
	// IdentifyTolerance is how far from a feature a tap finds it, and
	// from a segment a tap of ToolEdit inserts a vertex.
	IdentifyTolerance = 6
	// SnapTolerance is how far a vertex snaps to an existing vertex, and
	// how near a vertex ToolEdit grabs it.
	SnapTolerance = 10
)

// ScaleBarMaxWidth is the widest, in logical pixels, the scale bar of
// Map.ScaleBar gets.
const ScaleBarMaxWidth = 120

const (
	// wheelZoom is the zoom change per unit of scroll: a wheel notch is
	// 25 units on Windows and Linux, half a zoom level.
	wheelZoom = 1.0 / 50
	// keyPan is the fraction of the view an arrow key pans.
	keyPan     = 0.25
	minMapSide = 32
)

// Map shows a mapview.TileCache's layers and lets the user move around them,
// identify features, draw, edit vertices and measure. Set the exported
// fields and call Refresh, or use the setters. Callbacks run on the UI
// goroutine.
type Map struct {
	widget.BaseWidget

	// mapview.Viewport is what the map shows. Its Width and Height follow the
	// widget's size; its Scale is left to the device.
	Viewport mapview.Viewport
	// Tool says what taps and drags do.
	Tool Tool
	// Sketch holds the vertices placed so far by a drawing or measuring
	// tool, as longitude/latitude.
	Sketch orb.LineString
	// EditTarget is the feature ToolEdit edits, and EditGeometry its
	// geometry as edited so far (nil: nothing to edit).
	EditTarget   mapview.FeatureRef
	EditGeometry orb.Geometry

	// OnIdentify gets, after a tap of ToolIdentify, the longitude/latitude
	// tapped and the features there, nearest first (none on an empty spot).
	OnIdentify func(lonlat orb.Point, hits []mapview.Hit)
	// OnCursor gets the longitude/latitude under the mouse as it moves
	// (NaN when it leaves the map); mapview.LonLatToLambert93 gives the
	// Lambert-93 coordinates.
	OnCursor func(lonlat orb.Point)
	// OnViewChanged gets the viewport whenever it changes.
	OnViewChanged func(mapview.Viewport)
	// OnSketchDone gets the point, line string or polygon a drawing tool
	// finished.
	OnSketchDone func(orb.Geometry)
	// OnMeasure gets the measure whenever it changes; an empty one when
	// it is cancelled.
	OnMeasure func(Measurement)
	// OnVertexEdited gets the edited feature's whole geometry after each
	// vertex edit; the app saves it and invalidates the cache.
	OnVertexEdited func(ref mapview.FeatureRef, g orb.Geometry)
	// OnError gets the errors of background lookups (a workspace that
	// cannot be read).
	OnError func(error)
	// OnKey gets the keys the map does not use while it has the focus
	// (Delete, F11…), and Escape when there is nothing to cancel, so that
	// the window's shortcuts work whatever was clicked last.
	OnKey func(*fyne.KeyEvent)

	tc *mapview.TileCache

	// do runs a function on the UI goroutine: fyne.Do, or a queue in
	// tests. now, startAnim and stopAnim are the clock and the animation
	// runner of the inertia, for tests to drive.
	do        func(func())
	now       func() time.Time
	startAnim func(*fyne.Animation)
	stopAnim  func(*fyne.Animation)

	refreshQueued atomic.Bool // a refresh for arrived tiles is on its way
	frames        uint64      // bumped when the picture must be drawn again
	complete      bool        // the last frame had all its tiles
	fit           *orb.Bound  // what ZoomTo fits again on a resize, until the view moves

	last      chan struct{} // closed when the last background lookup is answered
	sketchGen uint64        // bumped when the sketch or edit is cancelled or replaced

	hover       orb.Point
	hovering    bool
	measureDone bool

	drag       dragState
	inertia    *fyne.Animation
	inertiaGen uint64
}

var (
	_ fyne.Widget            = (*Map)(nil)
	_ fyne.Draggable         = (*Map)(nil)
	_ fyne.Scrollable        = (*Map)(nil)
	_ fyne.Tappable          = (*Map)(nil)
	_ fyne.DoubleTappable    = (*Map)(nil)
	_ fyne.SecondaryTappable = (*Map)(nil)
	_ fyne.Focusable         = (*Map)(nil)
	_ desktop.Hoverable      = (*Map)(nil)
	_ desktop.Cursorable     = (*Map)(nil)
)

// Until told otherwise, a map shows the Communauté de Communes around
// Tournus.
var (
	homeCentre = orb.Point{4.9085, 46.564}
	homeZoom   = 11.0
)

// NewMap returns a map widget showing tc, which calls it back when tiles
// arrive; the map should be the cache's only user.
func NewMap(tc *mapview.TileCache) *Map {
	m := &Map{
		Viewport:  mapview.Viewport{Center: homeCentre, Zoom: homeZoom},
		tc:        tc,
		do:        fyne.Do,
		now:       time.Now,
		startAnim: (*fyne.Animation).Start,
		stopAnim:  (*fyne.Animation).Stop,
	}
	m.ExtendBaseWidget(m)
	tc.SetOnReady(m.tilesReady)
	return m
}

// CreateRenderer is a private method to Fyne which links this widget to
// its renderer.
func (m *Map) CreateRenderer() fyne.WidgetRenderer {
	m.ExtendBaseWidget(m)
	r := &mapRenderer{m: m}
	r.raster = fynecanvas.NewRaster(r.generate)
	r.objects = []fyne.CanvasObject{r.raster}
	r.drawn, r.frames = m.Viewport, m.frames
	r.overlay()
	return r
}

// Resize sets the widget's size, which is the viewport's.
func (m *Map) Resize(size fyne.Size) {
	m.BaseWidget.Resize(size)
	vp, fit := m.view(), m.fit
	if fit != nil && vp.Width > 0 && vp.Height > 0 {
		vp = fitView(vp, *fit)
	}
	m.setView(vp)
	m.fit = fit // the first layouts may be provisional: fit again until the view moves
}

// SetViewport shows another place or zoom; the size stays the widget's.
func (m *Map) SetViewport(vp mapview.Viewport) {
	m.stopInertia()
	m.setView(vp)
}

// ZoomTo shows all of bound (longitude/latitude), with a small margin. A
// point's bound keeps the zoom. Until the view is moved otherwise, the
// bound is fitted again when the widget is resized: an app may call it
// before its window is laid out.
func (m *Map) ZoomTo(bound orb.Bound) {
	m.stopInertia()
	vp := m.view()
	if vp.Width > 0 && vp.Height > 0 {
		vp = fitView(vp, bound)
	} else {
		vp = vp.FitBound(bound)
	}
	m.setView(vp)
	m.fit = &bound
}

// ZoomToLayers shows all the features of the layers drawn (see ZoomTo);
// nothing changes when there are none.
func (m *Map) ZoomToLayers() {
	if b, ok := m.tc.Extent(); ok {
		m.ZoomTo(b)
	}
}

// fitMargin is the zoom taken off a fitted bound: it fills 1/1.1 of the view.
var fitMargin = math.Log2(1.1)

func fitView(vp mapview.Viewport, b orb.Bound) mapview.Viewport {
	out := vp.FitBound(b)
	if b.Min != b.Max {
		out.Zoom = mapview.ClampZoom(out.Zoom - fitMargin)
	}
	return out
}

// SetTool changes the tool; the current sketch, measure or vertex drag is
// dropped.
func (m *Map) SetTool(t Tool) {
	m.endDrag()
	wasMeasure := m.Tool.measures()
	m.Tool = t
	m.clearSketch()
	if wasMeasure {
		m.report(Measurement{})
	}
	m.Refresh()
}

// SetSketch replaces the vertices of the current drawing or measure (nil
// clears them).
func (m *Map) SetSketch(vertices orb.LineString) {
	m.clearSketch()
	m.Sketch = append(orb.LineString(nil), vertices...)
	if m.Tool.measures() {
		m.report(Measure(m.Sketch, m.Tool.closes()))
	}
	m.Refresh()
}

// SetEditTarget sets the feature ToolEdit edits and its geometry (nil
// for none).
func (m *Map) SetEditTarget(ref mapview.FeatureRef, g orb.Geometry) {
	m.endDrag()
	m.sketchGen++
	m.EditTarget = ref
	m.EditGeometry = nil
	if g != nil {
		m.EditGeometry = mapPaths(g, func(_ int, pts []orb.Point, _ mapview.PathKind) []orb.Point { return pts })
	}
	m.Refresh()
}

// ScaleBar returns a round ground length in metres (1, 2 or 5 times a
// power of ten) and the width in logical pixels of its bar, at most
// ScaleBarMaxWidth, at the view's centre.
func (m *Map) ScaleBar() (metres, width float64) {
	return m.view().ScaleBar(ScaleBarMaxWidth)
}

// view returns the viewport at the widget's size.
func (m *Map) view() mapview.Viewport {
	vp := m.Viewport
	s := m.Size()
	vp.Width, vp.Height = int(math.Round(float64(s.Width))), int(math.Round(float64(s.Height)))
	return vp
}

// setView shows vp and tells OnViewChanged.
func (m *Map) setView(vp mapview.Viewport) {
	m.fit = nil
	s := m.Size()
	vp.Width, vp.Height = int(math.Round(float64(s.Width))), int(math.Round(float64(s.Height)))
	vp.Scale = 0 // the device's, known to the raster only
	vp = vp.Sane()
	if vp == m.Viewport {
		return
	}
	m.Viewport = vp
	m.Refresh()
	if m.OnViewChanged != nil {
		m.OnViewChanged(vp)
	}
}

// tilesReady is the cache's OnReady: from a worker, it asks the UI
// goroutine for one refresh, unless one is already on its way.
func (m *Map) tilesReady() {
	if m.refreshQueued.Swap(true) {
		return
	}
	m.do(func() {
		m.refreshQueued.Store(false)
		m.frames++
		m.Refresh()
	})
}

// background runs work off the UI goroutine once the work queued before
// it is answered, then runs the function work returns on the UI
// goroutine: taps are answered in the order they came.
func (m *Map) background(work func(ctx context.Context) func()) {
	prev, done := m.last, make(chan struct{})
	m.last = done
	do := m.do
	go func() {
		if prev != nil {
			<-prev
		}
		do(work(context.Background()))
		close(done)
	}()
}

func (m *Map) fail(err error) {
	if err != nil && m.OnError != nil {
		m.OnError(err)
	}
}

// Dragged pans the map by the dragged distance; with ToolEdit, a drag
// that starts on a vertex of EditGeometry moves it.
func (m *Map) Dragged(ev *fyne.DragEvent) {
	pos := pixelOf(ev.Position)
	if !m.drag.active {
		m.stopInertia()
		m.drag = dragState{active: true, samples: m.drag.samples[:0]}
		start := orb.Point{pos[0] - float64(ev.Dragged.DX), pos[1] - float64(ev.Dragged.DY)}
		if m.Tool == ToolEdit && m.EditGeometry != nil {
			if v, ok := nearestVertex(m.view(), m.EditGeometry, start, SnapTolerance); ok {
				m.drag.vertex, m.drag.ref, m.drag.orig = true, v, m.EditGeometry
			}
		}
	}
	m.drag.at = pos
	if m.drag.vertex {
		m.EditGeometry = moveVertex(m.drag.orig, m.drag.ref, m.view().PixelToLonLat(pos))
		m.Refresh()
		return
	}
	dx, dy := float64(ev.Dragged.DX), float64(ev.Dragged.DY)
	m.drag.samples = append(m.drag.samples, dragSample{t: m.now(), dx: dx, dy: dy})
	if n := len(m.drag.samples); n > maxDragSamples {
		m.drag.samples = append(m.drag.samples[:0], m.drag.samples[n-maxDragSamples/2:]...)
	}
	m.setView(m.view().Pan(dx, dy))
}

// DragEnd lets a flung map glide on, slowing down; a dragged vertex is
// snapped where it was dropped.
func (m *Map) DragEnd() {
	d := m.drag
	m.drag = dragState{samples: d.samples[:0]}
	if d.vertex {
		m.dropVertex(d.ref, d.at)
		return
	}
	if vx, vy, ok := flingVelocity(d.samples, m.now()); ok {
		m.startInertia(vx, vy)
	}
}

// endDrag forgets a drag under way, putting back a vertex being moved.
func (m *Map) endDrag() {
	if m.drag.vertex {
		m.EditGeometry = m.drag.orig
	}
	m.drag = dragState{samples: m.drag.samples[:0]}
	m.stopInertia()
}

// Scrolled zooms around the cursor: the place under it stays there.
func (m *Map) Scrolled(ev *fyne.ScrollEvent) {
	m.stopInertia()
	dz := math.Max(-1, math.Min(1, float64(ev.Scrolled.DY)*wheelZoom))
	if dz == 0 {
		return
	}
	m.setView(m.view().ZoomAround(pixelOf(ev.Position), dz))
}

// Tapped identifies, or places a vertex, as the tool says.
func (m *Map) Tapped(ev *fyne.PointEvent) {
	m.stopInertia()
	m.focus()
	p := pixelOf(ev.Position)
	switch m.Tool {
	case ToolIdentify:
		m.identify(p)
	case ToolDrawPoint, ToolDrawLine, ToolDrawPolygon, ToolMeasureDistance, ToolMeasureArea:
		m.place(p, false)
	case ToolEdit:
		m.insertAt(p)
	}
}

// DoubleTapped finishes a line, polygon or measure at the point; with
// ToolEdit it deletes the vertex there. Elsewhere it zooms in twice
// around the point.
func (m *Map) DoubleTapped(ev *fyne.PointEvent) {
	m.stopInertia()
	m.focus()
	p := pixelOf(ev.Position)
	switch m.Tool {
	case ToolDrawPoint, ToolDrawLine, ToolDrawPolygon, ToolMeasureDistance, ToolMeasureArea:
		m.place(p, true)
		return
	case ToolEdit:
		if m.deleteAt(p) {
			return
		}
	}
	m.setView(m.view().ZoomAround(p, 1))
}

// TappedSecondary finishes a line, polygon or measure without adding a
// vertex, as in QGIS.
func (m *Map) TappedSecondary(*fyne.PointEvent) {
	m.stopInertia()
	if m.Tool.draws() || m.Tool.measures() {
		m.finishQueued()
	}
}

// MouseIn is called when the mouse enters the map.
func (m *Map) MouseIn(ev *desktop.MouseEvent) { m.MouseMoved(ev) }

// MouseMoved reports the place under the mouse to OnCursor.
func (m *Map) MouseMoved(ev *desktop.MouseEvent) {
	m.hover, m.hovering = pixelOf(ev.Position), true
	if m.OnCursor != nil {
		m.OnCursor(m.view().PixelToLonLat(m.hover))
	}
	if m.rubberBand() {
		m.Refresh()
	}
}

// MouseOut reports NaN coordinates to OnCursor.
func (m *Map) MouseOut() {
	band := m.rubberBand()
	m.hovering = false
	if m.OnCursor != nil {
		m.OnCursor(orb.Point{math.NaN(), math.NaN()})
	}
	if band {
		m.Refresh()
	}
}

// Cursor is a crosshair for the tools that place points.
func (m *Map) Cursor() desktop.Cursor {
	if m.Tool.draws() || m.Tool.measures() || m.Tool == ToolEdit {
		return desktop.CrosshairCursor
	}
	return desktop.DefaultCursor
}

// FocusGained is called when the map gets the keyboard.
func (m *Map) FocusGained() {}

// FocusLost is called when the map loses the keyboard.
func (m *Map) FocusLost() {}

// TypedKey pans a quarter of the view with the arrows; Escape cancels the
// sketch, measure or vertex drag; Backspace takes back the last vertex;
// other keys go to OnKey.
func (m *Map) TypedKey(ev *fyne.KeyEvent) {
	vp := m.view()
	dx, dy := float64(vp.Width)*keyPan, float64(vp.Height)*keyPan
	switch ev.Name {
	case fyne.KeyLeft:
		m.keyPan(dx, 0)
	case fyne.KeyRight:
		m.keyPan(-dx, 0)
	case fyne.KeyUp:
		m.keyPan(0, dy)
	case fyne.KeyDown:
		m.keyPan(0, -dy)
	case fyne.KeyEscape:
		if !m.cancel() && m.OnKey != nil {
			m.OnKey(ev) // nothing to cancel here: the app's Escape
		}
	case fyne.KeyBackspace:
		m.undoVertex()
	default:
		if m.OnKey != nil {
			m.OnKey(ev)
		}
	}
}

// TypedRune zooms in with + or = and out with -. They are read as runes,
// not keys, so that every keyboard layout (and the keypad) works.
func (m *Map) TypedRune(r rune) {
	switch r {
	case '+', '=':
		m.keyZoom(1)
	case '-':
		m.keyZoom(-1)
	}
}

func (m *Map) keyPan(dx, dy float64) {
	m.stopInertia()
	m.setView(m.view().Pan(dx, dy))
}

func (m *Map) keyZoom(dz float64) {
	m.stopInertia()
	vp := m.view()
	m.setView(vp.ZoomAround(orb.Point{float64(vp.Width) / 2, float64(vp.Height) / 2}, dz))
}

func pixelOf(p fyne.Position) orb.Point { return orb.Point{float64(p.X), float64(p.Y)} }

// Inertia.

const (
	maxDragSamples = 64
	// Only the last flingWindow of a drag sets the speed; a drag that
	// stopped for flingIdle before its end does not fling.
	flingWindow  = 100 * time.Millisecond
	flingIdle    = 60 * time.Millisecond
	flingMinSpan = 10 * time.Millisecond
	// flingMinSpeed and flingMaxSpeed bound the fling speed, in logical
	// pixels per second; it decays by e every inertiaTau seconds and
	// stops under inertiaStopSpeed.
	flingMinSpeed    = 150
	flingMaxSpeed    = 4000
	inertiaTau       = 0.3
	inertiaStopSpeed = 20
)

type dragState struct {
	active  bool
	at      orb.Point // where the pointer is
	samples []dragSample
	// vertex: the drag moves vertex ref of orig, the geometry before.
	vertex bool
	ref    vertexRef
	orig   orb.Geometry
}

type dragSample struct {
	t      time.Time
	dx, dy float64
}

// flingVelocity returns the speed, in logical pixels per second, of the
// end of a drag that ended at end; false when it was no fling.
func flingVelocity(samples []dragSample, end time.Time) (vx, vy float64, ok bool) {
	i := 0
	for i < len(samples) && end.Sub(samples[i].t) > flingWindow {
		i++
	}
	s := samples[i:]
	if len(s) < 2 {
		return 0, 0, false
	}
	span := s[len(s)-1].t.Sub(s[0].t)
	if span < flingMinSpan || end.Sub(s[len(s)-1].t) > flingIdle {
		return 0, 0, false
	}
	for _, d := range s[1:] {
		vx += d.dx
		vy += d.dy
	}
	vx, vy = vx/span.Seconds(), vy/span.Seconds()
	speed := math.Hypot(vx, vy)
	if speed < flingMinSpeed {
		return 0, 0, false
	}
	if speed > flingMaxSpeed {
		vx, vy = vx*flingMaxSpeed/speed, vy*flingMaxSpeed/speed
	}
	return vx, vy, true
}

// startInertia pans on at (vx, vy) pixels per second, decaying: at t
// seconds the map has moved v·τ·(1−e^(−t/τ)).
func (m *Map) startInertia(vx, vy float64) {
	m.stopInertia()
	speed := math.Hypot(vx, vy)
	if speed <= inertiaStopSpeed {
		return
	}
	total := inertiaTau * math.Log(speed/inertiaStopSpeed) // seconds until it stops
	gen := m.inertiaGen
	done := 0.0 // of v·τ, panned so far
	var a *fyne.Animation
	a = fyne.NewAnimation(time.Duration(total*float64(time.Second)), func(f float32) {
		if gen != m.inertiaGen {
			return
		}
		if f >= 1 && m.inertia == a {
			m.inertia = nil
		}
		k := 1 - math.Exp(-float64(f)*total/inertiaTau)
		step := (k - done) * inertiaTau
		done = k
		m.setView(m.view().Pan(vx*step, vy*step))
	})
	a.Curve = fyne.AnimationLinear
	m.inertia = a
	m.startAnim(a)
}

// stopInertia stops the map gliding.
func (m *Map) stopInertia() {
	m.inertiaGen++
	if a := m.inertia; a != nil {
		m.inertia = nil
		m.stopAnim(a)
	}
}

// The renderer.

var (
	sketchColour  = color.NRGBA{0xff, 0x6d, 0x00, 0xff}
	measureColour = color.NRGBA{0xd0, 0x00, 0x7a, 0xff}
	editColour    = color.NRGBA{0x00, 0x6e, 0xc8, 0xff}
	handleFill    = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

const (
	sketchWidth     = 2.5
	rubberBandWidth = 1.5
	handleRadius    = 4
	handleStroke    = 2
)

type mapRenderer struct {
	m       *Map
	raster  *fynecanvas.Raster
	lines   []*fynecanvas.Line
	handles []*fynecanvas.Circle
	objects []fyne.CanvasObject

	// drawn and frames: what the raster last showed.
	drawn  mapview.Viewport
	frames uint64
}

// generate draws the map from what the cache has ready: it never waits.
// w and h are device pixels.
func (r *mapRenderer) generate(w, h int) image.Image {
	vp := r.m.view()
	if vp.Width <= 0 || vp.Height <= 0 || w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	}
	vp.Scale = float64(w) / float64(vp.Width)
	img, complete := r.m.tc.Frame(vp)
	r.m.complete = complete
	return img
}

func (r *mapRenderer) Layout(size fyne.Size) {
	r.raster.Resize(size)
}

func (r *mapRenderer) MinSize() fyne.Size { return fyne.NewSize(minMapSide, minMapSide) }

func (r *mapRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *mapRenderer) Destroy() {}

// Refresh draws the map again when the view moved or tiles arrived, and
// the sketch always.
func (r *mapRenderer) Refresh() {
	if r.m.Viewport != r.drawn || r.m.frames != r.frames {
		r.drawn, r.frames = r.m.Viewport, r.m.frames
		r.raster.Refresh()
	}
	r.overlay()
}

// overlay places the lines and handles of the sketch, the measure or the
// edited geometry over the map, clipped to it.
func (r *mapRenderer) overlay() {
	m := r.m
	vp := m.view()
	box := orb.Bound{Max: orb.Point{float64(vp.Width), float64(vp.Height)}}
	nl, nh := 0, 0
	line := func(a, b orb.Point, c color.Color, width float32) {
		a, b, ok := clipSegment(a, b, box)
		if !ok {
			return
		}
		if nl == len(r.lines) {
			r.lines = append(r.lines, &fynecanvas.Line{})
		}
		l := r.lines[nl]
		nl++
		l.StrokeColor, l.StrokeWidth = c, width
		l.Position1 = fyne.NewPos(float32(a[0]), float32(a[1]))
		l.Position2 = fyne.NewPos(float32(b[0]), float32(b[1]))
	}
	handle := func(p orb.Point, c color.Color) {
		if !box.Contains(p) {
			return
		}
		if nh == len(r.handles) {
			r.handles = append(r.handles, &fynecanvas.Circle{})
		}
		h := r.handles[nh]
		nh++
		h.FillColor, h.StrokeColor, h.StrokeWidth = handleFill, c, handleStroke
		h.Position1 = fyne.NewPos(float32(p[0])-handleRadius, float32(p[1])-handleRadius)
		h.Position2 = fyne.NewPos(float32(p[0])+handleRadius, float32(p[1])+handleRadius)
	}

	switch {
	case m.Tool.draws() || m.Tool.measures():
		c := sketchColour
		if m.Tool.measures() {
			c = measureColour
		}
		pts := make([]orb.Point, len(m.Sketch))
		for i, ll := range m.Sketch {
			pts[i] = vp.LonLatToPixel(ll)
		}
		for i := 1; i < len(pts); i++ {
			line(pts[i-1], pts[i], c, sketchWidth)
		}
		closes := m.Tool == ToolDrawPolygon || m.Tool == ToolMeasureArea
		if m.hovering && len(pts) > 0 && !m.measureDone && m.Tool != ToolDrawPoint {
			line(pts[len(pts)-1], m.hover, c, rubberBandWidth)
			if closes && len(pts) >= 2 {
				line(m.hover, pts[0], c, rubberBandWidth)
			}
		} else if closes && len(pts) >= 3 {
			line(pts[len(pts)-1], pts[0], c, sketchWidth)
		}
		for _, p := range pts {
			handle(p, c)
		}
	case m.Tool == ToolEdit && m.EditGeometry != nil:
		mapview.EachPath(m.EditGeometry, func(_ int, lls []orb.Point, kind mapview.PathKind) {
			pts := make([]orb.Point, len(lls))
			for i, ll := range lls {
				pts[i] = vp.LonLatToPixel(ll)
			}
			if kind != mapview.PathPoints {
				for i := 1; i < len(pts); i++ {
					line(pts[i-1], pts[i], editColour, sketchWidth)
				}
			}
			if kind == mapview.PathRing && len(pts) > 1 {
				pts = pts[:len(pts)-1]
			}
			for _, p := range pts {
				handle(p, editColour)
			}
		})
	}

	r.objects = r.objects[:1]
	for _, l := range r.lines[:nl] {
		r.objects = append(r.objects, l)
		l.Refresh()
	}
	for _, h := range r.handles[:nh] {
		r.objects = append(r.objects, h)
		h.Refresh()
	}
}
