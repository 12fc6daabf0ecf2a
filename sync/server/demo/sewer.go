package demo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// The sewer network follows the water mains of the bourg a few metres to
// one side, with a manhole at every bend and at most every 60 m (scaled). It
// is a tree that drains to a treatment plant (station d'épuration) beyond
// its lowest end; where the ground would make a gravity sewer climb, a
// pumping station (poste de refoulement) lifts the water. The old centre of
// larger villages is combined (unitaire), the rest separate (eaux usées),
// and some streets have a storm sewer (pluvial) discharging to the nearest
// ditch.

type snode struct {
	p       orb.Point
	ground  float64
	inv     float64 // invert (fil d'eau) altitude where sewers arrive
	outInv  float64 // invert where the sewer leaves (higher after a pump)
	down    int     // next node downstream, -1 at the plant
	fn      string  // fnouvass: "06" regard unless said otherwise
	name    string
	code    string // idouvrage
	uni     bool   // combined sewage reaches this node
	live    bool   // part of the network (reached from the plant, or storm)
	pluvial bool   // on a storm sewer
}

type sedge struct {
	up, down  int // node indexes, up drains into down
	line      int // sewer line, -1 for the plant's inlet
	forced    bool
	transport bool
	pluvial   bool
}

type sline struct {
	typ      string // typreseau of the street: "02" or "03"
	level    int
	year     int
	qualxy   string
	qualz    string
	name     string
	materiau string
}

type sewerNet struct {
	nodes   []snode
	edges   []sedge
	lines   []sline
	plant   int // node of the treatment plant, -1 when none
	outfall orb.Point
	hasOut  bool
}

func (s *sewerNet) addNode(g *gen, p orb.Point) int {
	s.nodes = append(s.nodes, snode{p: p, ground: g.w.ground(p), down: -1, fn: "06"})
	return len(s.nodes) - 1
}

// link joins node a to b with straight pieces no longer than step, adding
// manholes between them.
func (s *sewerNet) link(g *gen, a, b int, line int, step float64, pluvial bool) {
	pa, pb := s.nodes[a].p, s.nodes[b].p
	k := max(1, int(math.Ceil(dist(pa, pb)/step)))
	prev := a
	for i := 1; i <= k; i++ {
		next := b
		if i < k {
			next = s.addNode(g, lerp(pa, pb, float64(i)/float64(k)))
		}
		s.edges = append(s.edges, sedge{up: prev, down: next, line: line, pluvial: pluvial})
		if pluvial {
			s.nodes[prev].pluvial, s.nodes[next].pluvial = true, true
			s.nodes[prev].live, s.nodes[next].live = true, true
		}
		prev = next
	}
}

// offsetLine returns the vertices of water line l's first count nodes,
// offset by o metres to the left (negative: right), mitred at bends.
func offsetLine(n *network, l *wline, count int, o float64) []orb.Point {
	pts := make([]orb.Point, count)
	for k := range count {
		p := n.nodes[l.nodes[k]].p
		var nrm orb.Point
		switch {
		case k == 0:
			nrm = perp(p, n.nodes[l.nodes[1]].p)
		case k == count-1:
			nrm = perp(n.nodes[l.nodes[k-1]].p, p)
		default:
			n1 := perp(n.nodes[l.nodes[k-1]].p, p)
			n2 := perp(p, n.nodes[l.nodes[k+1]].p)
			m := add(n1, n2)
			if mm := norm(m); mm > 0.5 {
				// Mitre: o / cos(half angle), where cos = |m|/2.
				nrm = mul(m, 2/(mm*mm))
			} else {
				nrm = n1
			}
		}
		pts[k] = add(p, mul(nrm, o))
	}
	return pts
}

func sewerMaterial(r rnd, year int) string {
	switch {
	case year < 1970:
		return []string{"06", "13", "02"}[r.weighted(40, 35, 25)]
	case year < 1990:
		return []string{"02", "24", "04"}[r.weighted(35, 40, 25)]
	}
	return []string{"27", "20", "11"}[r.weighted(60, 25, 15)]
}

