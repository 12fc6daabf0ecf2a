package mapview

import (
	"image"
	"math"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// Zoom limits of a Viewport.
const (
	MinZoom = 0
	MaxZoom = 22
)

// A logical pixel counts as 1/96 inch in map scales.
const (
	metresPerInch = 0.0254
	logicalDPI    = 96
)

// Viewport is what the map shows: a centre, a Web Mercator zoom (fractional:
// the world is TileSize·2^Zoom logical pixels wide) and a size in logical
// pixels, drawn at Scale device pixels per logical pixel. It is a value:
// the methods that move it return a new Viewport.
type Viewport struct {
	// Center is the longitude/latitude at the middle of the view.
	Center orb.Point
	// Zoom is the Web Mercator zoom, between MinZoom and MaxZoom.
	Zoom float64
	// Width and Height are the view's size in logical pixels.
	Width, Height int
	// Scale is the number of device pixels per logical pixel; 0 means 1.
	Scale float64
}

// DeviceScale returns Scale, or 1 when it is not set.
func (vp Viewport) DeviceScale() float64 {
	if vp.Scale <= 0 || math.IsNaN(vp.Scale) || math.IsInf(vp.Scale, 0) {
		return 1
	}
	return vp.Scale
}

// DeviceSize returns the size, in device pixels, of the images drawn for vp.
func (vp Viewport) DeviceSize() image.Point {
	s := vp.DeviceScale()
	return image.Point{int(math.Round(float64(vp.Width) * s)), int(math.Round(float64(vp.Height) * s))}
}

// DeviceZoom returns the zoom at which one device pixel is one pixel of
// the Web Mercator world: Zoom + log2(Scale).
func (vp Viewport) DeviceZoom() float64 { return vp.Zoom + math.Log2(vp.DeviceScale()) }

// worldPixels returns the width of the world in logical pixels.
func (vp Viewport) worldPixels() float64 { return TileSize * math.Exp2(vp.Zoom) }

// PixelToLonLat returns the longitude/latitude under a logical pixel, measured
// from the view's top-left corner.
func (vp Viewport) PixelToLonLat(p orb.Point) orb.Point {
	w := vp.worldPixels()
	c := toWorld(vp.Center)
	return fromWorld(orb.Point{
		c[0] + (p[0]-float64(vp.Width)/2)/w,
		c[1] + (p[1]-float64(vp.Height)/2)/w,
	})
}

// LonLatToPixel returns the logical pixel, from the view's top-left corner,
// where a longitude/latitude is drawn.
func (vp Viewport) LonLatToPixel(ll orb.Point) orb.Point {
	w := vp.worldPixels()
	c, q := toWorld(vp.Center), toWorld(ll)
	return orb.Point{
		(q[0]-c[0])*w + float64(vp.Width)/2,
		(q[1]-c[1])*w + float64(vp.Height)/2,
	}
}

// PixelToLambert93 returns the Lambert-93 (EPSG:2154) coordinates, in
// metres, under a logical pixel.
func (vp Viewport) PixelToLambert93(p orb.Point) orb.Point {
	return LonLatToLambert93(vp.PixelToLonLat(p))
}

// Lambert93ToPixel returns the logical pixel where Lambert-93 coordinates are drawn.
func (vp Viewport) Lambert93ToPixel(p orb.Point) orb.Point {
	return vp.LonLatToPixel(Lambert93ToLonLat(p))
}

// LonLatToLambert93 transforms a WGS84 longitude/latitude to Lambert-93
// (RGF93, EPSG:2154) metres. Points outside the projection's domain come out
// as NaN.
func LonLatToLambert93(ll orb.Point) orb.Point { return transform(srs.WGS84, srs.Lambert93, ll) }

// Lambert93ToLonLat transforms Lambert-93 metres to a WGS84 longitude/latitude.
func Lambert93ToLonLat(p orb.Point) orb.Point { return transform(srs.Lambert93, srs.WGS84, p) }

func transform(from, to int, p orb.Point) orb.Point {
	tr, err := srs.Transformer(from, to)
	if err != nil { // both codes are supported: this cannot happen
		return orb.Point{math.NaN(), math.NaN()}
	}
	return tr(p)
}

// Bound returns the longitude/latitude bound of what the view shows.
func (vp Viewport) Bound() orb.Bound {
	nw := vp.PixelToLonLat(orb.Point{0, 0})
	se := vp.PixelToLonLat(orb.Point{float64(vp.Width), float64(vp.Height)})
	return orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}
}

