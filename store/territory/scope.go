package territory

import "github.com/paulmach/orb"

// Scope is the part of the territory a statistic reads (the ICGP, the
// dashboard): the features of one commune by Places's rule, or every
// feature for the whole intercommunality (INSEE "").
type Scope struct {
	Places *Places
	INSEE  string
	// Bound is the commune's bounding box in longitude/latitude; nil for
	// everywhere. The features whose box meets it hold every one that
	// counts (a point in the commune, a tronçon whose midpoint is).
	Bound *orb.Bound
}

// Scope returns the scope of the commune of the INSEE code, or of
// everywhere for ""; ok is false for a commune Places does not hold (the
// scope then holds nothing and has no Bound).
func (p *Places) Scope(insee string) (s Scope, ok bool) {
	s = Scope{Places: p, INSEE: insee}
	if insee == "" {
		return s, true
	}
	b, ok := p.Bound(insee)
	if ok {
		s.Bound = &b
	}
	return s, ok
}

// Holds reports whether a point in Lambert-93 counts.
func (s Scope) Holds(pt orb.Point) bool {
	return s.INSEE == "" || s.Places.CommuneOf(pt) == s.INSEE
}

// Point returns where a point feature stands in Lambert-93 and whether it
// counts.
func (s Scope) Point(g orb.Geometry) (orb.Point, bool) {
	pt, ok := s.Places.Point(g)
	return pt, ok && s.Holds(pt)
}
