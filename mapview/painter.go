package mapview

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"
)

// canvas accumulates closed polygons and fills them, anti-aliased, into an
// RGBA image in one pass per colour. Every polygon is added with the same
// orientation, so that overlapping pieces (the quads and joins of a
// stroke, neighbouring symbols) add up instead of cancelling, and holes
// are added the other way round. Coverage is clamped: a colour is laid
// once however many pieces overlap, which keeps translucent strokes even.
type canvas struct {
	dst   *image.RGBA
	rz    vector.Rasterizer
	mask  image.Alpha // coverage of the pixels of what is filled
	spans []span      // of each row of mask, the columns to blend

	xy   []float32 // x, y pairs of every polygon
	ends []int     // end (in points) of each polygon in xy
	bb   [4]float32
	tmp  []orb.Point
}

// canvases keeps released canvases, whose buffers (the rasterizer's, as
// large as a tile) the next tiles reuse.
var canvases = sync.Pool{New: func() any { return new(canvas) }}

func newCanvas(dst *image.RGBA) *canvas {
	c := canvases.Get().(*canvas)
	c.dst = dst
	c.resetPath()
	return c
}

// release hands the canvas back for reuse; it must not be used after.
func (c *canvas) release() {
	c.dst = nil
	canvases.Put(c)
}

func (c *canvas) resetPath() {
	c.xy = c.xy[:0]
	c.ends = c.ends[:0]
	c.bb = [4]float32{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
}

// polygon adds a closed polygon; hole adds it with the other orientation.
func (c *canvas) polygon(pts []orb.Point, hole bool) {
	n := len(pts)
	if n > 1 && pts[0] == pts[n-1] {
		n--
	}
	if n < 3 {
		return
	}
	area := 0.0
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[(i+1)%n]
		area += a[0]*b[1] - b[0]*a[1]
	}
	if area == 0 {
		return
	}
	// Outer polygons go negative (clockwise on screen), holes positive.
	reverse := (area > 0) != hole
	for i := 0; i < n; i++ {
		p := pts[i]
		if reverse {
			p = pts[n-1-i]
		}
		c.point(float32(p[0]), float32(p[1]))
	}
	c.ends = append(c.ends, len(c.xy)/2)
}

func (c *canvas) point(x, y float32) {
	c.xy = append(c.xy, x, y)
	c.bb[0] = min(c.bb[0], x)
	c.bb[1] = min(c.bb[1], y)
	c.bb[2] = max(c.bb[2], x)
	c.bb[3] = max(c.bb[3], y)
}

// quad adds a four-point polygon.
func (c *canvas) quad(a, b, d, e orb.Point) {
	c.tmp = append(c.tmp[:0], a, b, d, e)
	c.polygon(c.tmp, false)
}

// disc adds a circle of radius r around p.
func (c *canvas) disc(p orb.Point, r float64) {
	n := circleSteps(r)
	c.tmp = c.tmp[:0]
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		c.tmp = append(c.tmp, orb.Point{p[0] + r*math.Cos(a), p[1] + r*math.Sin(a)})
	}
	c.polygon(c.tmp, false)
}

// circleSteps returns how many sides make a circle of radius r (pixels)
// look round.
func circleSteps(r float64) int {
	return max(8, min(64, int(math.Ceil(2*math.Pi*r/1.5))))
}

// fill paints what was added in col, then forgets it.
func (c *canvas) fill(col Color) {
	defer c.resetPath()
	if len(c.ends) == 0 || col.A == 0 {
		return
	}
	b := c.dst.Bounds()
	x0 := max(b.Min.X, int(math.Floor(float64(c.bb[0]))))
	y0 := max(b.Min.Y, int(math.Floor(float64(c.bb[1]))))
	x1 := min(b.Max.X, int(math.Ceil(float64(c.bb[2]))))
	y1 := min(b.Max.Y, int(math.Ceil(float64(c.bb[3]))))
	if x1 <= x0 || y1 <= y0 {
		return
	}
	w, h := x1-x0, y1-y0
	c.rz.Reset(w, h)
	fx, fy := float32(x0), float32(y0)
	start := 0
	for _, end := range c.ends {
		c.rz.MoveTo(c.xy[2*start]-fx, c.xy[2*start+1]-fy)
		for i := start + 1; i < end; i++ {
			c.rz.LineTo(c.xy[2*i]-fx, c.xy[2*i+1]-fy)
		}
		c.rz.ClosePath()
		start = end
	}
	// The rasterizer writes the coverage of every pixel of the box, fast;
	// only those of each row that the polygons' boxes span are then
	// blended: a stroke covers few of its box's pixels.
	if cap(c.mask.Pix) < w*h {
		c.mask.Pix = make([]uint8, w*h)
	}
	c.mask.Pix, c.mask.Stride, c.mask.Rect = c.mask.Pix[:w*h], w, image.Rect(0, 0, w, h)
	c.rz.DrawOp = draw.Src
	c.rz.Draw(&c.mask, c.mask.Rect, image.Opaque, image.Point{})
	blendMask(c.dst, image.Pt(x0, y0), &c.mask, c.rowSpans(fx, fy, w, h), col)
}

