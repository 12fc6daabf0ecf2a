package main

import (
	"image"
	"image/color"
	"math"
)

// The icon is designed on a 512×512 grid; drawIcon scales it to any size.
const grid = 512

// Colours of the territory: the green of the Mâconnais fields, the blue of the
// Saône and of the water network.
var (
	fieldTop    = rgb(0x74, 0xC0, 0x4A)
	fieldBottom = rgb(0x2E, 0x7D, 0x32)
	parcel      = rgba(0xFF, 0xFF, 0xFF, 0.13)
	casing      = rgb(0xE8, 0xF4, 0xFD)
	pipe        = rgb(0x15, 0x65, 0xC0)
	white       = rgb(0xFF, 0xFF, 0xFF)
	pinTop      = rgb(0x1E, 0x88, 0xE5)
	pinBottom   = rgb(0x0D, 0x3C, 0x8C)
)

// rgbaF is a colour with straight (not premultiplied) components in [0, 1].
type rgbaF struct{ r, g, b, a float64 }

func rgb(r, g, b uint8) rgbaF { return rgba(r, g, b, 1) }

func rgba(r, g, b uint8, a float64) rgbaF {
	return rgbaF{float64(r) / 255, float64(g) / 255, float64(b) / 255, a}
}

func mix(c0, c1 rgbaF, t float64) rgbaF {
	t = math.Max(0, math.Min(1, t))
	return rgbaF{
		c0.r + (c1.r-c0.r)*t,
		c0.g + (c1.g-c0.g)*t,
		c0.b + (c1.b-c0.b)*t,
		c0.a + (c1.a-c0.a)*t,
	}
}

type vec struct{ x, y float64 }

func (a vec) sub(b vec) vec                { return vec{a.x - b.x, a.y - b.y} }
func (a vec) add(b vec) vec                { return vec{a.x + b.x, a.y + b.y} }
func (a vec) scale(k float64) vec          { return vec{a.x * k, a.y * k} }
func (a vec) dot(b vec) float64            { return a.x*b.x + a.y*b.y }
func (a vec) cross(b vec) float64          { return a.x*b.y - a.y*b.x }
func (a vec) length() float64              { return math.Hypot(a.x, a.y) }
func (a vec) rotate(t float64) vec         { s, c := math.Sincos(t); return vec{a.x*c - a.y*s, a.x*s + a.y*c} }
func (a vec) dist(b vec) float64           { return a.sub(b).length() }
func (a vec) within(b vec, r float64) bool { return a.dist(b) <= r }

// shape is a region of the design grid: inside reports whether a point is
// in it, and no point outside the box [min, max] is.
type shape struct {
	inside   func(p vec) bool
	min, max vec
}

// everywhere is the box of an unbounded shape.
var everywhere = [2]vec{{math.Inf(-1), math.Inf(-1)}, {math.Inf(1), math.Inf(1)}}

// paint gives the colour of a shape at a point of the design grid.
type paint func(p vec) rgbaF

type layer struct {
	shape
	colour paint
}

func solid(c rgbaF) paint { return func(vec) rgbaF { return c } }

// vertical is a gradient from c0 at y0 to c1 at y1.
func vertical(c0, c1 rgbaF, y0, y1 float64) paint {
	return func(p vec) rgbaF { return mix(c0, c1, (p.y-y0)/(y1-y0)) }
}

func roundedSquare(min, max, radius float64) shape {
	return shape{min: vec{min, min}, max: vec{max, max}, inside: func(p vec) bool {
		if p.x < min || p.x > max || p.y < min || p.y > max {
			return false
		}
		cx := math.Max(min+radius, math.Min(max-radius, p.x))
		cy := math.Max(min+radius, math.Min(max-radius, p.y))
		return p.within(vec{cx, cy}, radius)
	}}
}

func circle(c vec, r float64) shape {
	return shape{
		min:    vec{c.x - r, c.y - r},
		max:    vec{c.x + r, c.y + r},
		inside: func(p vec) bool { return p.within(c, r) },
	}
}

// polyline is a line of the given width through points, with round caps and joins.
func polyline(width float64, pts ...vec) shape {
	s := shape{min: vec{math.Inf(1), math.Inf(1)}, max: vec{math.Inf(-1), math.Inf(-1)}}
	for _, p := range pts {
		s.min = vec{math.Min(s.min.x, p.x-width/2), math.Min(s.min.y, p.y-width/2)}
		s.max = vec{math.Max(s.max.x, p.x+width/2), math.Max(s.max.y, p.y+width/2)}
	}
	s.inside = func(p vec) bool {
		for i := 1; i < len(pts); i++ {
			a, b := pts[i-1], pts[i]
			ab := b.sub(a)
			t := math.Max(0, math.Min(1, p.sub(a).dot(ab)/ab.dot(ab)))
			if p.within(a.add(ab.scale(t)), width/2) {
				return true
			}
		}
		return false
	}
	return s
}

