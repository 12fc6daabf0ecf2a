// Package srs reprojects coordinates between the spatial reference systems
// Terrimap handles: EPSG:4326 (WGS84 longitude/latitude), EPSG:2154
// (RGF93 / Lambert-93), EPSG:3857 (Web Mercator) and EPSG:3947 (RGF93 / CC47).
//
// The projection maths are those of github.com/wroge/wgs84. RGF93 and WGS84
// are taken as the same datum, as PROJ does for these systems (its
// "RGF93 v1 to WGS 84" transformation is the identity): the agreement with
// cs2cs is checked to the centimetre by the tests.
package srs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// EPSG codes of the supported systems.
const (
	WGS84       = 4326 // WGS84 longitude/latitude, in degrees
	Lambert93   = 2154 // RGF93 / Lambert-93, in metres
	WebMercator = 3857 // WGS84 / Pseudo-Mercator, in metres
	CC47        = 3947 // RGF93 / CC47 (Lambert conformal conic zone 7), in metres
)

// ErrUnsupportedSRS is returned (wrapped) for a spatial reference system this
// package cannot transform or does not recognise.
var ErrUnsupportedSRS = errors.New("srs: unsupported spatial reference system")

// Supported reports whether code is one of the EPSG codes this package transforms.
func Supported(code int) bool {
	switch code {
	case WGS84, Lambert93, WebMercator, CC47:
		return true
	}
	return false
}

// Codes returns the supported EPSG codes.
func Codes() []int { return []int{WGS84, Lambert93, WebMercator, CC47} }

// A projection maps longitude/latitude in degrees on its ellipsoid to
// projected coordinates and back. The zero projection is longitude/latitude.
type projection struct {
	lcc  *lambertConic // Lambert-93 and CC47
	proj wgs84.Projection
	sph  wgs84.Spheroid
}

func projectionOf(code int) (projection, error) {
	switch code {
	case WGS84:
		return projection{}, nil
	case Lambert93:
		return projection{lcc: newLambertConic(3, 46.5, 49, 44, 700000, 6600000)}, nil
	case WebMercator:
		crs := wgs84.WebMercator()
		return projection{proj: crs.Projection, sph: crs.Datum}, nil
	case CC47:
		return projection{lcc: newLambertConic(3, 47, 46.25, 47.75, 1700000, 6200000)}, nil
	}
	return projection{}, fmt.Errorf("%w: EPSG:%d", ErrUnsupportedSRS, code)
}

func (p projection) toLonLat(x, y float64) (float64, float64) {
	switch {
	case p.lcc != nil:
		return p.lcc.toLonLat(x, y)
	case p.proj == nil:
		return x, y
	}
	return p.proj.ToLonLat(x, y, p.sph)
}

func (p projection) fromLonLat(lon, lat float64) (float64, float64) {
	switch {
	case p.lcc != nil:
		return p.lcc.fromLonLat(lon, lat)
	case p.proj == nil:
		return lon, lat
	}
	return p.proj.FromLonLat(lon, lat, p.sph)
}

// Transformer returns a function that transforms a point from the EPSG code
// from to the EPSG code to. Longitude/latitude points are (lon, lat). Points
// that cannot be transformed come out with NaN or infinite coordinates;
// Project reports them as errors.
func Transformer(from, to int) (func(orb.Point) orb.Point, error) {
	src, err := projectionOf(from)
	if err != nil {
		return nil, err
	}
	dst, err := projectionOf(to)
	if err != nil {
		return nil, err
	}
	if from == to {
		return func(p orb.Point) orb.Point { return p }, nil
	}
	maxLat := 90.0
	if to == WebMercator {
		maxLat = math.Nextafter(90, 0) // the poles are at infinity
	}
	return func(p orb.Point) orb.Point {
		lon, lat := src.toLonLat(p[0], p[1])
		if !(lat >= -maxLat && lat <= maxLat) {
			return orb.Point{math.NaN(), math.NaN()}
		}
		x, y := dst.fromLonLat(lon, lat)
		return orb.Point{x, y}
	}, nil
}

// Project returns a copy of g transformed from the EPSG code from to the EPSG
// code to; g itself is left unchanged. A nil geometry gives nil. A Bound has
// its two corners transformed. It fails with ErrUnsupportedSRS for an
// unsupported code, and when a point cannot be transformed (out of the
// projection's domain).
func Project(g orb.Geometry, from, to int) (orb.Geometry, error) {
	tr, err := Transformer(from, to)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, nil
	}
	out, bad, err := transform(g, tr)
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, fmt.Errorf("%w: point (%g, %g) is outside the domain of EPSG:%d to EPSG:%d",
			ErrUnsupportedSRS, bad[0], bad[1], from, to)
	}
	return out, nil
}

