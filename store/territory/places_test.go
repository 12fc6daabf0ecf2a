package territory

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store/srs"
)

// TestPlaces places points and lines in two neighbouring communes: the
// grid's answer is the exact point-in-polygon's everywhere, and a line
// crossing the boundary counts where its midpoint lies.
func TestPlaces(t *testing.T) {
	west := orb.Polygon{{{4.80, 46.50}, {4.90, 46.50}, {4.91, 46.55}, {4.90, 46.60}, {4.80, 46.60}, {4.80, 46.50}}}
	east := orb.Polygon{{{4.90, 46.50}, {5.00, 46.50}, {5.00, 46.60}, {4.90, 46.60}, {4.91, 46.55}, {4.90, 46.50}}}
	p := NewPlaces([]Commune{{INSEE: "A", Area: west}, {INSEE: "B", Area: orb.MultiPolygon{east}}, {INSEE: "", Area: west}, {INSEE: "C", Area: orb.Point{1, 2}}})
	if codes := p.Codes(); len(codes) != 2 || codes[0] != "A" || codes[1] != "B" {
		t.Fatalf("codes %v", codes)
	}
	// The reference: the polygons' vertices in Lambert-93, joined straight.
	project := func(poly orb.Polygon) orb.Polygon {
		out := orb.Polygon{make(orb.Ring, len(poly[0]))}
		for i, pt := range poly[0] {
			out[0][i] = p.Lambert93(pt)
		}
		return out
	}
	westL93, eastL93 := project(west), project(east)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		ll := orb.Point{4.78 + 0.24*r.Float64(), 46.48 + 0.14*r.Float64()}
		want := ""
		switch q := p.Lambert93(ll); {
		case planar.PolygonContains(westL93, q):
			want = "A"
		case planar.PolygonContains(eastL93, q):
			want = "B"
		}
		if got := p.CommuneOf(p.Lambert93(ll)); got != want {
			t.Fatalf("%v: %q, want %q", ll, got, want)
		}
	}
	// 1 km west of the boundary to 3 km east of it: counted in B.
	a, b := p.Lambert93(orb.Point{4.895, 46.52}), p.Lambert93(orb.Point{4.895, 46.52})
	a[0] -= 1000
	b[0] += 3000
	inv, err := srs.Transformer(srs.Lambert93, srs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	line := orb.LineString{inv(a), inv(b)}
	length, half, ok, _ := p.Line(line, nil)
	if !ok || math.Abs(length-4000) > 0.01 || p.CommuneOf(half) != "B" {
		t.Errorf("line of %.3f m, half at %v in %q", length, half, p.CommuneOf(half))
	}
	// A multi-line's parts laid end to end: 1 km in A then 3 km (a gap
	// between them is not counted).
	multi := orb.MultiLineString{{inv(orb.Point{a[0] - 5000, a[1]}), inv(orb.Point{a[0] - 4000, a[1]})}, {inv(orb.Point{a[0] + 2000, a[1]}), inv(orb.Point{a[0] + 5000, a[1]})}}
	if length, half, ok, _ := p.Line(multi, nil); !ok || math.Abs(length-4000) > 0.01 || math.Abs(half[0]-(a[0]+3000)) > 0.01 {
		t.Errorf("multi-line of %.3f m, half at %v", length, half)
	}
	if _, _, ok, _ := p.Line(orb.Point{4.9, 46.5}, nil); ok {
		t.Error("a point measured as a line")
	}
}

// TestScope counts a point and a line in the commune where they lie, or
// where the line's midpoint does, and everything everywhere.
func TestScope(t *testing.T) {
	west := orb.Polygon{{{4.80, 46.50}, {4.90, 46.50}, {4.90, 46.60}, {4.80, 46.60}, {4.80, 46.50}}}
	east := orb.Polygon{{{4.90, 46.50}, {5.00, 46.50}, {5.00, 46.60}, {4.90, 46.60}, {4.90, 46.50}}}
	p := NewPlaces([]Commune{{INSEE: "A", Area: west}, {INSEE: "B", Area: east}})
	inWest, inEast := orb.Point{4.85, 46.55}, orb.Point{4.95, 46.55}
	line := orb.LineString{{4.89, 46.55}, {4.97, 46.55}} // mostly in B
	_, half, _, _ := p.Line(line, nil)
	tests := []struct {
		insee                  string
		ok, west, east, middle bool
	}{
		{insee: "", ok: true, west: true, east: true, middle: true},
		{insee: "A", ok: true, west: true},
		{insee: "B", ok: true, east: true, middle: true},
		{insee: "Z"},
	}
	for _, tt := range tests {
		s, ok := p.Scope(tt.insee)
		if ok != tt.ok || (s.Bound != nil) != (tt.ok && tt.insee != "") {
			t.Errorf("%q: ok %v, bound %v", tt.insee, ok, s.Bound)
		}
		if s.Bound != nil && !s.Bound.Contains(map[string]orb.Point{"A": inWest, "B": inEast}[tt.insee]) {
			t.Errorf("%q: bound %v", tt.insee, *s.Bound)
		}
		_, west := s.Point(inWest)
		_, east := s.Point(orb.MultiPoint{inEast})
		if west != tt.west || east != tt.east || s.Holds(half) != tt.middle {
			t.Errorf("%q: west %v, east %v, line %v", tt.insee, west, east, s.Holds(half))
		}
	}
	if _, ok := (Scope{Places: p}).Point(orb.LineString{inWest, inEast}); ok {
		t.Error("a line placed as a point")
	}
}
