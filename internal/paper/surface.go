package paper

import (
	"image"
	"image/color"
)

// Surface draws a page laid out in millimetres from its top-left corner,
// y down: PDFSurface writes it as PDF, Raster into an image. Colours with
// an alpha below 255 are drawn translucent; a transparent colour draws
// nothing.
type Surface interface {
	// Polygon fills the closed outline pts with fill, then strokes it
	// with stroke, width mm wide, dashed by dash (mm, drawn then skipped).
	Polygon(pts []Pt, fill, stroke color.NRGBA, width float64, dash []float64)
	// Polyline strokes an open line, its ends round or cut square.
	Polyline(pts []Pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool)
	// Text writes s, through Printable, its baseline starting at (x, y).
	Text(x, y float64, s string, f Font, c color.NRGBA)
	// Image draws img filling r.
	Image(img *image.RGBA, r Rect) error
}

// Colour is a colour of the plan's furniture, 0xRRGGBBAA (not
// premultiplied).
type Colour uint32

// NRGBA returns the colour for a Surface.
func (c Colour) NRGBA() color.NRGBA {
	return color.NRGBA{uint8(c >> 24), uint8(c >> 16), uint8(c >> 8), uint8(c)}
}

// The colours of the plan's furniture.
const (
	// Transparent draws nothing.
	Transparent Colour = 0
	// Black is the ink of text.
	Black Colour = 0x1a1a1aff
	// InkGrey is the ink of secondary text.
	InkGrey Colour = 0x555555ff
	// FrameGrey outlines the map and draws the scale bar and the arrow.
	FrameGrey Colour = 0x333333ff
	// RuleGrey draws the rules between the parts of a sheet.
	RuleGrey Colour = 0xb0b0b0ff
	// White is the paper.
	White Colour = 0xffffffff
	// BoxWhite is the veil under what is written on the map.
	BoxWhite Colour = 0xffffffd9
	// PaperMap is the map's ground where nothing is drawn, as on screen.
	PaperMap Colour = 0xf4f2eeff
)
