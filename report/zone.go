package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store/formats"
	"terrimap/store/srs"
)

// ShapeError says what a zone that is neither polygons nor lines holds.
type ShapeError struct {
	// Found is the geometry type found: "Point", "MultiPoint",
	// "GeometryCollection", or "Polygon+LineString" for a mix.
	Found string
}

func (e *ShapeError) Error() string { return fmt.Sprintf("%v: found %s", ErrZoneShape, e.Found) }

// Unwrap makes errors.Is(err, ErrZoneShape) hold.
func (e *ShapeError) Unwrap() error { return ErrZoneShape }

// Zone is the work zone: an area (the site, a crossroads being dug), or a
// route (a trench) that is given a width.
type Zone struct {
	// Geometry is in longitude/latitude (EPSG:4326): an orb.MultiPolygon
	// for an area, an orb.MultiLineString for a route.
	Geometry orb.Geometry
	// Width is the width in metres of a route's works, centred on the line:
	// the zone is then every point within Width/2 of it. Polygons ignore it.
	Width float64
	// Name is the zone's name when its file gives one (a "nom", "name",
	// "titre" or "libelle" property); "" otherwise.
	Name string
}

// IsLine reports whether the zone is a route (lines) rather than an area.
func (z Zone) IsLine() bool {
	_, ok := z.Geometry.(orb.MultiLineString)
	return ok
}

// nameKeys are the properties a zone's name is read from, in order.
var nameKeys = []string{"nom", "name", "titre", "title", "libelle", "label"}

// DecodeZone reads a work zone from a GeoJSON document: a FeatureCollection,
// a Feature or a bare geometry, holding Polygons and MultiPolygons (an area)
// or LineStrings and MultiLineStrings (a route). Coordinates are longitude
// and latitude, or in the system an old-style "crs" member names (Lambert-93,
// CC47, Web Mercator). The zone's Width is left to the caller.
func DecodeZone(data []byte) (Zone, error) {
	ds, err := formats.ReadGeoJSON(bytes.NewReader(data), "zone")
	if err != nil {
		return Zone{}, fmt.Errorf("%w: %w", ErrZoneUnreadable, err)
	}
	return zoneOf(ds)
}

// ReadZone reads a work zone from a file: GeoJSON (.geojson, .json), as
// DecodeZone, or a Shapefile (.shp with its .prj).
func ReadZone(path string) (Zone, error) {
	ds, err := formats.ReadFile(path)
	if err != nil {
		return Zone{}, fmt.Errorf("report: read zone %s: %w: %w", path, ErrZoneUnreadable, err)
	}
	z, err := zoneOf(ds)
	if err != nil {
		return Zone{}, fmt.Errorf("report: read zone %s: %w", path, err)
	}
	return z, nil
}

// zoneOf gathers a dataset's geometries into a zone in longitude/latitude.
func zoneOf(ds *formats.Dataset) (Zone, error) {
	var (
		polys orb.MultiPolygon
		lines orb.MultiLineString
		other string
		z     Zone
	)
	for _, f := range ds.Features {
		if f.Geometry == nil {
			continue
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = append(polys, g)
		case orb.MultiPolygon:
			polys = append(polys, g...)
		case orb.LineString:
			lines = append(lines, g)
		case orb.MultiLineString:
			lines = append(lines, g...)
		default:
			if other == "" {
				other = f.Geometry.GeoJSONType()
			}
		}
		if z.Name == "" {
			z.Name = nameOf(f.Properties)
		}
	}
	switch {
	case other != "":
		return Zone{}, &ShapeError{Found: other}
	case len(polys) > 0 && len(lines) > 0:
		return Zone{}, &ShapeError{Found: "Polygon+LineString"}
	case len(polys) > 0:
		z.Geometry = polys
	case len(lines) > 0:
		z.Geometry = lines
	default:
		return Zone{}, ErrZoneEmpty
	}
	switch {
	case ds.SRS == srs.WGS84 || ds.SRS == 0:
	case srs.Supported(ds.SRS):
		g, err := srs.Project(z.Geometry, ds.SRS, srs.WGS84)
		if err != nil {
			return Zone{}, fmt.Errorf("%w: %w", ErrZoneCoordinates, err)
		}
		z.Geometry = g
	default:
		return Zone{}, fmt.Errorf("%w: EPSG:%d", ErrZoneSRS, ds.SRS)
	}
	if err := checkZone(z.Geometry); err != nil {
		return Zone{}, err
	}
	return z, nil
}

func nameOf(props map[string]any) string {
	for _, k := range nameKeys {
		for pk, v := range props {
			if s, ok := v.(string); ok && strings.EqualFold(pk, k) && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// checkZone makes sure a zone in longitude/latitude is one: coordinates in
// range and plausible, rings with an area, lines with a length.
func checkZone(g orb.Geometry) error {
	b := g.Bound()
	if !finite(b.Min) || !finite(b.Max) || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return fmt.Errorf("%w: the zone spans %v", ErrZoneCoordinates, b)
	}
	switch x := g.(type) {
	case orb.MultiPolygon:
		for _, p := range x {
			if len(p) == 0 || len(p[0]) < 4 || planar.Area(p[0]) == 0 {
				return fmt.Errorf("%w: a polygon has no area", ErrZoneDegenerate)
			}
		}
	case orb.MultiLineString:
		for _, ls := range x {
			if len(ls) < 2 || ls.Bound().Max == ls.Bound().Min {
				return fmt.Errorf("%w: a line has no length", ErrZoneDegenerate)
			}
		}
	}
	return nil
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}