// buildSewer lays the sewer network of the bourg.
func buildSewer(g *gen) *sewerNet {
	r := newRnd(g.c.INSEE, streamSewer)
	n := g.water
	s := &sewerNet{plant: -1}
	step := 60 / g.f
	maxLevel := 2
	if g.pop >= 3000 {
		maxLevel = 3
	}
	at := map[int32]int{} // water node → sewer node beside it
	root := s.addNode(g, add(g.centre, mul(dir(r.between(0, 2*math.Pi)), 3)))
	at[0] = root
	type end struct {
		node int
		out  orb.Point // outward direction
	}
	var ends []end
	for _, l := range n.lines {
		j0, ok := at[l.nodes[0]]
		if l.level > maxLevel || !ok || len(l.nodes) < 2 {
			continue
		}
		count := 1
		for count < len(l.nodes) && g.bourgDist(n.nodes[l.nodes[count]].p) < 1.05 {
			count++
		}
		if count < 2 {
			continue
		}
		side := 3.0
		if r.chance(0.5) {
			side = -3
		}
		pts := offsetLine(n, l, count, side)
		year := min(2023, max(1960, l.attrs.year+r.intIn(-3, 12)))
		typ := "02"
		if g.pop >= 500 && l.level <= 1 && g.bourgDist(n.nodes[l.nodes[0]].p) < 0.45 {
			typ = "03"
		}
		li := len(s.lines)
		s.lines = append(s.lines, sline{
			typ: typ, level: l.level, year: year, name: l.name, materiau: sewerMaterial(r, year),
			qualxy: []string{"01", "02", "03"}[r.weighted(30, 40, 30)],
			qualz:  []string{"01", "02", "03"}[r.weighted(40, 40, 20)],
		})
		prev := j0
		for k := 1; k < count; k++ {
			if !g.terr.fits(s.nodes[prev].p, pts[k], 1) {
				break
			}
			next := s.addNode(g, pts[k])
			at[l.nodes[k]] = next
			s.link(g, prev, next, li, step, false)
			prev = next
		}
		if l.level == 0 && prev != j0 {
			last := n.nodes[l.nodes[count-1]].p
			ends = append(ends, end{prev, dir(heading(n.nodes[l.nodes[count-2]].p, last))})
		}
		// A storm sewer on the other side of some separate streets.
		// It flows outwards, to a ditch beyond the last houses.
		if typ == "02" && l.level == 1 && r.chance(0.35) &&
			g.w.ground(n.nodes[l.nodes[count-1]].p) < g.w.ground(n.nodes[l.nodes[0]].p)-1 {
			s.pluvialLine(g, r, offsetLine(n, l, count, -side), li, step)
		}
	}
	if len(ends) == 0 {
		return s
	}
	// The plant lies beyond the lowest trunk end.
	low := 0
	for i, e := range ends {
		if s.nodes[e.node].ground < s.nodes[ends[low].node].ground {
			low = i
		}
	}
	e := ends[low]
	for _, d := range []float64{120, 80, 40} {
		p := add(s.nodes[e.node].p, mul(e.out, d/g.f))
		if g.terr.fits(s.nodes[e.node].p, p, 2) {
			s.plant = s.addNode(g, p)
			break
		}
	}
	outlet := e.node
	if s.plant < 0 {
		s.plant = outlet
	} else {
		first := len(s.edges)
		s.link(g, outlet, s.plant, -1, step, false)
		for i := first; i < len(s.edges); i++ {
			s.edges[i].transport = true
		}
		if q := add(s.nodes[s.plant].p, mul(e.out, 40/g.f)); g.terr.fits(s.nodes[s.plant].p, q, 1) {
			s.outfall, s.hasOut = q, true
		}
	}
	s.flow(g, r)
	s.nodes[s.plant].fn = "02"
	s.nodes[s.plant].name = "Station d'épuration " + of(g.c.Name)
	if s.nodes[outlet].uni && outlet != s.plant {
		s.nodes[outlet].fn = "04"
		s.nodes[outlet].name = "Déversoir d'orage de tête de station"
	}
	return s
}

// pluvialLine lays a storm sewer along pts, draining to its lower end.
func (s *sewerNet) pluvialLine(g *gen, r rnd, pts []orb.Point, li int, step float64) {
	var chain []int
	for k, p := range pts {
		if k > 0 && !g.terr.fits(pts[k-1], p, 1) {
			break
		}
		chain = append(chain, s.addNode(g, p))
	}
	if len(chain) < 2 {
		s.nodes = s.nodes[:len(s.nodes)-len(chain)]
		return
	}
	first := len(s.edges)
	for k := 1; k < len(chain); k++ {
		s.link(g, chain[k-1], chain[k], li, step, true)
	}
	// Inverts down the chain; the last node is the outfall.
	depth := r.between(1.2, 1.8)
	for i := first; i < len(s.edges); i++ {
		e := s.edges[i]
		up, down := &s.nodes[e.up], &s.nodes[e.down]
		if i == first {
			up.inv = up.ground - depth
		}
		down.inv = math.Min(down.ground-1.0, up.inv-0.005*dist(up.p, down.p))
		up.down = e.down
	}
	last := &s.nodes[chain[len(chain)-1]]
	last.fn, last.name = "05", "Rejet pluvial, "+s.lines[li].name
}

