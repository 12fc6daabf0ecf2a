package store

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// multiPolygonHolds agrees with planar.MultiPolygonContains, holes and
// several polygons included, away from the edges.
func TestMultiPolygonHolds(t *testing.T) {
	square := func(x, y, r float64) orb.Ring {
		return orb.Ring{{x - r, y - r}, {x + r, y - r}, {x + r, y + r}, {x - r, y + r}, {x - r, y - r}}
	}
	mp := orb.MultiPolygon{{square(0, 0, 2), square(0, 0, 1)}, {square(5, 5, 1)}}
	for _, tc := range []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{1.5, 0}, true}, {orb.Point{0, 0}, false}, {orb.Point{0.5, 0.5}, false}, {orb.Point{5.2, 4.9}, true},
		{orb.Point{3, 3}, false}, {orb.Point{-1.9, 1.9}, true}, {orb.Point{10, 0}, false},
	} {
		if got := multiPolygonHolds(mp, tc.p); got != tc.want || got != planar.MultiPolygonContains(mp, tc.p) {
			t.Errorf("%v: %v, want %v", tc.p, got, tc.want)
		}
	}
}
