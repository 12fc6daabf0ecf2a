package srs

import (
	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// Likely is the coordinate system a set of coordinates most likely is in,
// as GuessSystem judges it.
type Likely string

// What coordinates may be.
const (
	LikelyLambert93   Likely = "lambert93"
	LikelyCC47        Likely = "cc47"
	LikelyCC46        Likely = "cc46"
	LikelyCC48        Likely = "cc48"
	LikelyLambert2    Likely = "lambert2"
	LikelyUTM31       Likely = "utm31"
	LikelyWebMercator Likely = "webmercator"
	LikelyDegrees     Likely = "degrees"
	LikelyLocal       Likely = "local"
	LikelyUnknown     Likely = "unknown"
)

// suspectMargin widens the territory, in degrees (about 20 km), when
// coordinates are tried in the systems plans are often in by mistake: a
// plan read in the wrong system lands far away, a margin only catches the
// edges.
const suspectMargin = 0.25

// localExtent bounds coordinates that are not georeferenced at all (a
// drawing around 0,0), in metres.
const localExtent = 200000

// suspect is a system plans are often drawn in by mistake, and how to
// read its coordinates as longitude/latitude (the datum shift of the NTF,
// a hundred metres, is left out: it does not change a guess).
type suspect struct {
	likely   Likely
	toLonLat func(x, y float64) (float64, float64)
}

func suspects() []suspect {
	lcc := func(crs wgs84.ProjectedReferenceSystem) func(x, y float64) (float64, float64) {
		return func(x, y float64) (float64, float64) { return crs.Projection.ToLonLat(x, y, crs.Datum) }
	}
	// Lambert II étendu (EPSG:27572): NTF, Clarke 1880 (IGN), the Paris
	// meridian, as a conic of two standard parallels.
	ntf := wgs84.Helmert(6378249.2, 293.4660212936269, 0, 0, 0, 0, 0, 0, 0)
	lambert2 := ntf.LambertConformalConic2SP(2.33722917, 46.8, 45.898918964419, 47.696014502038, 600000, 2200000)
	return []suspect{
		{LikelyCC46, lcc(wgs84.RGF93CC(46))},
		{LikelyCC48, lcc(wgs84.RGF93CC(48))},
		{LikelyLambert2, lcc(lambert2)},
		{LikelyUTM31, lcc(wgs84.UTM(31, true))},
		{LikelyWebMercator, lcc(wgs84.WebMercator())},
	}
}

// GuessSystem says which system a typical point p of a drawing is most
// likely in, knowing that the drawing should lie in territory (EPSG:4326):
// Lambert-93 or CC47 when p falls on the territory in it (tried is the
// system already tried and refused, 0 when both were); else degrees of
// longitude and latitude; else local coordinates (near 0,0); else one of
// the systems plans are wrongly drawn in (CC46, CC48, Lambert II étendu,
// UTM 31 North, Web Mercator) when p falls near the territory in it; else
// LikelyUnknown.
func GuessSystem(p orb.Point, territory orb.Bound, tried int) Likely {
	on := func(code int) bool {
		g, err := Project(p, code, WGS84)
		return err == nil && territory.Contains(g.(orb.Point))
	}
	for _, c := range []struct {
		code   int
		likely Likely
	}{{Lambert93, LikelyLambert93}, {CC47, LikelyCC47}} {
		if c.code != tried && on(c.code) {
			return c.likely
		}
	}
	switch {
	case on(WGS84):
		return LikelyDegrees
	case p[0] > -localExtent && p[0] < localExtent && p[1] > -localExtent && p[1] < localExtent:
		return LikelyLocal
	}
	near := territory.Pad(suspectMargin)
	for _, s := range suspects() {
		if lon, lat := s.toLonLat(p[0], p[1]); near.Contains(orb.Point{lon, lat}) {
			return s.likely
		}
	}
	return LikelyUnknown
}
