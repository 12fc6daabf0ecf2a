package mapui

import (
	"context"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas" // the engine has its own canvas type
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
)

// mapui is the only package under mapview that imports Fyne: the map
// widget's state and setters (widget.go), its input (input.go), inertia
// (inertia.go), renderer (renderer.go), tools (widget_tools.go) and
// sketches (sketch.go).

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

// SetDo makes the map bring its updates (tiles arrived, the fling's
// frames) to the UI goroutine through do instead of fyne.Do: the app
// passes its own, which its tests replace by a queue they run, so that
// every update of the map happens on one goroutine there too.
func (m *Map) SetDo(do func(func())) { m.do = do }

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