// pin is a map pin (or a drop): the circle of centre c and radius r joined by its
// two tangents to the tip.
func pin(c vec, r float64, tip vec) shape {
	v := tip.sub(c)
	d := v.length()
	u := v.scale(1 / d)
	beta := math.Acos(r / d)
	q1 := c.add(u.rotate(beta).scale(r))
	q2 := c.add(u.rotate(-beta).scale(r))
	return shape{
		min: vec{math.Min(c.x-r, tip.x), math.Min(c.y-r, tip.y)},
		max: vec{math.Max(c.x+r, tip.x), math.Max(c.y+r, tip.y)},
		inside: func(p vec) bool {
			if p.within(c, r) {
				return true
			}
			s1 := q1.sub(tip).cross(p.sub(tip))
			s2 := q2.sub(q1).cross(p.sub(q1))
			s3 := tip.sub(q2).cross(p.sub(q2))
			return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
		}}
}

// pinOutline is pin grown by width w on every side.
func pinOutline(c vec, r float64, tip vec, w float64) shape {
	v := tip.sub(c)
	d := v.length()
	sinAlpha := r / d
	return pin(c, r+w, tip.add(v.scale(w/sinAlpha/d)))
}

// and is the intersection of a and b.
func and(a, b shape) shape {
	return shape{
		min:    vec{math.Max(a.min.x, b.min.x), math.Max(a.min.y, b.min.y)},
		max:    vec{math.Min(a.max.x, b.max.x), math.Min(a.max.y, b.max.y)},
		inside: func(p vec) bool { return a.inside(p) && b.inside(p) },
	}
}

// halfPlaneBelow is what lies right of the line from a to b (below it, in
// image coordinates, when a is left of b).
func halfPlaneBelow(a, b vec) shape {
	return shape{
		min: everywhere[0], max: everywhere[1],
		inside: func(p vec) bool { return b.sub(a).cross(p.sub(a)) > 0 },
	}
}

// layers lists the icon from back to front.
func layers() []layer {
	field := roundedSquare(24, 488, 104)

	// The water network: a main pipe across the fields, two branches, and
	// the equipment on it (valves, hydrants) as ringed nodes.
	west, tipNode, east := vec{0, 432}, vec{256, 386}, vec{512, 424}
	nodeW, nodeE := vec{108, 410}, vec{404, 406}
	endW, endE := vec{84, 252}, vec{432, 238}
	trunk := []vec{west, nodeW, tipNode, nodeE, east}

	c, r, tip := vec{256, 178}, 112.0, tipNode
	dropC, dropR, dropTip := vec{256, 193}, 27.0, vec{256, 135}

	var out []layer
	add := func(s shape, p paint) { out = append(out, layer{and(field, s), p}) }

	add(field, vertical(fieldTop, fieldBottom, 24, 488))
	add(halfPlaneBelow(vec{24, 150}, vec{488, 60}), solid(parcel))
	add(halfPlaneBelow(vec{24, 330}, vec{488, 210}), solid(parcel))

	add(polyline(50, trunk...), solid(casing))
	add(polyline(50, nodeW, endW), solid(casing))
	add(polyline(50, nodeE, endE), solid(casing))
	add(polyline(30, trunk...), solid(pipe))
	add(polyline(30, nodeW, endW), solid(pipe))
	add(polyline(30, nodeE, endE), solid(pipe))
	for _, n := range []vec{nodeW, nodeE, endW, endE, tipNode} {
		add(circle(n, 38), solid(casing))
		add(circle(n, 30), solid(pipe))
		add(circle(n, 14), solid(white))
	}

	add(pinOutline(c, r, tip, 14), solid(white))
	add(pin(c, r, tip), vertical(pinTop, pinBottom, c.y-r, tip.y))
	add(circle(c, 56), solid(white))
	add(pin(dropC, dropR, dropTip), solid(pipe))
	return out
}

// drawIcon renders the icon at size×size pixels, anti-aliased by 4×4
// supersampling, on a transparent background.
func drawIcon(size int) *image.NRGBA {
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	ls := layers()
	k := float64(grid) / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			centre := vec{(float64(px) + 0.5) * k, (float64(py) + 0.5) * k}
			// Premultiplied accumulation, composited back to front.
			var r, g, b, a float64
			for _, l := range ls {
				if centre.x+k < l.min.x || centre.x-k > l.max.x || centre.y+k < l.min.y || centre.y-k > l.max.y {
					continue
				}
				n := 0
				for sy := 0; sy < ss; sy++ {
					for sx := 0; sx < ss; sx++ {
						p := vec{
							(float64(px) + (float64(sx)+0.5)/ss) * k,
							(float64(py) + (float64(sy)+0.5)/ss) * k,
						}
						if l.inside(p) {
							n++
						}
					}
				}
				if n == 0 {
					continue
				}
				c := l.colour(centre)
				ca := c.a * float64(n) / (ss * ss)
				r = c.r*ca + r*(1-ca)
				g = c.g*ca + g*(1-ca)
				b = c.b*ca + b*(1-ca)
				a = ca + a*(1-ca)
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: to8(r / a), G: to8(g / a), B: to8(b / a), A: to8(a),
			})
		}
	}
	return img
}

func to8(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
