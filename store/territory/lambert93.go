package territory

import (
	"math"

	"github.com/paulmach/orb"
)

// lambert93 projects longitude/latitude (RGF93 ≈ WGS84) to Lambert-93
// (EPSG:2154): a Lambert conformal conic projection on GRS80, secant at
// 44° and 49° N, origin 3° E 46.5° N at (700 000, 6 600 000). Its constants
// are worked out once: the general transformer of store/srs takes
// microseconds a point, too slow for a push of 10,000 edits. The tests
// hold both to the millimetre.
type lambert93 struct {
	n, c, xs, ys float64
}

const (
	grs80A = 6378137.0
	grs80F = 1 / 298.257222101
)

var grs80E = math.Sqrt(grs80F * (2 - grs80F))

func newLambert93() lambert93 {
	rad := math.Pi / 180
	m := func(phi float64) float64 {
		s := math.Sin(phi)
		return math.Cos(phi) / math.Sqrt(1-grs80E*grs80E*s*s)
	}
	phi1, phi2, phi0 := 44*rad, 49*rad, 46.5*rad
	n := (math.Log(m(phi1)) - math.Log(m(phi2))) / (isometricLatitude(phi2) - isometricLatitude(phi1))
	c := grs80A * m(phi1) / n * math.Exp(n*isometricLatitude(phi1))
	return lambert93{n: n, c: c, xs: 700000, ys: 6600000 + c*math.Exp(-n*isometricLatitude(phi0))}
}

// isometricLatitude is the isometric latitude of phi on GRS80.
func isometricLatitude(phi float64) float64 {
	s := grs80E * math.Sin(phi)
	return math.Log(math.Tan(math.Pi/4+phi/2)) - grs80E/2*math.Log((1+s)/(1-s))
}

// project returns the Lambert-93 coordinates of a longitude/latitude point;
// NaN when it cannot be projected.
func (l lambert93) project(p orb.Point) orb.Point {
	rad := math.Pi / 180
	if !(p[1] > -90 && p[1] < 90) {
		return orb.Point{math.NaN(), math.NaN()}
	}
	r := l.c * math.Exp(-l.n*isometricLatitude(p[1]*rad))
	g := l.n * (p[0] - 3) * rad
	return orb.Point{l.xs + r*math.Sin(g), l.ys - r*math.Cos(g)}
}
