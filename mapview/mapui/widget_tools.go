package mapui

import (
	"terrimap/mapview"

	"context"
	"math"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"
)

// The map's tools: identify, draw, measure and edit vertices. Lookups in
// the workspace (hit tests, snapping) run off the UI goroutine through
// Map.background and are answered in order; a cancelled or replaced
// sketch (sketchGen) drops the answers still on their way.

func (t Tool) draws() bool { return t == ToolDrawPoint || t == ToolDrawLine || t == ToolDrawPolygon }

func (t Tool) measures() bool { return t == ToolMeasureDistance || t == ToolMeasureArea }

// closes reports whether the tool's sketch is a polygon.
func (t Tool) closes() bool { return t == ToolDrawPolygon || t == ToolMeasureArea }

func (t Tool) shape() sketchShape {
	switch t {
	case ToolDrawPoint:
		return sketchPoint
	case ToolDrawPolygon, ToolMeasureArea:
		return sketchPolygon
	}
	return sketchLine
}

// identify reports the features under pixel p to OnIdentify.
func (m *Map) identify(p orb.Point) {
	vp, tc := m.view(), m.tc
	ll := vp.PixelToLonLat(p)
	m.background(func(ctx context.Context) func() {
		hits, err := tc.HitTest(ctx, vp, p, IdentifyTolerance)
		return func() {
			m.fail(err)
			if m.OnIdentify != nil {
				m.OnIdentify(ll, hits)
			}
		}
	})
}

// place adds a vertex at pixel p, snapped to the nearest vertex of the
// visible layers or of the sketch itself, then finishes the sketch if
// asked.
func (m *Map) place(p orb.Point, finish bool) {
	vp, tc, tool, gen := m.view(), m.tc, m.Tool, m.sketchGen
	m.background(func(ctx context.Context) func() {
		s, ok, err := tc.SnapVertex(ctx, vp, p, SnapTolerance)
		return func() {
			if gen != m.sketchGen || tool != m.Tool {
				return
			}
			m.fail(err)
			m.placeSnapped(vp, p, s, ok, finish)
		}
	})
}

func (m *Map) placeSnapped(vp mapview.Viewport, p orb.Point, s mapview.Snap, snapped, finish bool) {
	if m.measureDone {
		m.Sketch, m.measureDone = nil, false
	}
	ll, best, own := vp.PixelToLonLat(p), math.Inf(1), -1
	if snapped {
		ll, best = s.Point, s.Distance
	}
	for i, v := range m.Sketch {
		if d := pixelDistance(vp.LonLatToPixel(v), p); d <= SnapTolerance && d < best {
			ll, best, own = v, d, i
		}
	}
	if m.Tool == ToolDrawPoint {
		m.Sketch = nil
		m.Refresh()
		if m.OnSketchDone != nil {
			m.OnSketchDone(ll)
		}
		return
	}
	n := len(m.Sketch)
	switch {
	case own == 0 && m.Tool.closes():
		// The first vertex again closes the polygon.
		finish = finish || n >= 3
	case own >= 0 && own == n-1:
		// The last vertex again: a double tap where the last tap was.
	default:
		m.Sketch = append(m.Sketch, ll)
	}
	if finish {
		m.finish()
		return
	}
	m.Refresh()
	if m.Tool.measures() {
		m.report(Measure(m.Sketch, m.Tool.closes()))
	}
}

// finish ends the sketch: its geometry goes to OnSketchDone, or the
// measure is marked done. A sketch with too few vertices goes on.
func (m *Map) finish() {
	if m.Tool.measures() {
		if len(m.Sketch) == 0 {
			return
		}
		m.measureDone = true
		m.Refresh()
		mm := Measure(m.Sketch, m.Tool.closes())
		mm.Done = true
		m.report(mm)
		return
	}
	g, ok := sketchGeometry(m.Tool.shape(), m.Sketch)
	if !ok {
		m.Refresh()
		return
	}
	m.Sketch = nil
	m.Refresh()
	if m.OnSketchDone != nil {
		m.OnSketchDone(g)
	}
}

