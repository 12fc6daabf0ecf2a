package app

import (
	"testing"

	"github.com/paulmach/orb"
)

// The form offers an edit only where the platform would take it: a
// feature that lies in the commune, not one that merely meets it (a pipe
// running on into the next commune), nor one with no position.
func TestFormAppliesThePlatformsTerritoryRule(t *testing.T) {
	for _, c := range []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"a hydrant inside", orb.Point{4.905, 46.56}, true},
		{"a pipe inside", orb.LineString{{4.901, 46.552}, {4.910, 46.568}}, true},
		{"a pipe running on into the next commune", orb.LineString{{4.905, 46.56}, {4.95, 46.56}}, false},
		{"a hydrant in the next commune", orb.Point{4.95, 46.56}, false},
		{"no position", nil, false},
	} {
		if got := liesIn(tournusSquare, c.g); got != c.want {
			t.Errorf("%s: liesIn = %v, want %v", c.name, got, c.want)
		}
	}
}
