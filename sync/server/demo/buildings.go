package demo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

type buildingKind struct {
	usage, name   string
	long, short   float64 // footprint, metres
	minPop        int
	fromY, untilY int
}

// municipalBuildings are the buildings a commune may have, in the order it
// gets them as it grows.
var municipalBuildings = []buildingKind{
	{"mairie", "Mairie", 18, 12, 0, 1860, 1910},
	{"eglise", "Église", 32, 13, 0, 1100, 1880},
	{"salle_fetes", "Salle des fêtes", 26, 15, 150, 1965, 2005},
	{"ecole", "École", 32, 14, 200, 1880, 1975},
	{"atelier", "Atelier municipal", 20, 12, 400, 1975, 2015},
	{"gymnase", "Gymnase", 42, 26, 1000, 1975, 2010},
	{"bibliotheque", "Médiathèque", 20, 14, 3000, 1985, 2015},
}

// buildings places 2 to 6 municipal buildings near the centre, set back a
// few metres from a street, square to it, and clear of each other and of
// the pipes.
func (g *gen) buildings() {
	r := newRnd(g.c.INSEE, streamBuildings)
	n := g.water
	count := 2 + min(4, g.pop/250)
	var kinds []buildingKind
	for _, k := range municipalBuildings {
		if g.pop >= k.minPop && len(kinds) < count {
			kinds = append(kinds, k)
		}
	}
	first := g.lineSegments()
	var placed []orb.Ring // local
	for bi, k := range kinds {
		for try := 0; try < 200; try++ {
			li := r.IntN(len(n.lines))
			l := n.lines[li]
			if len(l.nodes) < 2 {
				continue
			}
			j := 1 + r.IntN(len(l.nodes)-1)
			seg := g.pipes[first[li]+j-1]
			at := lerp(seg.a, seg.b, r.between(0.2, 0.8))
			if g.bourgDist(at) > 0.15+0.1*float64(try/20)+0.05*float64(bi) {
				continue
			}
			u := dir(heading(seg.a, seg.b))
			v := perp(seg.a, seg.b)
			if r.chance(0.5) {
				v = mul(v, -1)
			}
			long, short := k.long*r.between(0.85, 1.15), k.short*r.between(0.85, 1.15)
			if r.chance(0.3) { // gable end on the street
				long, short = short, long
			}
			c := add(at, mul(v, r.between(6, 12)+short/2))
			ring := orb.Ring{
				add(c, add(mul(u, -long/2), mul(v, -short/2))),
				add(c, add(mul(u, long/2), mul(v, -short/2))),
				add(c, add(mul(u, long/2), mul(v, short/2))),
				add(c, add(mul(u, -long/2), mul(v, short/2))),
			}
			if !g.buildingFits(ring, placed) {
				continue
			}
			placed = append(placed, ring)
			ring = append(ring, ring[0])
			props := map[string]any{
				"nom":          k.name + " " + of(g.c.Name),
				"usage":        k.usage,
				"adresse":      g.address(r, k.usage, l.name),
				"annee_constr": int64(r.intIn(k.fromY, k.untilY)),
				"surface":      math.Round(long * short),
			}
			poly := orb.Polygon{g.w.fr.ringLonLat(ring)}
			id := g.emit(iBatiment, poly, props)
			g.equip = append(g.equip, equipRef{layer: iBatiment, id: id, at: g.w.fr.lonLat(c), kind: "batiment"})
			break
		}
	}
}

func (g *gen) address(r rnd, usage, street string) string {
	switch usage {
	case "mairie":
		return "Place de la Mairie, " + g.c.Name
	case "eglise":
		return "Place de l'Église, " + g.c.Name
	}
	return fmt.Sprintf("%d %s, %s", r.intIn(1, 40), street, g.c.Name)
}

// buildingFits reports whether the footprint lies inside the commune, away
// from the other buildings and from every water main.
func (g *gen) buildingFits(ring orb.Ring, placed []orb.Ring) bool {
	for i, p := range ring {
		if !g.terr.fits(ring[(i+len(ring)-1)%len(ring)], p, 1) {
			return false
		}
	}
	c := lerp(ring[0], ring[2], 0.5)
	radius := dist(ring[0], ring[2]) / 2
	for _, o := range placed {
		if dist(c, lerp(o[0], o[2], 0.5)) < radius+dist(o[0], o[2])/2+4 {
			return false
		}
	}
	for _, p := range g.pipes[:g.mains] {
		if dist(lerp(p.a, p.b, 0.5), c) > radius+dist(p.a, p.b)/2+3 {
			continue
		}
		if planar.RingContains(ring, p.a) || planar.RingContains(ring, p.b) {
			return false
		}
		for i := range ring {
			e0, e1 := ring[i], ring[(i+1)%len(ring)]
			if segmentsCross(p.a, p.b, e0, e1) {
				return false
			}
			d1, _ := segDist(p.a, p.b, e0)
			d2, _ := segDist(e0, e1, p.a)
			d3, _ := segDist(e0, e1, p.b)
			if min(d1, d2, d3) < 3 {
				return false
			}
		}
	}
	return true
}
