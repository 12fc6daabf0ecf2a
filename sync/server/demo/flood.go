package demo

import (
	"fmt"
	"math"

	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// floodBands are the hazard bands of the demo flood zones: distance from the
// Saône centreline, in metres.
var floodBands = []struct {
	alea   string
	lo, hi float64
}{
	{"fort", 0, 300},
	{"moyen", 300, 700},
	{"faible", 700, 1200},
}

// floodZones returns one zone_inondable feature per hazard band: the band
// of distance around the Saône, clipped to the territory. The shapes are
// traced by marching squares over a 40 m grid of a signed distance field,
// then simplified, so no polygon clipping library is needed.
func floodZones(w *world, opts GenerateOptions) ([]Feature, error) {
	floodOnce.Do(func() { floodShapes, floodErr = traceFloodZones(w) })
	if floodErr != nil {
		return nil, floodErr
	}
	var out []Feature
	for bi, mp := range floodShapes {
		if len(mp) == 0 {
			continue
		}
		out = append(out, Feature{
			ID:       featureID(opts.Scale, LayerZoneInondable, "ccmt", bi),
			Geometry: orb.Clone(mp),
			Properties: map[string]any{
				"alea":      floodBands[bi].alea,
				"source":    sourcePPRI,
				"cours_eau": "La Saône",
			},
		})
	}
	return out, nil
}

// The flood zones depend only on the embedded data: they are traced once.
var (
	floodOnce   sync.Once
	floodShapes []orb.MultiPolygon // per band, in longitude/latitude
	floodErr    error
)

func traceFloodZones(w *world) ([]orb.MultiPolygon, error) {
	per, err := perimeter()
	if err != nil {
		return nil, err
	}
	terr := newArea(w.fr.localMulti(per))
	const h = 40.0
	maxBand := floodBands[len(floodBands)-1].hi
	var river orb.Bound
	for i, p := range w.saone {
		if i == 0 {
			river = orb.Bound{Min: p, Max: p}
		}
		river = river.Extend(p)
	}
	b := river.Pad(maxBand + 2*h)
	tb := terr.bound.Pad(2 * h)
	b = orb.Bound{
		Min: orb.Point{math.Max(b.Min[0], tb.Min[0]), math.Max(b.Min[1], tb.Min[1])},
		Max: orb.Point{math.Min(b.Max[0], tb.Max[0]), math.Min(b.Max[1], tb.Max[1])},
	}
	nx := int(math.Ceil((b.Max[0]-b.Min[0])/h)) + 1
	ny := int(math.Ceil((b.Max[1]-b.Min[1])/h)) + 1
	if nx < 3 || ny < 3 {
		return nil, fmt.Errorf("%w: the Saône misses the territory", ErrData)
	}
	// Distance to the river and signed distance to the border (positive
	// inside), on the grid.
	dRiver := make([]float64, nx*ny)
	dTerr := make([]float64, nx*ny)
	for j := range ny {
		for i := range nx {
			p := orb.Point{b.Min[0] + float64(i)*h, b.Min[1] + float64(j)*h}
			k := j*nx + i
			dRiver[k] = w.saoneDist(p)
			switch {
			case i == 0 || j == 0 || i == nx-1 || j == ny-1:
				dTerr[k] = -h
			case dRiver[k] > maxBand+2*h:
				dTerr[k] = h // outside every band anyway
			case terr.contains(p):
				dTerr[k] = terr.borderDist(p)
			default:
				dTerr[k] = -terr.borderDist(p)
			}
		}
	}
	out := make([]orb.MultiPolygon, len(floodBands))
	for bi, band := range floodBands {
		field := make([]float64, nx*ny)
		for k := range field {
			v := math.Max(dRiver[k]-band.hi, -dTerr[k])
			if band.lo > 0 {
				v = math.Max(v, band.lo-dRiver[k])
			}
			field[k] = v
		}
		mp := contour(field, nx, ny, b.Min, h)
		out[bi] = make(orb.MultiPolygon, len(mp))
		for i, poly := range mp {
			out[bi][i] = make(orb.Polygon, len(poly))
			for j, r := range poly {
				out[bi][i][j] = w.fr.ringLonLat(r)
			}
		}
	}
	return out, nil
}

// contour traces the region where field < 0 (values on an nx×ny grid of
// step h from origin, outside along the grid's edge) into polygons with
// holes, simplified to 4 m and without parts under 2,000 m².
func contour(field []float64, nx, ny int, origin orb.Point, h float64) orb.MultiPolygon {
	at := func(i, j int) float64 { return field[j*nx+i] }
	pos := func(i, j int) orb.Point { return orb.Point{origin[0] + float64(i)*h, origin[1] + float64(j)*h} }
	// Contour vertices sit on grid edges: edge key 2·(j·nx+i) is the
	// horizontal edge from (i,j), +1 the vertical one.
	type crossing struct {
		key int
		p   orb.Point
		in  bool // the walk round the cell goes from outside to inside here
	}
	next := map[int]int{}
	point := map[int]orb.Point{}
	var starts []int
	for j := 0; j+1 < ny; j++ {
		for i := 0; i+1 < nx; i++ {
			// Corners counter-clockwise from bottom-left, and their edges.
			ci := [4][2]int{{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}}
			keys := [4]int{2 * (j*nx + i), 2*(j*nx+i+1) + 1, 2 * ((j+1)*nx + i), 2*(j*nx+i) + 1}
			var xs []crossing
			for k := range 4 {
				a, c := ci[k], ci[(k+1)%4]
				va, vc := at(a[0], a[1]), at(c[0], c[1])
				if (va < 0) == (vc < 0) {
					continue
				}
				t := va / (va - vc)
				xs = append(xs, crossing{key: keys[k], p: lerp(pos(a[0], a[1]), pos(c[0], c[1]), t), in: vc < 0})
			}
			if len(xs) == 0 {
				continue
			}
			centreIn := (at(i, j)+at(i+1, j)+at(i+1, j+1)+at(i, j+1))/4 < 0
			for k, x := range xs {
				if x.in {
					continue
				}
				// Join this exit to an entry: the previous one round the
				// cell, or the next one when the saddle's centre is inside.
				m := (k + len(xs) - 1) % len(xs)
				if len(xs) == 4 && centreIn {
					m = (k + 1) % len(xs)
				}
				next[x.key] = xs[m].key
				point[x.key], point[xs[m].key] = x.p, xs[m].p
				starts = append(starts, x.key)
			}
		}
	}
	var outers []orb.Polygon
	var holes []orb.Ring
	done := map[int]bool{}
	dp := simplify.DouglasPeucker(4)
	for _, s := range starts {
		if done[s] {
			continue
		}
		var ring orb.Ring
		for k := s; !done[k]; k = next[k] {
			done[k] = true
			ring = append(ring, point[k])
			if _, ok := next[k]; !ok {
				break
			}
		}
		if len(ring) < 3 {
			continue
		}
		ring = append(ring, ring[0])
		ring = dp.Ring(ring)
		a := planar.Area(ring)
		if len(ring) < 4 || math.Abs(a) < 2000 {
			continue
		}
		if ring.Orientation() == orb.CCW {
			outers = append(outers, orb.Polygon{ring})
		} else {
			holes = append(holes, ring)
		}
	}
	for _, hole := range holes {
		for i := range outers {
			if planar.RingContains(outers[i][0], hole[0]) {
				outers[i] = append(outers[i], hole)
				break
			}
		}
	}
	return orb.MultiPolygon(outers)
}
