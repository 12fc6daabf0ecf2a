package paper

import (
	"image"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/mapview"
)

// MapFrame is the map on the page: the box it fills and the view it
// shows, with the size of what is drawn on it (the scale bar, the north
// arrow, the credits).
type MapFrame struct {
	// Rect is the map's box on the page, in millimetres.
	Rect Rect
	// View is what the map shows; its Width and Height, in logical pixels,
	// fill Rect.
	View mapview.Viewport
	// K is the size of the furniture relative to an A4 sheet's (1).
	K float64
	// Inset is the furniture's distance from the frame's edges, in mm.
	Inset float64
}

// FitFrame returns the frame of a map drawn at dpi in r: its view's size
// (a logical pixel is 1/96 inch on paper, as in every map scale Terrimap
// states) and device scale are set, and the box is shrunk by less than a
// pixel to the size of the image drawn for it. The caller sets the view's
// centre and zoom.
func FitFrame(r Rect, dpi float64) MapFrame {
	scale := dpi / ScreenDPI
	devW := math.Max(1, math.Round(r.W/MMPerInch*dpi))
	devH := math.Max(1, math.Round(r.H/MMPerInch*dpi))
	vp := mapview.Viewport{Width: max(1, int(math.Round(devW/scale))), Height: max(1, int(math.Round(devH/scale))), Scale: scale}
	ds := vp.DeviceSize()
	r.W = float64(ds.X) / dpi * MMPerInch
	r.H = float64(ds.Y) / dpi * MMPerInch
	return MapFrame{Rect: r, View: vp, K: 1, Inset: 4}
}

// ScreenDPI is the resolution of a logical pixel: 1/96 inch.
const ScreenDPI = 96

// PxMM is a logical pixel (1/96 inch) in millimetres: a symbol of 8
// pixels on screen is 8·PxMM on paper.
const PxMM = MMPerInch / ScreenDPI

// Page returns where a longitude/latitude lies on the page, in mm: a
// logical pixel of the view is PxMM on paper, from the frame's centre (the
// view's centre, where the map image is centred).
func (m MapFrame) Page(ll orb.Point) Pt {
	p := m.View.LonLatToPixel(ll)
	return Pt{
		m.Rect.X + m.Rect.W/2 + (p[0]-float64(m.View.Width)/2)*PxMM,
		m.Rect.Y + m.Rect.H/2 + (p[1]-float64(m.View.Height)/2)*PxMM,
	}
}

// Scale returns the map's scale as every Terrimap page and the status bar
// state it: "1:18 700" (ScaleText of the view's scale denominator).
func (m MapFrame) Scale() string { return ScaleText(m.View.ScaleDenominator()) }

// DrawMap draws img, the map drawn for the frame's view, in the frame,
// outlined when outline is set.
func (m MapFrame) DrawMap(s Surface, img *image.RGBA, outline bool) error {
	if err := s.Image(img, m.Rect); err != nil {
		return err
	}
	if outline {
		m.DrawOutline(s)
	}
	return nil
}

// DrawOutline outlines the frame.
func (m MapFrame) DrawOutline(s Surface) {
	s.Polygon(m.Rect.Pts(), Transparent.NRGBA(), FrameGrey.NRGBA(), 0.3*m.K, nil)
}

// DrawCredits writes the sources in the map's bottom-right corner, for a
// map without a cartouche to hold them.
func (m MapFrame) DrawCredits(s Surface, fs *Fonts, credits []string) {
	if len(credits) == 0 {
		return
	}
	k, f := m.K, m.Rect
	font := Font{Size: 6 * k}
	pad := 1.2 * k
	text := fs.Ellipsis(strings.Join(credits, " · "), font, 0.6*f.W)
	w := fs.Width(text, font)
	h := LineHeight(font) + pad
	box := Rect{f.Right() - w - 2*pad, f.Bottom() - h, w + 2*pad, h}
	s.Polygon(box.Pts(), BoxWhite.NRGBA(), Transparent.NRGBA(), 0, nil)
	s.Text(box.X+pad, box.Bottom()-pad/2-0.3*LineHeight(font), text, font, InkGrey.NRGBA())
}
