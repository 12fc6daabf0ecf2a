package report

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"terrimap/store/srs"
)

// maxGrid bounds the side of the grid an outline is traced on.
const maxGrid = 600

// measure returns the area (m²) and length (m) of a zone in Lambert-93: a
// polygon's area; a route's length, and its length times width as area.
func measure(core orb.Geometry, width float64) (area, length float64) {
	if ml, ok := core.(orb.MultiLineString); ok {
		length = planar.Length(ml)
		return length * width, length
	}
	return math.Abs(planar.Area(core)), 0
}

// outline returns, in longitude/latitude, the outline of the points within
// reach metres of core (in Lambert-93): a polygon zone itself when reach is
// 0, else the contour of the distance to core traced on a grid (marching
// squares), exact at the grid's nodes and straight between them — close
// enough to draw, never used to select.
func outline(core orb.Geometry, reach float64) orb.MultiPolygon {
	toLonLat, err := srs.Transformer(srs.Lambert93, srs.WGS84)
	if err != nil {
		return nil
	}
	if mp, ok := core.(orb.MultiPolygon); ok && reach <= 0 {
		g, err := srs.Project(mp, srs.Lambert93, srs.WGS84)
		if err != nil {
			return nil
		}
		return g.(orb.MultiPolygon)
	}
	if !(reach > 0) {
		return nil
	}
	rings, step := contour(newShape(core), core.Bound(), reach)
	// Straight runs of the contour need not keep a point per grid cell.
	dp := simplify.DouglasPeucker(step / 20)
	for k, r := range rings {
		r = dp.Ring(r)
		for i, p := range r {
			r[i] = toLonLat(p)
		}
		rings[k] = r
	}
	return assemble(rings)
}

// grid is a regular grid of the signed distance to a shape, minus the
// level traced: negative inside the outline.
type grid struct {
	x0, y0, h float64
	nx, ny    int
	v         []float64
}

func (g *grid) at(i, j int) float64 { return g.v[j*g.nx+i] }

func (g *grid) point(i, j int) orb.Point {
	return orb.Point{g.x0 + float64(i)*g.h, g.y0 + float64(j)*g.h}
}

// contour traces the closed rings where the distance to s equals level,
// and returns them with the grid's step.
func contour(s *shape, b orb.Bound, level float64) ([]orb.Ring, float64) {
	pad := level * 1.5
	w, h := b.Max[0]-b.Min[0]+2*pad, b.Max[1]-b.Min[1]+2*pad
	step := math.Max(level/6, math.Max(w, h)/maxGrid)
	g := &grid{x0: b.Min[0] - pad, y0: b.Min[1] - pad, h: step,
		nx: int(math.Ceil(w/step)) + 1, ny: int(math.Ceil(h/step)) + 1}
	g.v = make([]float64, g.nx*g.ny)
	for j := 0; j < g.ny; j++ {
		for i := 0; i < g.nx; i++ {
			d := s.signedDistance(g.point(i, j)) - level
			if d == 0 {
				d = -1e-9 // no node exactly on the contour
			}
			g.v[j*g.nx+i] = d
		}
	}
	return g.rings(), step
}

// edge names a grid edge: from node (i, j) rightwards (vertical false) or
// upwards (vertical true).
type edge struct {
	i, j     int
	vertical bool
}

// crossing returns where the contour crosses an edge, by linear
// interpolation of the distances at its ends.
func (g *grid) crossing(e edge) orb.Point {
	i2, j2 := e.i+1, e.j
	if e.vertical {
		i2, j2 = e.i, e.j+1
	}
	a, b := g.at(e.i, e.j), g.at(i2, j2)
	t := a / (a - b)
	pa, pb := g.point(e.i, e.j), g.point(i2, j2)
	return orb.Point{pa[0] + t*(pb[0]-pa[0]), pa[1] + t*(pb[1]-pa[1])}
}

// The sides of a grid cell, for the marching squares table.
const (
	bottom = iota
	right
	top
	left
)

// marching gives, for each case of a cell (bit 1: its bottom-left corner
// is inside, 2: bottom-right, 4: top-right, 8: top-left), the segments of
// the contour through it, from side to side, the inside on their right.
// The saddles 5 and 10 are split this way when the cell's centre is
// outside, by saddles when it is inside.
var marching = [16][][2]int{
	1: {{left, bottom}}, 2: {{bottom, right}}, 3: {{left, right}}, 4: {{right, top}},
	5: {{left, bottom}, {right, top}}, 6: {{bottom, top}}, 7: {{left, top}}, 8: {{top, left}},
	9: {{top, bottom}}, 10: {{bottom, right}, {top, left}}, 11: {{top, right}}, 12: {{right, left}},
	13: {{right, bottom}}, 14: {{bottom, left}},
}

var saddles = map[int][][2]int{5: {{left, top}, {right, bottom}}, 10: {{bottom, left}, {top, right}}}

// rings runs marching squares over the grid and links the segments into
// closed rings. The grid's border is outside the contour, so every ring
// closes.
func (g *grid) rings() []orb.Ring {
	next := map[edge]edge{}
	for j := 0; j+1 < g.ny; j++ {
		for i := 0; i+1 < g.nx; i++ {
			sides := [4]edge{bottom: {i, j, false}, right: {i + 1, j, true}, top: {i, j + 1, false}, left: {i, j, true}}
			c := 0
			for bit, corner := range [4][2]int{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
				if g.at(i+corner[0], j+corner[1]) < 0 {
					c |= 1 << bit
				}
			}
			segs := marching[c]
			if alt, ok := saddles[c]; ok && g.at(i, j)+g.at(i+1, j)+g.at(i+1, j+1)+g.at(i, j+1) < 0 {
				segs = alt
			}
			for _, sg := range segs {
				next[sides[sg[0]]] = sides[sg[1]]
			}
		}
	}
	var out []orb.Ring
	for len(next) > 0 {
		var start edge
		for e := range next {
			if start == (edge{}) || e.j < start.j || (e.j == start.j && (e.i < start.i || (e.i == start.i && !e.vertical))) {
				start = e
			}
		}
		var r orb.Ring
		for e, ok := start, true; ok; {
			r = append(r, g.crossing(e))
			n := next[e]
			delete(next, e)
			e = n
			_, ok = next[e]
		}
		if len(r) >= 3 {
			out = append(out, append(r, r[0]))
		}
	}
	return out
}

// assemble makes polygons of rings: a ring inside an odd number of others
// is a hole of the smallest that holds it.
func assemble(rings []orb.Ring) orb.MultiPolygon {
	depth := make([]int, len(rings))
	parent := make([]int, len(rings))
	for i, r := range rings {
		parent[i] = -1
		for j, o := range rings {
			if i == j || !o.Bound().Contains(r[0]) || !planar.RingContains(o, r[0]) {
				continue
			}
			depth[i]++
			if parent[i] < 0 || math.Abs(planar.Area(o)) < math.Abs(planar.Area(rings[parent[i]])) {
				parent[i] = j
			}
		}
	}
	var mp orb.MultiPolygon
	index := map[int]int{}
	for i, r := range rings {
		if depth[i]%2 == 0 {
			index[i] = len(mp)
			mp = append(mp, orb.Polygon{r})
		}
	}
	for i, r := range rings {
		if depth[i]%2 == 1 && parent[i] >= 0 {
			if k, ok := index[parent[i]]; ok {
				mp[k] = append(mp[k], r)
			}
		}
	}
	return mp
}
