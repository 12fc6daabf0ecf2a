package paper

import "math"

// Pt is a point on the page, in millimetres from its top-left corner, y
// down.
type Pt struct{ X, Y float64 }

// Rect is a box on the page, in millimetres.
type Rect struct{ X, Y, W, H float64 }

// Right is the x of the box's right edge.
func (r Rect) Right() float64 { return r.X + r.W }

// Bottom is the y of the box's bottom edge.
func (r Rect) Bottom() float64 { return r.Y + r.H }

// Pts returns the box's outline, clockwise from its top-left corner.
func (r Rect) Pts() []Pt {
	return []Pt{{r.X, r.Y}, {r.Right(), r.Y}, {r.Right(), r.Bottom()}, {r.X, r.Bottom()}}
}

// CirclePts returns a circle of radius r centred on c as a closed outline.
func CirclePts(c Pt, r float64) []Pt {
	n := 48
	out := make([]Pt, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = Pt{c.X + r*math.Cos(a), c.Y + r*math.Sin(a)}
	}
	return out
}