// ZoomAround changes the zoom by dz, keeping the place under the logical
// pixel p where it is, as a mouse wheel or a pinch does.
func (vp Viewport) ZoomAround(p orb.Point, dz float64) Viewport {
	ll := vp.PixelToLonLat(p)
	out := vp
	out.Zoom = ClampZoom(vp.Zoom + dz)
	// Put ll back under p: move the centre by the pixel offset at the new zoom.
	w := out.worldPixels()
	q := toWorld(ll)
	out.Center = fromWorld(orb.Point{
		q[0] - (p[0]-float64(vp.Width)/2)/w,
		q[1] - (p[1]-float64(vp.Height)/2)/w,
	})
	return out
}

// Pan moves the map's content by (dx, dy) logical pixels, as a drag does:
// a positive dx brings what was on the left into view.
func (vp Viewport) Pan(dx, dy float64) Viewport {
	w := vp.worldPixels()
	c := toWorld(vp.Center)
	out := vp
	out.Center = fromWorld(orb.Point{c[0] - dx/w, clamp01(c[1] - dy/w)})
	return out
}

// FitBound returns the view, of the same size, centred on b at the largest
// zoom that shows all of it. A bound of zero size keeps the zoom.
func (vp Viewport) FitBound(b orb.Bound) Viewport {
	out := vp
	wb := worldBound(b)
	out.Center = fromWorld(wb.Center())
	dx, dy := wb.Max[0]-wb.Min[0], wb.Max[1]-wb.Min[1]
	if (dx <= 0 && dy <= 0) || vp.Width <= 0 || vp.Height <= 0 {
		return out
	}
	z := math.Inf(1)
	if dx > 0 {
		z = math.Log2(float64(vp.Width) / (dx * TileSize))
	}
	if dy > 0 {
		z = math.Min(z, math.Log2(float64(vp.Height)/(dy*TileSize)))
	}
	out.Zoom = ClampZoom(z)
	return out
}

// MetersPerPixel returns the ground distance a logical pixel covers at the
// view's centre.
func (vp Viewport) MetersPerPixel() float64 {
	return 2 * earthHalf * math.Cos(vp.Center[1]*math.Pi/180) / vp.worldPixels()
}

// ScaleDenominator returns N of the map scale 1:N at the view's centre,
// counting a logical pixel as 1/96 inch.
func (vp Viewport) ScaleDenominator() float64 {
	return vp.MetersPerPixel() * logicalDPI / metresPerInch
}

// sane returns the viewport with a finite centre in the Web Mercator
// square, a zoom within limits and no negative size.
// Sane returns the viewport with its centre and zoom brought within the
// map's bounds and a non-negative size.
func (vp Viewport) Sane() Viewport {
	if !finite(vp.Center[0]) || !finite(vp.Center[1]) {
		vp.Center = orb.Point{}
	}
	vp.Center[0] = math.Max(-180, math.Min(180, vp.Center[0]))
	vp.Center[1] = math.Max(-maxLatitude, math.Min(maxLatitude, vp.Center[1]))
	vp.Zoom = ClampZoom(vp.Zoom)
	vp.Width, vp.Height = max(0, vp.Width), max(0, vp.Height)
	return vp
}

// maxLatitude is where the Web Mercator square ends.
const maxLatitude = 85.05112878

// ClampZoom brings a zoom within MinZoom and MaxZoom (MinZoom for NaN).
func ClampZoom(z float64) float64 {
	if math.IsNaN(z) {
		return MinZoom
	}
	return math.Max(MinZoom, math.Min(MaxZoom, z))
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }
