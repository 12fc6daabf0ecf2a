package demo

import "github.com/paulmach/orb"

// streets emits the commune's streets for the platform's plan: no open
// street data of the territory could be had offline, so the streets are
// generated — each line of the water network, along which the mains are
// laid, is the street it runs under, with the name the network gave it.
// They are plausible, not real: the layer's description says so.
func (g *gen) streets() {
	if g.water == nil {
		return
	}
	n := g.water
	for _, l := range n.lines {
		if len(l.nodes) < 2 {
			continue
		}
		pts := make([]orb.Point, len(l.nodes))
		for i, ni := range l.nodes {
			pts[i] = n.nodes[ni].p
		}
		kind := "ruelle"
		switch {
		case l.level == 0:
			kind = "route"
		case l.level == 1:
			kind = "rue"
		}
		g.emit(iVoies, g.w.fr.lineLonLat(pts), map[string]any{"nom": l.name, "type_voie": kind})
	}
}