// transform returns a transformed copy of g and the first point that could
// not be transformed, if any.
func transform(g orb.Geometry, tr func(orb.Point) orb.Point) (orb.Geometry, *orb.Point, error) {
	var bad *orb.Point
	apply := func(pts []orb.Point) []orb.Point {
		if pts == nil {
			return nil
		}
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[i] = tr(p)
			if bad == nil && !finite(out[i]) {
				first := p
				bad = &first
			}
		}
		return out
	}
	switch o := g.(type) {
	case nil:
		return nil, nil, nil
	case orb.Point:
		return apply([]orb.Point{o})[0], bad, nil
	case orb.MultiPoint:
		return orb.MultiPoint(apply(o)), bad, nil
	case orb.LineString:
		return orb.LineString(apply(o)), bad, nil
	case orb.Ring:
		return orb.Ring(apply(o)), bad, nil
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(o))
		for i, ls := range o {
			out[i] = apply(ls)
		}
		return out, bad, nil
	case orb.Polygon:
		return transformPolygon(o, apply), bad, nil
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(o))
		for i, p := range o {
			out[i] = transformPolygon(p, apply)
		}
		return out, bad, nil
	case orb.Collection:
		out := make(orb.Collection, len(o))
		for i, c := range o {
			tc, b, err := transform(c, tr)
			if err != nil {
				return nil, nil, err
			}
			if bad == nil {
				bad = b
			}
			out[i] = tc
		}
		return out, bad, nil
	case orb.Bound:
		return orb.MultiPoint(apply([]orb.Point{o.Min, o.Max})).Bound(), bad, nil
	}
	return nil, nil, fmt.Errorf("srs: cannot project geometry of type %T", g)
}

func transformPolygon(p orb.Polygon, apply func([]orb.Point) []orb.Point) orb.Polygon {
	if p == nil {
		return nil
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = apply(r)
	}
	return out
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// Parse reads a spatial reference system name and returns its EPSG code.
// It accepts "EPSG:2154", "epsg:2154", "2154", OGC URNs and URLs
// ("urn:ogc:def:crs:EPSG::2154", "http://www.opengis.net/def/crs/EPSG/0/2154"),
// CRS84 (→ 4326), the aliases 900913, 3785 and 102100 of Web Mercator, and the
// names "WGS84", "Lambert-93", "Web Mercator" and "CC47". For a well-formed
// but unsupported code it returns that code together with an error wrapping
// ErrUnsupportedSRS; for an unreadable name it returns 0 and such an error.
func Parse(s string) (int, error) {
	key := strings.ToLower(strings.TrimSpace(s))
	switch strings.NewReplacer(" ", "", "-", "", "_", "", "/", "").Replace(key) {
	case "wgs84", "crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84",
		"http:www.opengis.netdefcrsogc1.3crs84":
		return WGS84, nil
	case "lambert93", "l93", "rgf93lambert93", "rgf93v1lambert93":
		return Lambert93, nil
	case "webmercator", "pseudomercator", "wgs84pseudomercator":
		return WebMercator, nil
	case "cc47", "rgf93cc47", "rgf93v1cc47":
		return CC47, nil
	}
	num := key
	for _, prefix := range []string{"urn:ogc:def:crs:epsg:", "http://www.opengis.net/def/crs/epsg/",
		"https://www.opengis.net/def/crs/epsg/", "epsg:", "epsg::", "epsg"} {
		if strings.HasPrefix(key, prefix) {
			num = key[len(prefix):]
			break
		}
	}
	// Drop a version in URNs ("6.6:2154", "::2154") and URLs ("0/2154").
	if i := strings.LastIndexAny(num, ":/"); i >= 0 {
		num = num[i+1:]
	}
	code, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || code <= 0 {
		return 0, fmt.Errorf("%w: cannot read %q as an EPSG code", ErrUnsupportedSRS, s)
	}
	switch code {
	case 900913, 3785, 102100, 102113:
		code = WebMercator
	}
	if !Supported(code) {
		return code, fmt.Errorf("%w: EPSG:%d", ErrUnsupportedSRS, code)
	}
	return code, nil
}
