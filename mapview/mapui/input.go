package mapui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/paulmach/orb"
)

// Pinch: Fyne 2.7 has no pinch or magnify event. On desktop, GLFW does not
// report trackpad pinches (two-finger scrolls arrive as scroll events and
// zoom here). On mobile, mobile.Touchable only says TouchDown, TouchUp and
// TouchCancel, with no finger id and no moves, and drags are delivered for
// one pointer at a time, so the distance between two fingers cannot be
// followed. The map zooms with the wheel, double taps and +/- instead.

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
