package mapview

import (
	"image"
	"image/color"
	"math"

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
	dst *image.RGBA
	rz  vector.Rasterizer
	src image.Uniform

	xy   []float32 // x, y pairs of every polygon
	ends []int     // end (in points) of each polygon in xy
	bb   [4]float32
	tmp  []orb.Point
}

func newCanvas(dst *image.RGBA) *canvas {
	c := &canvas{dst: dst}
	c.resetPath()
	return c
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
	c.rz.Reset(x1-x0, y1-y0)
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
	c.src.C = color.NRGBA(col)
	c.rz.Draw(c.dst, image.Rect(x0, y0, x1, y1), &c.src, image.Point{})
}
