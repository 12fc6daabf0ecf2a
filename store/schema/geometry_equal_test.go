package schema

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestGeometryEqual(t *testing.T) {
	p := orb.Point{4.9, 46.5}
	for _, c := range []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		{"both nil", nil, nil, true},
		{"one nil", p, nil, false},
		{"same point", p, orb.Point{4.9, 46.5}, true},
		{"moved", p, orb.Point{4.9, 46.6}, false},
		{"point and multipoint", p, orb.MultiPoint{p}, false},
		{"nil in a collection", orb.Collection{p, nil}, orb.Collection{p, nil}, false},
		{"same collection", orb.Collection{p, orb.LineString{p, p}}, orb.Collection{p, orb.LineString{p, p}}, true},
	} {
		if got := GeometryEqual(c.a, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
