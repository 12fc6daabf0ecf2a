package schema

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

// The rule of which geometries a layer takes: its own type, a single one
// in the multi type, a multi one of one part in the single type, every
// one in a layer of any geometry; a collection (or a kind of no other
// type) only there.
func TestGeometryTypeAccepts(t *testing.T) {
	const collection = GeometryType("GEOMETRYCOLLECTION")
	cases := []struct {
		layer, kind GeometryType
		parts       int
		want        bool
	}{
		{Point, Point, 1, true},
		{Point, MultiPoint, 1, true},
		{Point, MultiPoint, 2, false},
		{Point, LineString, 1, false},
		{Point, MultiLineString, 1, false},
		{Point, Polygon, 1, false},
		{Point, collection, 1, false},
		{Point, AnyGeometry, 1, false},
		{MultiPoint, Point, 1, true},
		{MultiPoint, MultiPoint, 5, true},
		{MultiPoint, MultiPolygon, 1, false},
		{LineString, LineString, 1, true},
		{LineString, MultiLineString, 1, true},
		{LineString, MultiLineString, 3, false},
		{LineString, Point, 1, false},
		{LineString, Polygon, 1, false},
		{MultiLineString, LineString, 1, true},
		{MultiLineString, MultiLineString, 3, true},
		{MultiLineString, MultiPoint, 1, false},
		{Polygon, Polygon, 1, true},
		{Polygon, MultiPolygon, 1, true},
		{Polygon, MultiPolygon, 2, false},
		{Polygon, LineString, 1, false},
		{MultiPolygon, Polygon, 1, true},
		{MultiPolygon, MultiPolygon, 7, true},
		{MultiPolygon, Point, 1, false},
		{MultiPolygon, collection, 1, false},
		{AnyGeometry, Point, 1, true},
		{AnyGeometry, MultiLineString, 4, true},
		{AnyGeometry, collection, 3, true},
		{AnyGeometry, AnyGeometry, 1, true},
	}
	for _, c := range cases {
		if got := c.layer.Accepts(c.kind, c.parts); got != c.want {
			t.Errorf("%s layer takes %s of %d parts: %v, want %v", c.layer, c.kind, c.parts, got, c.want)
		}
	}
}

// CheckGeometry lets in what Accepts allows, in the layer's own form (a
// single geometry promoted to multi, a multi one of one part made single,
// the rest as it is), and refuses the rest with ErrGeometryKind.
func TestCheckGeometryKinds(t *testing.T) {
	pt := orb.Point{4.9, 46.5}
	pt2 := orb.Point{4.91, 46.51}
	line := orb.LineString{pt, pt2}
	poly := orb.Polygon{{pt, {4.91, 46.5}, pt2, pt}}
	poly2 := orb.Polygon{{{4.8, 46.4}, {4.81, 46.4}, {4.81, 46.41}, {4.8, 46.4}}}
	coll := orb.Collection{pt, line}
	cases := []struct {
		layer GeometryType
		in    orb.Geometry
		want  orb.Geometry // nil: refused
	}{
		{Point, pt, pt},
		{Point, orb.MultiPoint{pt}, pt},
		{Point, orb.MultiPoint{pt, pt2}, nil},
		{Point, line, nil},
		{Point, coll, nil},
		{MultiPoint, pt, orb.MultiPoint{pt}},
		{MultiPoint, orb.MultiPoint{pt, pt2}, orb.MultiPoint{pt, pt2}},
		{MultiPoint, orb.MultiLineString{line}, nil},
		{LineString, line, line},
		{LineString, orb.MultiLineString{line}, line},
		{LineString, orb.MultiLineString{line, line}, nil},
		{LineString, poly, nil},
		{MultiLineString, line, orb.MultiLineString{line}},
		{MultiLineString, orb.MultiLineString{line, line}, orb.MultiLineString{line, line}},
		{MultiLineString, pt, nil},
		{Polygon, poly, poly},
		{Polygon, orb.MultiPolygon{poly}, poly},
		{Polygon, orb.MultiPolygon{poly, poly2}, nil},
		{Polygon, orb.MultiPoint{pt}, nil},
		{MultiPolygon, poly, orb.MultiPolygon{poly}},
		{MultiPolygon, orb.MultiPolygon{poly, poly2}, orb.MultiPolygon{poly, poly2}},
		{MultiPolygon, coll, nil},
		{AnyGeometry, pt, pt},
		{AnyGeometry, orb.MultiPoint{pt}, orb.MultiPoint{pt}},
		{AnyGeometry, orb.MultiPolygon{poly}, orb.MultiPolygon{poly}},
		{AnyGeometry, coll, coll},
	}
	for _, c := range cases {
		l := &Layer{Name: "l", GeometryType: c.layer}
		got, err := l.CheckGeometry(c.in)
		if c.want == nil {
			if !errors.Is(err, ErrGeometryKind) || !errors.Is(err, ErrInvalidGeometry) {
				t.Errorf("%s layer, %T: %v, %v; want ErrGeometryKind", c.layer, c.in, got, err)
			}
			continue
		}
		if err != nil || !GeometryEqual(got, c.want) {
			t.Errorf("%s layer, %T: %v, %v; want %v", c.layer, c.in, got, err, c.want)
		}
	}
}
