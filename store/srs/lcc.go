package srs

import "math"

// lambertConic is the Lambert conformal conic projection with two standard
// parallels (EPSG method 9802) on the GRS80 ellipsoid of RGF93, its
// constants worked out once: Lambert-93 and the CC zones reproject a
// surveyor's plan of 100,000 points in milliseconds (wgs84's projection
// works its constants out again for every point, with logarithms and
// powers: a second for such a plan).
type lambertConic struct {
	e      float64    // eccentricity
	n      float64    // cone constant
	aF     float64    // semi-major axis × F
	rho0   float64    // radius of the latitude of origin
	lon0   float64    // longitude of origin, in radians
	x0, y0 float64    // false easting and northing, in metres
	halfE  float64    // e/2
	invN   float64    // 1/n
	series [4]float64 // conformal to geodetic latitude: coefficients of sin 2χ, 4χ, 6χ, 8χ
}

// GRS80, the ellipsoid of RGF93.
const (
	grs80A    = 6378137.0
	grs80InvF = 298.257222101
)

// newLambertConic returns the projection of origin (lon0, lat0), standard
// parallels lat1 and lat2 (degrees), false easting x0 and northing y0.
func newLambertConic(lon0, lat0, lat1, lat2, x0, y0 float64) *lambertConic {
	f := 1 / grs80InvF
	p := &lambertConic{e: math.Sqrt(2*f - f*f), lon0: lon0 * math.Pi / 180, x0: x0, y0: y0}
	p.halfE = p.e / 2
	e2 := p.e * p.e
	e4, e6, e8 := e2*e2, e2*e2*e2, e2*e2*e2*e2
	p.series = [4]float64{
		e2/2 + 5*e4/24 + e6/12 + 13*e8/360,
		7*e4/48 + 29*e6/240 + 811*e8/11520,
		7*e6/120 + 81*e8/1120,
		4279 * e8 / 161280,
	}
	phi1, phi2, phi0 := lat1*math.Pi/180, lat2*math.Pi/180, lat0*math.Pi/180
	m1, m2 := p.m(phi1), p.m(phi2)
	t1, t2 := p.t(phi1), p.t(phi2)
	if phi1 == phi2 {
		p.n = math.Sin(phi1)
	} else {
		p.n = (math.Log(m1) - math.Log(m2)) / (math.Log(t1) - math.Log(t2))
	}
	p.invN = 1 / p.n
	p.aF = grs80A * m1 / (p.n * math.Pow(t1, p.n))
	p.rho0 = p.aF * math.Pow(p.t(phi0), p.n)
	return p
}

func (p *lambertConic) m(phi float64) float64 {
	s := math.Sin(phi)
	return math.Cos(phi) / math.Sqrt(1-p.e*p.e*s*s)
}

func (p *lambertConic) t(phi float64) float64 {
	es := p.e * math.Sin(phi)
	return math.Tan(math.Pi/4-phi/2) / math.Pow((1-es)/(1+es), p.halfE)
}

// fromLonLat projects a longitude and a latitude in degrees.
func (p *lambertConic) fromLonLat(lon, lat float64) (float64, float64) {
	rho := p.aF * math.Pow(p.t(lat*math.Pi/180), p.n)
	theta := p.n * (lon*math.Pi/180 - p.lon0)
	s, c := math.Sincos(theta)
	return p.x0 + rho*s, p.y0 + p.rho0 - rho*c
}

// toLonLat returns the longitude and latitude, in degrees, of projected
// coordinates. The latitude comes from the conformal latitude χ by its
// series in e (Snyder, Map Projections, 3-5) — within a few micrometres —
// then one step of the iteration of Snyder's 15-9, which takes it to
// within 1.3e-13 degree, 14 nm (measured over metropolitan France, points
// 0.073° × 0.061° apart taken to Lambert-93 and back; the series alone:
// 2.8e-11 degree, 3 µm): a point of a plan that goes out to Lambert-93
// and back comes back where it was.
func (p *lambertConic) toLonLat(x, y float64) (float64, float64) {
	dx, dy := x-p.x0, p.rho0-(y-p.y0)
	rho := math.Hypot(dx, dy)
	if p.n < 0 {
		rho, dx, dy = -rho, -dx, -dy
	}
	chi := math.Pi/2 - 2*math.Atan(math.Pow(rho/p.aF, p.invN))
	s2, c2 := math.Sincos(2 * chi)
	s4 := 2 * s2 * c2
	c4 := 1 - 2*s2*s2
	s6 := s4*c2 + c4*s2
	s8 := 2 * s4 * c4
	phi := chi + p.series[0]*s2 + p.series[1]*s4 + p.series[2]*s6 + p.series[3]*s8
	es := p.e * math.Sin(phi)
	phi = math.Pi/2 - 2*math.Atan(math.Pow(rho/p.aF, p.invN)*math.Pow((1-es)/(1+es), p.halfE))
	lon := math.Atan2(dx, dy)/p.n + p.lon0
	return lon * 180 / math.Pi, phi * 180 / math.Pi
}
