package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// frame maps longitude/latitude to metres east and north of an origin, with
// the radii of curvature of the WGS84 ellipsoid at the origin. Over the
// territory (20 km across) distances are right to a few parts in a thousand,
// and the map is affine, so a point on a segment in metres is on the same
// segment in degrees.
type frame struct{ lon0, lat0, kx, ky float64 }

func newFrame(origin orb.Point) frame {
	const a, e2 = 6378137.0, 0.00669437999014
	phi := origin[1] * math.Pi / 180
	s := math.Sin(phi)
	w := 1 - e2*s*s
	n := a / math.Sqrt(w)
	m := a * (1 - e2) / (w * math.Sqrt(w))
	return frame{lon0: origin[0], lat0: origin[1], kx: n * math.Cos(phi) * math.Pi / 180, ky: m * math.Pi / 180}
}

func (f frame) local(p orb.Point) orb.Point {
	return orb.Point{(p[0] - f.lon0) * f.kx, (p[1] - f.lat0) * f.ky}
}

// lonLat returns the longitude/latitude of p, rounded to 1e-7 degree (about
// a centimetre), which keeps the output short and stable.
func (f frame) lonLat(p orb.Point) orb.Point {
	return orb.Point{round7(f.lon0 + p[0]/f.kx), round7(f.lat0 + p[1]/f.ky)}
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// round returns v rounded to n decimals.
func round(v float64, n int) float64 {
	p := math.Pow10(n)
	return math.Round(v*p) / p
}

func (f frame) localRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = f.local(p)
	}
	return out
}

func (f frame) localMulti(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, r := range poly {
			out[i][j] = f.localRing(r)
		}
	}
	return out
}

func (f frame) lineLonLat(ls []orb.Point) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = f.lonLat(p)
	}
	return out
}

func (f frame) ringLonLat(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = f.lonLat(p)
	}
	return out
}

// Plane vector helpers, in metres.

func add(a, b orb.Point) orb.Point         { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func sub(a, b orb.Point) orb.Point         { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func mul(a orb.Point, k float64) orb.Point { return orb.Point{a[0] * k, a[1] * k} }
func norm(a orb.Point) float64             { return math.Sqrt(a[0]*a[0] + a[1]*a[1]) }
func dist(a, b orb.Point) float64          { return norm(sub(a, b)) }
func lerp(a, b orb.Point, t float64) orb.Point {
	return orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}
}

// dir returns the unit vector of heading h (radians, counter-clockwise from east).
func dir(h float64) orb.Point { return orb.Point{math.Cos(h), math.Sin(h)} }

func heading(a, b orb.Point) float64 { return math.Atan2(b[1]-a[1], b[0]-a[0]) }

// perp returns the unit normal to the left of a→b.
func perp(a, b orb.Point) orb.Point {
	d := sub(b, a)
	n := norm(d)
	if n == 0 {
		return orb.Point{0, 0}
	}
	return orb.Point{-d[1] / n, d[0] / n}
}

// angleDiff returns a-b wrapped to [-π, π].
func angleDiff(a, b float64) float64 {
	d := math.Mod(a-b, 2*math.Pi)
	switch {
	case d > math.Pi:
		d -= 2 * math.Pi
	case d < -math.Pi:
		d += 2 * math.Pi
	}
	return d
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

// segmentsCross reports whether segments ab and cd intersect (touching counts).
func segmentsCross(a, b, c, d orb.Point) bool {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, q, r orb.Point) bool { // r on segment pq, given collinear
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	return (d1 == 0 && on(c, d, a)) || (d2 == 0 && on(c, d, b)) ||
		(d3 == 0 && on(a, b, c)) || (d4 == 0 && on(a, b, d))
}

// segDist returns the distance from p to segment ab and the parameter of the
// nearest point.
func segDist(a, b, p orb.Point) (float64, float64) {
	d := sub(b, a)
	l2 := d[0]*d[0] + d[1]*d[1]
	t := 0.0
	if l2 > 0 {
		t = ((p[0]-a[0])*d[0] + (p[1]-a[1])*d[1]) / l2
		t = math.Max(0, math.Min(1, t))
	}
	return dist(p, lerp(a, b, t)), t
}

// area is a territory in local metres with its boundary edges, answering
// "is this point or segment inside, and how far from the border".
type area struct {
	poly   orb.MultiPolygon
	bounds []orb.Bound // of each polygon's outer ring
	edges  [][2]orb.Point
	bound  orb.Bound
}

func newArea(poly orb.MultiPolygon) *area {
	a := &area{poly: poly, bound: poly.Bound()}
	for _, p := range poly {
		a.bounds = append(a.bounds, p[0].Bound())
	}
	for _, p := range poly {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				a.edges = append(a.edges, [2]orb.Point{r[i], r[i+1]})
			}
			if len(r) > 1 && r[0] != r[len(r)-1] {
				a.edges = append(a.edges, [2]orb.Point{r[len(r)-1], r[0]})
			}
		}
	}
	return a
}

func (a *area) contains(p orb.Point) bool {
	if !a.bound.Contains(p) {
		return false
	}
	for i, poly := range a.poly {
		if !a.bounds[i].Contains(p) || !ringContains(poly[0], p) {
			continue
		}
		in := true
		for _, hole := range poly[1:] {
			if ringContains(hole, p) {
				in = false
			}
		}
		if in {
			return true
		}
	}
	return false
}

// ringContains is the even-odd rule; the ring need not be closed.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// borderDist returns the distance from p to the boundary.
func (a *area) borderDist(p orb.Point) float64 {
	best := math.Inf(1)
	for _, e := range a.edges {
		// Skip edges whose box is farther than the best so far.
		if p[0]-math.Max(e[0][0], e[1][0]) > best || math.Min(e[0][0], e[1][0])-p[0] > best ||
			p[1]-math.Max(e[0][1], e[1][1]) > best || math.Min(e[0][1], e[1][1])-p[1] > best {
			continue
		}
		if d, _ := segDist(e[0], e[1], p); d < best {
			best = d
		}
	}
	return best
}

// fits reports whether segment pq stays inside with q at least margin from
// the border; p is taken to be inside already.
func (a *area) fits(p, q orb.Point, margin float64) bool {
	if !a.contains(q) {
		return false
	}
	lo := orb.Point{math.Min(p[0], q[0]) - margin, math.Min(p[1], q[1]) - margin}
	hi := orb.Point{math.Max(p[0], q[0]) + margin, math.Max(p[1], q[1]) + margin}
	for _, e := range a.edges {
		if math.Max(e[0][0], e[1][0]) < lo[0] || math.Min(e[0][0], e[1][0]) > hi[0] ||
			math.Max(e[0][1], e[1][1]) < lo[1] || math.Min(e[0][1], e[1][1]) > hi[1] {
			continue
		}
		if segmentsCross(p, q, e[0], e[1]) {
			return false
		}
		if d, _ := segDist(e[0], e[1], q); d < margin {
			return false
		}
	}
	return true
}
