package wfs

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/srs"
)

// axisOrder says how a server's coordinates are ordered.
type axisOrder int

const (
	// eastNorth: x is the longitude or the easting.
	eastNorth axisOrder = iota
	// northEast: x is the latitude (EPSG's order for geographic systems).
	northEast
	// unsure: "EPSG:4326" — longitude first by the old convention, which
	// some servers (QGIS Server's WFS 1.1) do not follow.
	unsure
)

// geographic are the EPSG geographic systems read as WGS84 (RGF93 is
// taken as WGS84, as store/srs does).
var geographic = map[int]bool{4326: true, 4171: true, 4258: true, 4019: true}

// parseCRS reads a CRS name of a WFS answer: its EPSG code (0 when unread)
// and axis order.
func parseCRS(name string) (int, axisOrder) {
	name = strings.TrimSpace(name)
	lower := strings.ToLower(name)
	if strings.Contains(lower, "crs84") {
		return srs.WGS84, eastNorth
	}
	if i := strings.Index(lower, "epsg.xml#"); i >= 0 {
		// GML 2's form, longitude first.
		code, _ := srs.Parse(name[i+len("epsg.xml#"):])
		return code, eastNorth
	}
	code, _ := srs.Parse(name)
	if code == 0 {
		return 0, eastNorth
	}
	if !geographic[code] {
		return code, eastNorth
	}
	if strings.HasPrefix(lower, "urn:") || strings.HasPrefix(lower, "http://www.opengis.net/def/crs/") ||
		strings.HasPrefix(lower, "https://www.opengis.net/def/crs/") {
		return srs.WGS84, northEast
	}
	return srs.WGS84, unsure
}

// toLonLat makes g longitude/latitude (EPSG:4326) from the system named
// crsName; extent (longitude/latitude, may be nil) settles an unsure axis
// order: coordinates that fall in it only swapped are swapped.
func toLonLat(g orb.Geometry, crsName string, extent *orb.Bound) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	code, order := parseCRS(crsName)
	if crsName == "" {
		code, order = srs.WGS84, unsure
	}
	if code == 0 {
		return nil, fmt.Errorf("wfs: coordinate system %q unknown", crsName)
	}
	if code == srs.WGS84 || geographic[code] {
		if order == unsure {
			order = guessOrder(g, extent)
		}
		if order == northEast {
			g = swap(g)
		}
		return g, nil
	}
	if !srs.Supported(code) {
		return nil, fmt.Errorf("wfs: coordinate system EPSG:%d is not one Terrimap reprojects", code)
	}
	out, err := srs.Project(g, code, srs.WGS84)
	if err != nil {
		return nil, fmt.Errorf("wfs: reprojecting from EPSG:%d: %w", code, err)
	}
	return out, nil
}

// guessOrder looks at a geometry's first point: latitude first when it
// falls in extent only swapped, or (without extent) when it cannot be a
// longitude/latitude.
func guessOrder(g orb.Geometry, extent *orb.Bound) axisOrder {
	p, ok := firstPoint(g)
	if !ok {
		return eastNorth
	}
	q := orb.Point{p[1], p[0]}
	if extent != nil {
		grown := extent.Pad(0.01)
		if !grown.Contains(p) && grown.Contains(q) {
			return northEast
		}
		return eastNorth
	}
	if (p[1] < -90 || p[1] > 90) && q[1] >= -90 && q[1] <= 90 {
		return northEast
	}
	return eastNorth
}

func firstPoint(g orb.Geometry) (orb.Point, bool) {
	switch t := g.(type) {
	case orb.Point:
		return t, true
	case orb.MultiPoint:
		if len(t) > 0 {
			return t[0], true
		}
	case orb.LineString:
		if len(t) > 0 {
			return t[0], true
		}
	case orb.MultiLineString:
		if len(t) > 0 {
			return firstPoint(t[0])
		}
	case orb.Polygon:
		if len(t) > 0 && len(t[0]) > 0 {
			return t[0][0], true
		}
	case orb.MultiPolygon:
		if len(t) > 0 {
			return firstPoint(t[0])
		}
	case orb.Ring:
		if len(t) > 0 {
			return t[0], true
		}
	}
	return orb.Point{}, false
}

// swap exchanges x and y of every point, in a copy.
func swap(g orb.Geometry) orb.Geometry {
	pts := func(in []orb.Point) []orb.Point {
		out := make([]orb.Point, len(in))
		for i, p := range in {
			out[i] = orb.Point{p[1], p[0]}
		}
		return out
	}
	switch t := g.(type) {
	case orb.Point:
		return orb.Point{t[1], t[0]}
	case orb.MultiPoint:
		return orb.MultiPoint(pts(t))
	case orb.LineString:
		return orb.LineString(pts(t))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(t))
		for i, l := range t {
			out[i] = orb.LineString(pts(l))
		}
		return out
	case orb.Polygon:
		out := make(orb.Polygon, len(t))
		for i, r := range t {
			out[i] = orb.Ring(pts(r))
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(t))
		for i, p := range t {
			out[i] = swap(p).(orb.Polygon)
		}
		return out
	}
	return g
}
