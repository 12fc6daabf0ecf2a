package store

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// chooseCRS finds the coordinate system of a plan (or checks the one
// given): the one that puts most candidate entities on the territory, at
// least half of them. It returns the entities on the territory, by index,
// in EPSG:4326.
func chooseCRS(dwg *formats.DXFDrawing, candidates []int, declared int, territory orb.Bound) (int, bool, map[int]orb.Geometry, error) {
	codes := []int{srs.Lambert93, srs.CC47}
	if declared != 0 {
		codes = []int{declared}
	}
	best, bestCode := map[int]orb.Geometry(nil), 0
	for _, code := range codes {
		in := onTerritory(dwg, candidates, code, territory)
		if len(in) > len(best) {
			best, bestCode = in, code
		}
		if len(best) == len(candidates) {
			break // no other system can do better
		}
	}
	if 2*len(best) >= len(candidates) {
		return bestCode, declared == 0, best, nil
	}
	return 0, false, nil, coordinateError(dwg, candidates, declared, territory)
}

// onTerritory returns the candidates wholly on the territory when read in
// the EPSG code, reprojected to EPSG:4326.
func onTerritory(dwg *formats.DXFDrawing, candidates []int, code int, territory orb.Bound) map[int]orb.Geometry {
	out := map[int]orb.Geometry{}
	for _, i := range candidates {
		g, err := srs.Project(dwg.Entities[i].Geometry, code, SRSWGS84)
		if err != nil {
			continue
		}
		if b := g.Bound(); territory.Contains(b.Min) && territory.Contains(b.Max) {
			out[i] = g
		}
	}
	return out
}

// srsName names the coordinate systems of plans.
func srsName(code int) string {
	switch code {
	case srs.Lambert93:
		return "Lambert-93 (EPSG:2154)"
	case srs.CC47:
		return "CC47 (EPSG:3947)"
	}
	return fmt.Sprintf("EPSG:%d", code)
}

// likelyNames name the systems srs.GuessSystem may find, in messages.
var likelyNames = map[DXFLikely]string{
	LikelyCC46: "CC46 (EPSG:3946)", LikelyCC48: "CC48 (EPSG:3948)", LikelyLambert2: "Lambert II étendu (EPSG:27572)",
	LikelyUTM31: "UTM 31 North (EPSG:32631)", LikelyWebMercator: "Web Mercator (EPSG:3857)",
}

// coordinateError says why the coordinates of a plan are refused, from a
// typical point of the plan: the median of the candidates' first points.
func coordinateError(dwg *formats.DXFDrawing, candidates []int, declared int, territory orb.Bound) error {
	xs, ys := make([]float64, len(candidates)), make([]float64, len(candidates))
	for k, i := range candidates {
		p := firstPoint(dwg.Entities[i].Geometry)
		xs[k], ys[k] = p[0], p[1]
	}
	slices.Sort(xs)
	slices.Sort(ys)
	m := orb.Point{xs[len(xs)/2], ys[len(ys)/2]}
	e := &DXFCoordinateError{Declared: declared, Median: m, Likely: srs.GuessSystem(m, territory, declared)}
	declaredName := "Lambert-93 or CC47"
	if declared != 0 {
		declaredName = srsName(declared)
	}
	where := fmt.Sprintf("x ≈ %.0f, y ≈ %.0f", m[0], m[1])
	switch e.Likely {
	case LikelyLambert93, LikelyCC47:
		code := map[DXFLikely]int{LikelyLambert93: srs.Lambert93, LikelyCC47: srs.CC47}[e.Likely]
		e.Message = fmt.Sprintf("the coordinates seem to be in %s, not in %s: choose %s or automatic detection", srsName(code), declaredName, srsName(code))
	case LikelyDegrees:
		e.Message = fmt.Sprintf("the coordinates of the plan (%s) seem to be degrees of longitude and latitude (WGS84), not metres in %s", where, declaredName)
	case LikelyLocal:
		e.Message = fmt.Sprintf("local coordinates (not georeferenced): the plan (%s) is set in neither Lambert-93 nor CC47", where)
	case LikelyUnknown:
		e.Message = fmt.Sprintf("the coordinates of the plan (%s), read in %s, fall neither on the territory nor on the workspace's data", where, declaredName)
	default:
		e.Message = fmt.Sprintf("the coordinates of the plan (%s) seem to be in %s, not in %s, and Terrimap does not convert them", where, likelyNames[e.Likely], declaredName)
	}
	return e
}

func firstPoint(g orb.Geometry) orb.Point {
	switch x := g.(type) {
	case orb.Point:
		return x
	case orb.LineString:
		return x[0]
	}
	return g.Bound().Center()
}
