package ogchtml

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

func TestFrenchNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Count(0), "0"},
		{Count(999), "999"},
		{Count(1000), "1\u202f000"},
		{Count(1234567), "1\u202f234\u202f567"},
		{Count(-4500), "−4\u202f500"},
		{Decimal(1.5, 2), "1,5"},
		{Decimal(12345.678, 1), "12\u202f345,7"},
		{Decimal(-0.25, 2), "−0,25"},
		{Decimal(3, 2), "3"},
		{Longitude(4.88123), "4,88123°\u00a0E"},
		{Longitude(-0.5), "0,5°\u00a0O"},
		{Latitude(46.56), "46,56°\u00a0N"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestValue(t *testing.T) {
	coded := schema.Field{Name: "t", Type: schema.Text, Domain: []schema.CodedValue{{Code: "PI", Label: "Poteau d'incendie"}}}
	for _, c := range []struct {
		f    schema.Field
		v    any
		want string
	}{
		{coded, "PI", "Poteau d'incendie"},
		{coded, "XX", "XX"},
		{schema.Field{Type: schema.Boolean}, true, "oui"},
		{schema.Field{Type: schema.Boolean}, false, "non"},
		{schema.Field{Type: schema.Date}, "2024-05-01", "01/05/2024"},
		{schema.Field{Type: schema.DateTime}, "2024-05-01T08:30:00Z", "01/05/2024 08:30 UTC"},
		{schema.Field{Type: schema.Integer}, int64(12000), "12\u202f000"},
		{schema.Field{Type: schema.Integer}, float64(61), "61"},
		{schema.Field{Type: schema.Real}, 1.5, "1,5"},
		{schema.Field{Type: schema.Text}, "rue de la Paix", "rue de la Paix"},
		{schema.Field{Type: schema.Text}, nil, ""},
	} {
		if got := Value(c.f, c.v); got != c.want {
			t.Errorf("Value(%s, %v) = %q, want %q", c.f.Type, c.v, got, c.want)
		}
	}
}

func TestGeometry(t *testing.T) {
	square := orb.Polygon{{{4.9, 46.56}, {4.901, 46.56}, {4.901, 46.561}, {4.9, 46.561}, {4.9, 46.56}}}
	for _, c := range []struct {
		g    orb.Geometry
		want string
	}{
		{nil, "Aucune géométrie."},
		{orb.Point{4.9, 46.56}, "Point : 4,9°\u00a0E, 46,56°\u00a0N."},
		{orb.LineString{{4.9, 46.56}, {4.9, 46.57}}, "Ligne de 2\u00a0sommets, longueur 1,11\u00a0km."},
		{square, "Surface de 5\u00a0sommets, aire 8\u202f521\u00a0m²."},
		{orb.MultiPoint{{4.9, 46.56}}, "Groupe de 1\u00a0point."},
	} {
		if got := Geometry(c.g); got != c.want {
			t.Errorf("Geometry(%v) = %q, want %q", c.g, got, c.want)
		}
	}
}
