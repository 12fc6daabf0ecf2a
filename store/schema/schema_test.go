package schema

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestCoerce(t *testing.T) {
	cases := []struct {
		field Field
		in    any
		want  any
		err   bool
	}{
		{Field{Name: "n", Type: Integer}, "110", int64(110), false},
		{Field{Name: "n", Type: Integer}, 12.0, int64(12), false},
		{Field{Name: "n", Type: Integer}, 12.5, nil, true},
		{Field{Name: "n", Type: Integer}, "douze", nil, true},
		{Field{Name: "r", Type: Real}, "2,5", 2.5, false},
		{Field{Name: "r", Type: Real}, int64(3), 3.0, false},
		// Numbers as French users type them: a decimal comma, spaces (plain,
		// non-breaking or narrow) between thousands.
		{Field{Name: "r", Type: Real}, "5,2", 5.2, false},
		{Field{Name: "r", Type: Real}, " 1 234,5 ", 1234.5, false},
		{Field{Name: "r", Type: Real}, "1\u00a0234,5", 1234.5, false},
		{Field{Name: "r", Type: Real}, "1\u202f234\u202f567", 1234567.0, false},
		{Field{Name: "r", Type: Real}, "-0,75", -0.75, false},
		{Field{Name: "r", Type: Real}, "1,234.5", nil, true},
		{Field{Name: "r", Type: Real}, "1,2,3", nil, true},
		{Field{Name: "r", Type: Real}, "12 34,5", nil, true},
		{Field{Name: "r", Type: Real}, "abc", nil, true},
		{Field{Name: "r", Type: Real}, "5,2 m", nil, true},
		{Field{Name: "n", Type: Integer}, "1 200", int64(1200), false},
		{Field{Name: "n", Type: Integer}, "5,2", nil, true},
		{Field{Name: "n", Type: Integer}, "5,0", int64(5), false},
		{Field{Name: "d", Type: Date}, "5/6/2026", "2026-06-05", false},
		{Field{Name: "b", Type: Boolean}, "oui", true, false},
		{Field{Name: "b", Type: Boolean}, "Non", false, false},
		{Field{Name: "b", Type: Boolean}, "peut-être", nil, true},
		{Field{Name: "d", Type: Date}, "15/06/2026", "2026-06-15", false},
		{Field{Name: "d", Type: Date}, "2026-06-15T10:00:00+02:00", "2026-06-15", false},
		{Field{Name: "d", Type: Date}, "31/02/2026x", nil, true},
		{Field{Name: "t", Type: DateTime}, "2026-06-15T10:00:00+02:00", "2026-06-15T08:00:00Z", false},
		{Field{Name: "s", Type: Text}, 42.0, "42", false},
		{Field{Name: "s", Type: Text}, "  ", nil, false},
		{Field{Name: "c", Type: Text, Domain: []CodedValue{{Code: "PI", Label: "Poteau"}}}, "PI", "PI", false},
		{Field{Name: "c", Type: Text, Domain: []CodedValue{{Code: "PI", Label: "Poteau"}}}, "XX", nil, true},
		{Field{Name: "c", Type: Integer, Domain: []CodedValue{{Code: "1", Label: "Un"}}}, "1", int64(1), false},
	}
	for _, c := range cases {
		got, err := c.field.Coerce(c.in)
		if (err != nil) != c.err || (err == nil && got != c.want) {
			t.Errorf("%s %v → %#v, %v; want %#v (error %v)", c.field.Type, c.in, got, err, c.want, c.err)
		}
		if err != nil && !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%v: error %v is not ErrInvalidValue", c.in, err)
		}
	}
}

func TestCheckGeometry(t *testing.T) {
	points := &Layer{Name: "pei", GeometryType: Point}
	multi := &Layer{Name: "zones", GeometryType: MultiPolygon}
	cases := []struct {
		layer *Layer
		geom  orb.Geometry
		ok    bool
	}{
		{points, orb.Point{4.9, 46.5}, true},
		{points, orb.MultiPoint{{4.9, 46.5}}, true},
		{points, orb.LineString{{4.9, 46.5}, {4.91, 46.5}}, false},
		{points, orb.Point{849000, 6614000}, false},
		{multi, orb.Polygon{{{4.9, 46.5}, {4.91, 46.5}, {4.91, 46.51}}}, true}, // closed and promoted
		{multi, orb.Polygon{{{4.9, 46.5}, {4.91, 46.5}, {4.9, 46.5}}}, false},
		{&Layer{Name: "l", GeometryType: LineString}, orb.LineString{{4.9, 46.5}, {4.9, 46.5}}, false},
	}
	for i, c := range cases {
		g, err := c.layer.CheckGeometry(c.geom)
		if (err == nil) != c.ok {
			t.Errorf("case %d: %v", i, err)
		}
		if err == nil && c.layer == multi {
			if mp, ok := g.(orb.MultiPolygon); !ok || mp[0][0][0] != mp[0][0][len(mp[0][0])-1] {
				t.Errorf("case %d: not promoted and closed: %v", i, g)
			}
		}
	}
}

func TestValidateRefusesBadSchemas(t *testing.T) {
	bad := []Layer{
		{Name: "gpkg_x", GeometryType: Point},
		{Name: "ok", GeometryType: "CIRCLE"},
		{Name: "ok", GeometryType: Point, Fields: []Field{{Name: "uuid", Type: Text}}},
		{Name: "ok", GeometryType: Point, Fields: []Field{{Name: "a", Type: Text}, {Name: "A", Type: Text}}},
		{Name: "ok", GeometryType: Point, Fields: []Field{{Name: "n", Type: Integer, Default: "x"}}},
		{Name: "ok", GeometryType: Point, Fields: []Field{{Name: "c", Type: Integer, Domain: []CodedValue{{Code: "A"}}}}},
		{Name: "drop table", GeometryType: Point},
		{Name: "ok", GeometryType: Point, Temporal: "quand"},
		{Name: "ok", GeometryType: Point, Fields: []Field{{Name: "n", Type: Integer}}, Temporal: "n"},
	}
	for i, l := range bad {
		if err := l.Validate(); !errors.Is(err, ErrInvalidSchema) {
			t.Errorf("schema %d: %v", i, err)
		}
	}
}

func TestValidateAcceptsATemporalDateField(t *testing.T) {
	for _, ft := range []FieldType{Date, DateTime} {
		l := Layer{Name: "interventions", GeometryType: Point, Fields: []Field{{Name: "quand", Type: ft}}, Temporal: "quand"}
		if err := l.Validate(); err != nil {
			t.Errorf("%s: %v", ft, err)
		}
	}
}

func FuzzCoerce(f *testing.F) {
	f.Add("12,5")
	f.Add("2026-06-15")
	f.Add("oui")
	f.Add("1 234,5")
	f.Add("-1\u00a0234\u202f567,25")
	f.Add("1,234.5")
	types := []FieldType{Text, Integer, Real, Boolean, Date, DateTime}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ft := range types {
			fld := Field{Name: "f", Type: ft}
			v, err := fld.Coerce(s)
			if err != nil {
				continue
			}
			// A coerced value coerces to itself.
			again, err := fld.Coerce(v)
			if err != nil || again != v {
				t.Fatalf("%s %q → %#v → %#v, %v", ft, s, v, again, err)
			}
		}
	})
}