// finishQueued finishes the sketch once the vertices on their way are in.
func (m *Map) finishQueued() {
	tool, gen := m.Tool, m.sketchGen
	m.background(func(context.Context) func() {
		return func() {
			if gen == m.sketchGen && tool == m.Tool {
				m.finish()
			}
		}
	})
}

// cancel drops the vertex being dragged, or else the sketch or measure.
func (m *Map) cancel() bool {
	if m.drag.vertex {
		m.endDrag()
		m.Refresh()
		return true
	}
	had := len(m.Sketch) > 0
	m.clearSketch()
	if had && m.Tool.measures() {
		m.report(Measurement{})
	}
	m.Refresh()
	return had
}

// clearSketch drops the sketch and the answers on their way for it.
func (m *Map) clearSketch() {
	m.Sketch, m.measureDone = nil, false
	m.sketchGen++
}

// undoVertex takes back the last vertex of the sketch.
func (m *Map) undoVertex() {
	if len(m.Sketch) == 0 || m.measureDone {
		return
	}
	m.Sketch = m.Sketch[:len(m.Sketch)-1]
	m.Refresh()
	if m.Tool.measures() {
		m.report(Measure(m.Sketch, m.Tool.closes()))
	}
}

func (m *Map) report(mm Measurement) {
	if m.OnMeasure != nil {
		m.OnMeasure(mm)
	}
}

// rubberBand reports whether a line follows the mouse from the last vertex.
func (m *Map) rubberBand() bool {
	return (m.Tool.measures() || m.Tool == ToolDrawLine || m.Tool == ToolDrawPolygon) &&
		len(m.Sketch) > 0 && !m.measureDone
}

// insertAt inserts a vertex in the segment of EditGeometry under pixel p,
// unless p is on a vertex.
func (m *Map) insertAt(p orb.Point) {
	if m.EditGeometry == nil {
		return
	}
	vp := m.view()
	if _, on := nearestVertex(vp, m.EditGeometry, p, SnapTolerance); on {
		return
	}
	if path, after, at, ok := nearestSegment(vp, m.EditGeometry, p, IdentifyTolerance); ok {
		m.edited(insertVertex(m.EditGeometry, path, after, at))
	}
}

// deleteAt deletes the vertex of EditGeometry under pixel p; false when
// there is none there.
func (m *Map) deleteAt(p orb.Point) bool {
	if m.EditGeometry == nil {
		return false
	}
	v, ok := nearestVertex(m.view(), m.EditGeometry, p, SnapTolerance)
	if !ok {
		return false
	}
	if g, ok := deleteVertex(m.EditGeometry, v); ok {
		m.edited(g)
	}
	return true
}

// dropVertex snaps the vertex v, dragged to pixel p, to the nearest vertex
// of another feature.
func (m *Map) dropVertex(v vertexRef, p orb.Point) {
	vp, tc, gen, ref := m.view(), m.tc, m.sketchGen, m.EditTarget
	m.background(func(ctx context.Context) func() {
		s, ok, err := tc.SnapVertex(ctx, vp, p, SnapTolerance, ref)
		return func() {
			if gen != m.sketchGen || m.EditGeometry == nil {
				return
			}
			m.fail(err)
			g := m.EditGeometry
			if ok {
				g = moveVertex(g, v, s.Point)
			}
			m.edited(g)
		}
	})
}

func (m *Map) edited(g orb.Geometry) {
	m.EditGeometry = g
	m.Refresh()
	if m.OnVertexEdited != nil {
		m.OnVertexEdited(m.EditTarget, g)
	}
}

// focus takes the keyboard, for the arrows and Escape.
func (m *Map) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil && c.Focused() != m {
		c.Focus(m)
	}
}
