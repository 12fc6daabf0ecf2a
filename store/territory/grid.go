package territory

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// cellSize is the side of the lookup grid's cells, in metres.
const cellSize = 250.0

// grid answers communeOf without a point-in-polygon test for most points:
// a cell that no boundary crosses lies wholly in one commune (or none),
// found once from its centre. Cells a boundary crosses are left to the
// exact test.
type grid struct {
	origin orb.Point
	nx, ny int
	cells  []int16 // commune index + 1; 0: none; -1: a boundary crosses
}

func newGrid(cs []placed) *grid {
	var b orb.Bound
	for i, c := range cs {
		if i == 0 {
			b = c.bound
		} else {
			b = b.Union(c.bound)
		}
	}
	g := &grid{origin: b.Min}
	g.nx = int((b.Max[0]-b.Min[0])/cellSize) + 1
	g.ny = int((b.Max[1]-b.Min[1])/cellSize) + 1
	if len(cs) == 0 || g.nx*g.ny > 4_000_000 || len(cs) > math.MaxInt16-1 {
		return nil
	}
	g.cells = make([]int16, g.nx*g.ny)
	for _, c := range cs {
		for _, poly := range c.area {
			for _, ring := range poly {
				for i := 1; i < len(ring); i++ {
					g.markEdge(ring[i-1], ring[i])
				}
			}
		}
	}
	for k := range g.cells {
		if g.cells[k] != 0 {
			continue
		}
		x, y := k%g.nx, k/g.nx
		centre := orb.Point{g.origin[0] + (float64(x)+0.5)*cellSize, g.origin[1] + (float64(y)+0.5)*cellSize}
		for i := range cs {
			if cs[i].bound.Contains(centre) && planar.MultiPolygonContains(cs[i].area, centre) {
				g.cells[k] = int16(i + 1)
				break
			}
		}
	}
	return g
}

// markEdge marks the cells an edge passes through, and their neighbours
// (a margin against rounding).
func (g *grid) markEdge(a, b orb.Point) {
	steps := int(dist(a, b)/(cellSize/4)) + 1
	for s := 0; s <= steps; s++ {
		t := float64(s) / float64(steps)
		x := int((a[0] + t*(b[0]-a[0]) - g.origin[0]) / cellSize)
		y := int((a[1] + t*(b[1]-a[1]) - g.origin[1]) / cellSize)
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if cx, cy := x+dx, y+dy; cx >= 0 && cy >= 0 && cx < g.nx && cy < g.ny {
					g.cells[cy*g.nx+cx] = -1
				}
			}
		}
	}
}

// lookup returns the commune index of p's cell, or -1 when p's cell is
// crossed by a boundary or lies off the grid (ok false: test exactly).
func (g *grid) lookup(p orb.Point) (index int, ok bool) {
	if g == nil {
		return 0, false
	}
	x := int(math.Floor((p[0] - g.origin[0]) / cellSize))
	y := int(math.Floor((p[1] - g.origin[1]) / cellSize))
	if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
		return -1, true // beyond every commune's bound
	}
	switch c := g.cells[y*g.nx+x]; {
	case c < 0:
		return 0, false
	default:
		return int(c) - 1, true
	}
}
