package territory

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// InteriorPoint returns a point inside mp, in mp's coordinates: its
// centroid when that lies inside, else the middle of the widest run inside
// mp along the horizontal line through the centroid (or, failing that,
// through the middle of its bound). It is where a commune's own records
// that have no place of their own are put (the demo's bourg, the ICGP
// declarations), so that the territory rule finds them in the commune.
func InteriorPoint(mp orb.MultiPolygon) orb.Point {
	if len(mp) == 0 || len(mp[0]) == 0 || len(mp[0][0]) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	if p, ok := widestRun(mp, c[1]); ok {
		return p
	}
	if p, ok := widestRun(mp, mp.Bound().Center()[1]); ok {
		return p
	}
	return mp[0][0][0]
}

// widestRun intersects mp with the horizontal line at latitude y and returns
// the middle of the longest piece inside.
func widestRun(mp orb.MultiPolygon, y float64) (orb.Point, bool) {
	var xs []float64
	for _, poly := range mp {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				if (a[1] > y) == (b[1] > y) {
					continue
				}
				t := (y - a[1]) / (b[1] - a[1])
				xs = append(xs, a[0]+t*(b[0]-a[0]))
			}
		}
	}
	slices.Sort(xs)
	best, bestW := orb.Point{}, -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > bestW {
			best, bestW = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w
		}
	}
	return best, bestW > 0 && !math.IsNaN(best[0])
}