// flow orients the sanitary tree towards the plant, sets the inverts from
// the upstream ends down (each pipe at least 0.3 % downhill, under at least
// 1.1 m of cover), places a pumping station wherever the sewer would have to
// run deeper than 6 m, and spreads the combined type downstream.
func (s *sewerNet) flow(g *gen, r rnd) {
	adj := make([][]int, len(s.nodes))
	for i, e := range s.edges {
		if e.pluvial {
			continue
		}
		adj[e.up] = append(adj[e.up], i)
		adj[e.down] = append(adj[e.down], i)
	}
	order := []int{s.plant}
	s.nodes[s.plant].live = true
	for q := 0; q < len(order); q++ {
		v := order[q]
		for _, ei := range adj[v] {
			e := &s.edges[ei]
			u := e.up
			if u == v {
				u = e.down
			}
			if s.nodes[u].live {
				continue
			}
			s.nodes[u].live = true
			order = append(order, u)
			e.up, e.down = u, v
			s.nodes[u].down = v
		}
	}
	postes := 0
	for i := len(order) - 1; i >= 0; i-- {
		u := order[i]
		un := &s.nodes[u]
		un.inv = un.ground - r.between(1.1, 1.6)
		for _, ei := range adj[u] {
			e := s.edges[ei]
			if e.down != u {
				continue
			}
			up := s.nodes[e.up]
			un.inv = math.Min(un.inv, up.outInv-0.003*dist(up.p, un.p))
			if up.uni || (e.line >= 0 && s.lines[e.line].typ == "03") {
				un.uni = true
			}
		}
		un.outInv = un.inv
		if un.ground-un.inv > 6 && u != s.plant {
			// Too deep: a pumping station lifts the water into a rising main.
			postes++
			un.fn, un.name = "01", fmt.Sprintf("Poste de refoulement n°%d", postes)
			un.outInv = un.ground - 1.5
			for _, ei := range adj[u] {
				if s.edges[ei].up == u {
					s.edges[ei].forced = true
				}
			}
		}
	}
}

// sewerFeatures emits the canalass, apparass and ouvrass features.
func (g *gen) sewerFeatures() {
	s := g.sewer
	if s == nil || len(s.edges) == 0 {
		return
	}
	r := newRnd(g.c.INSEE, streamSewer+100)
	fr := g.w.fr
	for i := range s.nodes {
		s.nodes[i].code = fmt.Sprintf("OASS%s-%06d", g.c.INSEE, i+1)
	}
	plantLine := sline{typ: "02", year: 1995, qualxy: "01", qualz: "01", materiau: "27", name: "Collecteur de la station"}
	if len(s.lines) > 0 {
		plantLine.year = max(1975, s.lines[0].year)
	}
	lineOf := func(e sedge) sline {
		if e.line >= 0 {
			return s.lines[e.line]
		}
		return plantLine
	}
	var known []gapPipe
	for _, e := range s.edges {
		if s.nodes[e.up].live && s.nodes[e.down].live {
			known = append(known, gapPipe{length: dist(s.nodes[e.up].p, s.nodes[e.down].p), year: lineOf(e).year})
		}
	}
	gaps := g.newGaps(known, streamSewer)
	for _, e := range s.edges {
		if !s.nodes[e.up].live || !s.nodes[e.down].live {
			continue
		}
		l := lineOf(e)
		up, down := s.nodes[e.up], s.nodes[e.down]
		var typ string
		switch {
		case e.pluvial:
			typ = "01"
		case up.uni || l.typ == "03":
			typ = "03"
		default:
			typ = "02"
		}
		mat, diam := l.materiau, 200
		switch {
		case e.forced:
			mat, diam = "18", pick(r, []int{90, 110, 125})
		case typ == "03":
			diam = []int{600, 500, 400, 300}[min(3, l.level)]
			if l.year < 1990 {
				mat = "06"
			}
		case typ == "01":
			diam = pick(r, []int{300, 400, 500})
		case e.transport || l.level == 0:
			diam = pick(r, []int{250, 300})
		case l.level == 1:
			diam = pick(r, []int{200, 250})
		}
		fonc, modecirc := "02", "01"
		if e.transport {
			fonc = "01"
		}
		if e.forced {
			modecirc = "02"
		}
		props := map[string]any{
			"idcana":     g.code("CASS", iCanalAss),
			"mouvrage":   mouvrage,
			"gexploit":   gexploit,
			"enservice":  "O",
			"branchemnt": "N",
			"typreseau":  typ,
			"materiau":   mat,
			"diametre":   int64(diam),
			"anfinpose":  int64(l.year),
			"modecirc":   modecirc,
			"contcanass": typ,
			"fonccanass": fonc,
			"idnini":     up.code,
			"idnterm":    down.code,
			"zamont":     round(up.outInv, 2),
			"zaval":      round(down.inv, 2),
			"sensecoul":  "1",
			"andebpose":  int64(l.year),
			"longcana":   int64(math.Round(dist(up.p, down.p))),
		}
		g.raepaMeta(r, props, l.qualxy, l.qualz, qualAnnee(r, l.year), l.year)
		gaps.apply(props, dist(up.p, down.p), l.year, true)
		id := g.emit(iCanalAss, fr.lineLonLat([]orb.Point{up.p, down.p}), props)
		g.equip = append(g.equip, equipRef{layer: iCanalAss, id: id, at: fr.lonLat(lerp(up.p, down.p, 0.5)), kind: "collecteur", year: l.year})
	}
	// Devices: a valve on each pumping main, a flow meter at the plant.
	for i, nd := range s.nodes {
		switch {
		case nd.fn == "01":
			g.sewerDevice(r, nd.p, "03", i, 110)
		case i == s.plant && nd.fn == "02":
			g.sewerDevice(r, nd.p, "04", i, 250)
		}
	}
	// Works: a manhole or structure at every node, then the outfall and the
	// gullies along combined and storm sewers.
	for _, nd := range s.nodes {
		if !nd.live {
			continue
		}
		typ := "02"
		switch {
		case nd.uni:
			typ = "03"
		case nd.pluvial:
			typ = "01"
		}
		g.ouvrass(r, nd.p, nd.fn, typ, nd.name, nd.ground, nd.code)
	}
	if s.hasOut {
		g.ouvrass(r, s.outfall, "05", "02", "Rejet de la station d'épuration", g.w.ground(s.outfall), "")
	}
	if g.pop >= 3000 && s.plant >= 0 {
		p := add(s.nodes[s.plant].p, orb.Point{25 / g.f, 15 / g.f})
		if g.terr.contains(p) {
			g.ouvrass(r, p, "03", "03", "Bassin d'orage", g.w.ground(p), "")
		}
	}
	every := 50 / g.f
	for _, e := range s.edges {
		up, down := s.nodes[e.up], s.nodes[e.down]
		if !e.pluvial && !up.uni {
			continue
		}
		l := dist(up.p, down.p)
		if l < every/2 || r.chance(0.3) {
			continue
		}
		side := mul(perp(up.p, down.p), 1.5)
		p := add(lerp(up.p, down.p, r.between(0.3, 0.7)), side)
		if g.terr.contains(p) {
			typ := "03"
			if e.pluvial {
				typ = "01"
			}
			g.ouvrass(r, p, "07", typ, "", g.w.ground(p), "")
		}
	}
}

