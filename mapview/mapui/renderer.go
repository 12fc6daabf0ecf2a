package mapui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas" // the engine has its own canvas type
	"github.com/paulmach/orb"

	"terrimap/mapview"
)

// The renderer: the map's picture from the tile cache, and the sketch,
// measure or edited geometry drawn over it.

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