// span is the columns [x0, x1) of a row.
type span struct{ x0, x1 int32 }

// rowSpans returns, for each row of the w×h box whose top-left corner is
// at (fx, fy), the columns the added polygons' boxes cover, a column more
// on the right for the anti-aliasing.
func (c *canvas) rowSpans(fx, fy float32, w, h int) []span {
	if cap(c.spans) < h {
		c.spans = make([]span, h)
	}
	spans := c.spans[:h]
	for i := range spans {
		spans[i] = span{int32(w), 0}
	}
	start := 0
	for _, end := range c.ends {
		bx0, by0 := float32(math.MaxFloat32), float32(math.MaxFloat32)
		bx1, by1 := -bx0, -by0
		for i := start; i < end; i++ {
			x, y := c.xy[2*i], c.xy[2*i+1]
			bx0, bx1 = min(bx0, x), max(bx1, x)
			by0, by1 = min(by0, y), max(by1, y)
		}
		start = end
		x0 := int32(max(0, min(w, int(math.Floor(float64(bx0-fx))))))
		x1 := int32(max(0, min(w, int(math.Ceil(float64(bx1-fx)))+1)))
		y0 := max(0, min(h, int(math.Floor(float64(by0-fy)))))
		y1 := max(0, min(h, int(math.Ceil(float64(by1-fy)))))
		for y := y0; y < y1; y++ {
			sp := &spans[y]
			sp.x0, sp.x1 = min(sp.x0, x0), max(sp.x1, x1)
		}
	}
	return spans
}

// blendMask lays col over dst through the coverage mask, its top-left
// corner at `at`, as vector.Rasterizer lays a uniform colour over an RGBA
// image. Only the spans of each row are read; nil spans mean whole rows.
func blendMask(dst *image.RGBA, at image.Point, mask *image.Alpha, spans []span, col Color) {
	sr, sg, sb, sa := color.NRGBA(col).RGBA()
	opaque := sa == 0xffff
	r8, g8, b8 := uint8(sr>>8), uint8(sg>>8), uint8(sb>>8)
	// Fully covered pixels of a translucent colour, the inside of a
	// zone, are laid through a table of what each channel value becomes.
	var lut *[4][256]uint8
	w, h := mask.Rect.Dx(), mask.Rect.Dy()
	for y := 0; y < h; y++ {
		m := mask.Pix[y*mask.Stride : y*mask.Stride+w : y*mask.Stride+w]
		i0 := dst.PixOffset(at.X, at.Y+y)
		d := dst.Pix[i0 : i0+4*w : i0+4*w]
		x0, x1 := 0, w
		if spans != nil {
			x0, x1 = int(spans[y].x0), int(spans[y].x1)
		}
		for x := x0; x < x1; x++ {
			// Skip uncovered pixels eight at a time.
			if x&7 == 0 && x+8 <= x1 && binary.LittleEndian.Uint64(m[x:]) == 0 {
				x += 7
				continue
			}
			cov := uint32(m[x])
			if cov == 0 {
				continue
			}
			px := d[4*x : 4*x+4 : 4*x+4]
			if cov == 0xff {
				if opaque {
					px[0], px[1], px[2], px[3] = r8, g8, b8, 0xff
					continue
				}
				if lut == nil {
					lut = overTable(sr, sg, sb, sa)
				}
				px[0], px[1], px[2], px[3] = lut[0][px[0]], lut[1][px[1]], lut[2][px[2]], lut[3][px[3]]
				continue
			}
			ma := cov * 0x101
			a := 0xffff - (sa * ma / 0xffff)
			px[0] = uint8(((uint32(px[0])*0x101*a + sr*ma) / 0xffff) >> 8)
			px[1] = uint8(((uint32(px[1])*0x101*a + sg*ma) / 0xffff) >> 8)
			px[2] = uint8(((uint32(px[2])*0x101*a + sb*ma) / 0xffff) >> 8)
			px[3] = uint8(((uint32(px[3])*0x101*a + sa*ma) / 0xffff) >> 8)
		}
	}
}

// overTable returns, for each channel, what blendMask makes of each value
// under a fully covered translucent colour.
func overTable(sr, sg, sb, sa uint32) *[4][256]uint8 {
	var t [4][256]uint8
	a := 0xffff - sa
	for c, s := range [4]uint32{sr, sg, sb, sa} {
		for v := range 256 {
			t[c][v] = uint8(((uint32(v)*0x101*a + s*0xffff) / 0xffff) >> 8)
		}
	}
	return &t
}