func (g *gen) sewerDevice(r rnd, p orb.Point, fn string, node int, diam int) {
	year := r.intIn(1985, 2020)
	props := map[string]any{
		"idappareil": g.code("AASS", iApparAss),
		"mouvrage":   mouvrage,
		"gexploit":   gexploit,
		"typreseau":  "02",
		"fnappass":   fn,
		"diametre":   int64(diam),
		"anfinpose":  int64(year),
		"andebpose":  int64(year),
		"idouvrage":  g.sewer.nodes[node].code,
		"z":          round(g.sewer.nodes[node].ground, 2),
	}
	g.raepaMeta(r, props, "01", "01", "02", year)
	id := g.emit(iApparAss, g.w.fr.lonLat(p), props)
	g.equip = append(g.equip, equipRef{layer: iApparAss, id: id, at: g.w.fr.lonLat(p), kind: "appareil_ass"})
}

func (g *gen) ouvrass(r rnd, p orb.Point, fn, typ, name string, z float64, code string) {
	if code == "" {
		code = fmt.Sprintf("OASS%s-%06d", g.c.INSEE, len(g.sewer.nodes)+g.count[iOuvrAss]+1)
	}
	year := r.intIn(1965, 2020)
	props := map[string]any{
		"idouvrage": code,
		"mouvrage":  mouvrage,
		"gexploit":  gexploit,
		"typreseau": typ,
		"fnouvass":  fn,
		"anfinpose": int64(year),
		"andebpose": int64(year),
		"z":         round(z, 2),
	}
	if name != "" {
		props["libelle"] = name
	}
	g.raepaMeta(r, props, []string{"01", "02", "03"}[r.weighted(35, 45, 20)], "02", qualAnnee(r, year), year)
	id := g.emit(iOuvrAss, g.w.fr.lonLat(p), props)
	kind := "regard"
	if fn != "06" {
		kind = "ouvrage_ass"
	}
	g.equip = append(g.equip, equipRef{layer: iOuvrAss, id: id, at: g.w.fr.lonLat(p), kind: kind})
}
