package territory

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Commune is a commune's territory as Places needs it: its INSEE code and
// its polygon or multipolygon in longitude/latitude.
type Commune struct {
	INSEE string
	Area  orb.Geometry
}

// Places tells in which commune a feature counts for the statistics of a
// commune (the ICGP, the dashboard): a point where it lies, a line — a
// tronçon crossing a boundary — where the point at half its length lies,
// so that it counts once. (The territory rule of edits is Territory's
// Contains: «lies in», within Tolerance.) Lengths and points are in
// Lambert-93 metres. A Places is safe for concurrent use.
type Places struct {
	l93      lambert93
	communes []placed
	grid     *grid
}

// placed is a commune in Lambert-93.
type placed struct {
	insee  string
	area   orb.MultiPolygon
	bound  orb.Bound // Lambert-93
	lonLat orb.Bound
}

// NewPlaces prepares the communes; those without an area are left out.
func NewPlaces(communes []Commune) *Places {
	p := &Places{l93: newLambert93()}
	for _, c := range communes {
		mp := AsMultiPolygon(c.Area)
		if c.INSEE == "" || len(mp) == 0 {
			continue
		}
		pc := placed{insee: c.INSEE, lonLat: mp.Bound()}
		for _, poly := range mp {
			rings := make(orb.Polygon, 0, len(poly))
			for _, ring := range poly {
				pr := make(orb.Ring, len(ring))
				for i, pt := range ring {
					pr[i] = p.l93.project(pt)
				}
				rings = append(rings, pr)
			}
			pc.area = append(pc.area, rings)
		}
		pc.bound = pc.area.Bound()
		p.communes = append(p.communes, pc)
	}
	p.grid = newGrid(p.communes)
	return p
}

// AsMultiPolygon returns a polygon or multipolygon as a multipolygon; any
// other geometry gives nil.
func AsMultiPolygon(g orb.Geometry) orb.MultiPolygon {
	switch x := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{x}
	case orb.MultiPolygon:
		return x
	}
	return nil
}

// Lambert93 projects a longitude/latitude point to Lambert-93.
func (p *Places) Lambert93(pt orb.Point) orb.Point { return p.l93.project(pt) }

// Codes returns the communes' INSEE codes, in the order given.
func (p *Places) Codes() []string {
	out := make([]string, len(p.communes))
	for i, c := range p.communes {
		out[i] = c.insee
	}
	return out
}

// Bound returns the bounding box in longitude/latitude of the commune;
// ok is false when Places does not hold it.
func (p *Places) Bound(insee string) (b orb.Bound, ok bool) {
	for _, c := range p.communes {
		if c.insee == insee {
			return c.lonLat, true
		}
	}
	return orb.Bound{}, false
}

// CommuneOf returns the INSEE code of the commune holding pt (Lambert-93),
// or "" when none does.
func (p *Places) CommuneOf(pt orb.Point) string {
	if i, ok := p.grid.lookup(pt); ok {
		if i < 0 {
			return ""
		}
		return p.communes[i].insee
	}
	for i := range p.communes {
		c := &p.communes[i]
		if c.bound.Contains(pt) && planar.MultiPolygonContains(c.area, pt) {
			return c.insee
		}
	}
	return ""
}

// Point returns where a point feature (a point, or a multipoint's first)
// stands in Lambert-93.
func (p *Places) Point(g orb.Geometry) (orb.Point, bool) {
	var q orb.Point
	switch x := g.(type) {
	case orb.Point:
		q = p.l93.project(x)
	case orb.MultiPoint:
		if len(x) == 0 {
			return orb.Point{}, false
		}
		q = p.l93.project(x[0])
	default:
		return orb.Point{}, false
	}
	return q, finite(q)
}

// Line measures a line or multi-line in Lambert-93 and returns its length
// in metres and the point at half its length (a multi-line's parts laid
// end to end); ok is false for any other geometry. buf is scratch space,
// returned for the next call.
func (p *Places) Line(g orb.Geometry, buf []orb.Point) (length float64, half orb.Point, ok bool, _ []orb.Point) {
	buf = buf[:0]
	var parts []orb.LineString
	switch x := g.(type) {
	case orb.LineString:
		parts = []orb.LineString{x}
	case orb.MultiLineString:
		parts = x
	default:
		return 0, orb.Point{}, false, buf
	}
	// Where each part starts in buf: no segment joins two parts.
	starts := make([]int, 0, len(parts))
	for _, ls := range parts {
		starts = append(starts, len(buf))
		for _, pt := range ls {
			buf = append(buf, p.l93.project(pt))
		}
	}
	joins := func(i int) bool { // buf[i-1]–buf[i] is a segment of one part
		for _, s := range starts {
			if s == i {
				return false
			}
		}
		return true
	}
	for i := 1; i < len(buf); i++ {
		if joins(i) {
			length += dist(buf[i-1], buf[i])
		}
	}
	if len(buf) == 0 || math.IsNaN(length) || math.IsInf(length, 0) {
		return 0, orb.Point{}, false, buf
	}
	walked := 0.0
	for i := 1; i < len(buf); i++ {
		if !joins(i) {
			continue
		}
		d := dist(buf[i-1], buf[i])
		if d > 0 && walked+d >= length/2 {
			k := (length/2 - walked) / d
			a, b := buf[i-1], buf[i]
			return length, orb.Point{a[0] + k*(b[0]-a[0]), a[1] + k*(b[1]-a[1])}, true, buf
		}
		walked += d
	}
	return length, buf[0], true, buf
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
