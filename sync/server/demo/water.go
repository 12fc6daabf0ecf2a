package demo

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// pipeAttrs are the attributes a line of pipe shares.
type pipeAttrs struct {
	year      int
	materiau  string
	diametre  int
	qualxy    string
	qualz     string
	qualannee string
	fonction  string
	contenu   string
	modecirc  string
	profgen   float64
}

// pipeSeg is one generated canalaep feature.
type pipeSeg struct {
	a, b     orb.Point
	line     int // water line, -1 for a service pipe
	attrs    pipeAttrs
	id       string // feature id
	idcana   string
	nbranche int
}

// equipRef is a feature interventions may be made on.
type equipRef struct {
	layer int
	id    string
	at    orb.Point // longitude/latitude
	kind  string
	year  int // year of laying, for pipes (their renewals are logged)
}

// Nominal diameters (mm): cast iron and steel by DN, plastics by outer diameter.
var (
	dnMetal   = []int{60, 80, 100, 125, 150, 200, 250, 300}
	dnPlastic = []int{63, 75, 90, 110, 125, 160, 200, 250}
)

// waterMaterial draws the RAEPA material of a water main laid in year.
func waterMaterial(r rnd, year int) string {
	switch {
	case year < 1966:
		return []string{"12", "01", "02", "11"}[r.weighted(60, 12, 18, 10)]
	case year < 1980:
		return []string{"12", "11", "02", "24"}[r.weighted(15, 35, 30, 20)]
	case year < 2000:
		return []string{"11", "27", "18", "02"}[r.weighted(50, 28, 20, 2)]
	}
	return []string{"11", "18", "25"}[r.weighted(40, 45, 15)]
}

func plastic(materiau string) bool {
	switch materiau {
	case "16", "17", "18", "20", "21", "24", "25", "26", "27":
		return true
	}
	return false
}

func diameterOf(materiau string, class int) int {
	class = max(0, min(len(dnMetal)-1, class))
	if plastic(materiau) {
		return dnPlastic[class]
	}
	return dnMetal[class]
}

func qualAnnee(r rnd, year int) string {
	switch {
	case year >= 1995:
		return []string{"01", "02"}[r.weighted(40, 60)]
	case year >= 1970:
		return []string{"02", "04", "05"}[r.weighted(50, 25, 25)]
	}
	return []string{"04", "05", "00"}[r.weighted(35, 45, 20)]
}

var geolocSources = map[string]string{
	"01": "Levé topographique géoréférencé",
	"02": "Plan de récolement numérisé",
	"03": "Report d'après plan papier",
}

// lineAttrs draws the attributes of water line l.
func (g *gen) lineAttrs(r rnd, l *wline, start orb.Point) pipeAttrs {
	q := g.bourgDist(start)
	var lo, hi int
	switch {
	case l.level == 0:
		lo, hi = 1952, 1982
	case q < 0.5:
		lo, hi = 1950, 1978
	case q < 1:
		lo, hi = 1962, 1998
	default:
		lo, hi = 1972, 2020
	}
	year := r.intIn(lo, hi)
	if r.chance(0.15) { // renewed since
		year = r.intIn(1995, 2023)
	}
	a := pipeAttrs{year: year, contenu: "02", modecirc: "01", fonction: "02"}
	a.materiau = waterMaterial(r, year)
	var class int
	switch l.level {
	case 0:
		switch {
		case g.pop >= 3000:
			class = r.intIn(5, 7)
		case g.pop >= 800:
			class = r.intIn(4, 5)
		default:
			class = r.intIn(3, 4)
		}
		if q > 1 {
			a.fonction = "01"
			class--
		}
	case 1:
		class = r.intIn(2, 3)
	case 2:
		class = r.intIn(1, 2)
	default:
		class = r.intIn(0, 1)
	}
	if q > 1.2 && l.level > 0 {
		class--
	}
	a.diametre = diameterOf(a.materiau, class)
	a.qualxy = []string{"01", "02", "03"}[r.weighted(30, 40, 30)]
	a.qualz = []string{"01", "02", "03"}[r.weighted(10, 25, 65)]
	a.qualannee = qualAnnee(r, year)
	a.profgen = round(r.between(0.8, 1.4)+0.1*float64(3-min(3, l.level)), 2)
	return a
}

// house is a service connection to be laid from a main.
type house struct {
	seg        int // index in g.pipes
	at, end    orb.Point
	diam, year int
	materiau   string
}

// waterFeatures turns the grown network into canalaep, apparaep and ouvraep
// features.
func (g *gen) waterFeatures() {
	n := g.water
	r := newRnd(g.c.INSEE, streamAttributes)
	// Lines: attributes and names.
	for _, l := range n.lines {
		start := n.nodes[l.nodes[0]].p
		l.attrs = g.lineAttrs(r, l, start)
		switch {
		case l.level == 0:
			l.name = g.names.trunk(heading(start, n.nodes[l.nodes[len(l.nodes)-1]].p))
		default:
			l.name = g.names.street(l.level, g.bourgDist(start) < 1)
		}
	}
	// Segments, with a few renewed on their own.
	for li, l := range n.lines {
		for k := 1; k < len(l.nodes); k++ {
			a := l.attrs
			if r.chance(0.08) {
				a.year = r.intIn(2000, 2023)
				a.materiau = []string{"11", "18"}[r.weighted(45, 55)]
				a.diametre = diameterOf(a.materiau, classOf(l.attrs.diametre))
				a.qualxy, a.qualannee = "01", "01"
			}
			g.pipes = append(g.pipes, &pipeSeg{a: n.nodes[l.nodes[k-1]].p, b: n.nodes[l.nodes[k]].p, line: li, attrs: a})
		}
	}
	houses := g.houses(r)
	for _, h := range houses {
		g.pipes[h.seg].nbranche++
	}
	g.mains = len(g.pipes)
	known := make([]gapPipe, len(g.pipes))
	for i, p := range g.pipes {
		known[i] = gapPipe{length: dist(p.a, p.b), year: p.attrs.year}
	}
	gaps := g.newGaps(known, streamWater)
	for _, p := range g.pipes {
		p.idcana = g.code("CAEP", iCanalAEP)
		props := g.pipeProps(r, p, "N", "")
		gaps.apply(props, dist(p.a, p.b), p.attrs.year, false)
		p.id = g.emit(iCanalAEP, g.w.fr.lineLonLat([]orb.Point{p.a, p.b}), props)
		g.equip = append(g.equip, equipRef{layer: iCanalAEP, id: p.id, at: g.w.fr.lonLat(lerp(p.a, p.b, 0.5)), kind: "conduite", year: p.attrs.year})
	}
	// Service pipes, then the devices on the network.
	services := make([]*pipeSeg, len(houses))
	for i, h := range houses {
		main := g.pipes[h.seg]
		s := &pipeSeg{a: h.at, b: h.end, line: -1, attrs: pipeAttrs{
			year: h.year, materiau: h.materiau, diametre: h.diam, qualxy: []string{"01", "02", "03"}[r.weighted(20, 40, 40)],
			qualz: "03", qualannee: qualAnnee(r, h.year), fonction: "02", contenu: "02", modecirc: "01",
			profgen: round(r.between(0.6, 1.0), 2),
		}}
		s.idcana = g.code("CAEP", iCanalAEP)
		s.id = g.emit(iCanalAEP, g.w.fr.lineLonLat([]orb.Point{s.a, s.b}), g.pipeProps(r, s, "O", main.idcana))
		services[i] = s
	}
	g.waterDevices(r, houses, services)
}

func classOf(diam int) int {
	for i := range dnMetal {
		if dnMetal[i] == diam || dnPlastic[i] == diam {
			return i
		}
	}
	return 2
}

// houses places the service connections: one per 3.5 inhabitants (flats
// share one),
// dense along the streets of the bourg and the hamlets, sparse elsewhere.
func (g *gen) houses(r rnd) []house {
	total := float64(g.pop) / 3.5 * g.opts.Scale
	weights := make([]float64, len(g.pipes))
	sum := 0.0
	rh := 150 + 4*math.Sqrt(float64(g.pop))
	for i, p := range g.pipes {
		mid := lerp(p.a, p.b, 0.5)
		w := 0.08
		if g.bourgDist(mid) < 1 {
			w = 1
		}
		for _, h := range g.hamlets {
			if dist(mid, h) < rh {
				w = math.Max(w, 0.7)
			}
		}
		weights[i] = w * dist(p.a, p.b)
		sum += weights[i]
	}
	if sum == 0 {
		return nil
	}
	var out []house
	acc := 0.0
	for i, p := range g.pipes {
		acc += weights[i] / sum * total
		for acc >= 1 {
			acc--
			t := r.between(0.08, 0.92)
			at := lerp(p.a, p.b, t)
			side := perp(p.a, p.b)
			if r.chance(0.5) {
				side = mul(side, -1)
			}
			l := math.Max(1.5, r.between(4, 12)/g.f)
			end := add(at, mul(side, l))
			if !g.terr.fits(at, end, 0.5) {
				end = sub(at, mul(side, l))
				if !g.terr.fits(at, end, 0.5) {
					continue
				}
			}
			year := min(2024, p.attrs.year+r.intIn(0, 40))
			h := house{seg: i, at: at, end: end, year: year, diam: []int{25, 32, 40}[r.weighted(55, 35, 10)], materiau: "18"}
			switch {
			case year < 1960 && r.chance(0.3):
				h.materiau, h.diam = "19", []int{20, 25}[r.IntN(2)]
			case year < 1985:
				h.materiau = []string{"16", "18", "28"}[r.weighted(50, 35, 15)]
			}
			out = append(out, h)
		}
	}
	return out
}

// pipeProps returns the properties of a canalaep feature.
func (g *gen) pipeProps(r rnd, p *pipeSeg, branchement, idcanppale string) map[string]any {
	a := p.attrs
	props := map[string]any{
		"idcana":     p.idcana,
		"mouvrage":   mouvrage,
		"gexploit":   gexploit,
		"enservice":  "O",
		"branchemnt": branchement,
		"materiau":   a.materiau,
		"diametre":   int64(a.diametre),
		"anfinpose":  int64(a.year),
		"modecirc":   a.modecirc,
		"contcanaep": a.contenu,
		"fonccanaep": a.fonction,
		"profgen":    a.profgen,
		"andebpose":  int64(a.year),
		"longcana":   int64(math.Round(dist(p.a, p.b))),
		"nbranche":   int64(p.nbranche),
	}
	if idcanppale != "" {
		props["idcanppale"] = idcanppale
	}
	g.raepaMeta(r, props, a.qualxy, a.qualz, a.qualannee, a.year)
	return props
}

// raepaMeta sets the closing RAEPA fields: precision classes and provenance.
func (g *gen) raepaMeta(r rnd, props map[string]any, qualxy, qualz, qualannee string, year int) {
	props["qualglocxy"] = qualxy
	props["qualglocz"] = qualz
	props["qualannee"] = qualannee
	props["datemaj"] = g.daysAgo(r.intIn(20, 2500))
	props["sourmaj"] = sourceMaj
	// Class A comes from recent surveys, class C from old paper plans.
	survey := 1996
	switch qualxy {
	case "01":
		survey = 2012
	case "02":
		survey = 2004
	}
	geoYear := max(year, survey+r.IntN(8))
	geoYear = min(geoYear, g.today.Year())
	props["dategeoloc"] = strconv.Itoa(geoYear) + "-" + twoDigits(r.intIn(1, 12)) + "-" + twoDigits(r.intIn(1, 28))
	props["sourgeoloc"] = geolocSources[qualxy]
	props["sourattrib"] = "Service des eaux CCMT"
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// devProps returns the properties of an apparaep feature.
func (g *gen) devProps(r rnd, fn string, diam, year int, idcanppale string) map[string]any {
	props := map[string]any{
		"idappareil": g.code("AAEP", iApparAEP),
		"mouvrage":   mouvrage,
		"gexploit":   gexploit,
		"fnappaep":   fn,
		"anfinpose":  int64(year),
		"andebpose":  int64(year),
	}
	if diam > 0 {
		props["diametre"] = int64(diam)
	}
	if idcanppale != "" {
		props["idcanppale"] = idcanppale
	}
	qual := []string{"01", "02", "03"}[r.weighted(40, 40, 20)]
	g.raepaMeta(r, props, qual, "03", qualAnnee(r, year), year)
	return props
}

// waterDevices places valves, air valves, drains, meters, service taps and
// the water works.
func (g *gen) waterDevices(r rnd, houses []house, services []*pipeSeg) {
	n := g.water
	fr := g.w.fr
	// Segment of each line ending at each node, for idcanppale.
	segOf := make(map[int32]*pipeSeg, len(n.nodes))
	k := 0
	for _, l := range n.lines {
		for j := 1; j < len(l.nodes); j++ {
			segOf[l.nodes[j]] = g.pipes[k]
			k++
		}
	}
	device := func(p orb.Point, fn string, seg *pipeSeg, kind string) string {
		props := g.devProps(r, fn, seg.attrs.diametre, seg.attrs.year, seg.idcana)
		props["z"] = round(g.w.ground(p)-seg.attrs.profgen, 2)
		id := g.emit(iApparAEP, fr.lonLat(p), props)
		if kind != "" {
			g.equip = append(g.equip, equipRef{layer: iApparAEP, id: id, at: fr.lonLat(p), kind: kind})
		}
		return id
	}
	// A valve where each branch leaves its parent, and section valves along
	// the trunks.
	for _, l := range n.lines {
		if len(l.nodes) < 2 {
			continue
		}
		first := segOf[l.nodes[1]]
		if l.parent >= 0 {
			device(n.nodes[l.nodes[0]].p, "03", first, "vanne")
		}
		if l.level > 0 {
			continue
		}
		run := 0.0
		every := r.between(400, 600) / g.f
		for j := 1; j < len(l.nodes); j++ {
			a, b := n.nodes[l.nodes[j-1]].p, n.nodes[l.nodes[j]].p
			run += dist(a, b)
			seg := segOf[l.nodes[j]]
			if run >= every {
				device(b, "03", seg, "vanne")
				run, every = 0, r.between(400, 600)/g.f
				continue
			}
			// Air valves at high points, drains at low points, outside the bourg.
			if j+1 < len(l.nodes) && g.bourgDist(b) > 1 {
				za, zb, zc := g.w.ground(a), g.w.ground(b), g.w.ground(n.nodes[l.nodes[j+1]].p)
				switch {
				case zb > za+1 && zb > zc+1:
					device(b, "02", seg, "ventouse")
				case zb < za-1 && zb < zc-1:
					device(b, "04", seg, "vidange")
				}
			}
		}
	}
	// Service taps.
	for i, h := range houses {
		main := g.pipes[h.seg]
		props := g.devProps(r, "01", h.diam, h.year, main.idcana)
		props["idcanaval"] = services[i].idcana
		props["z"] = round(g.w.ground(h.at)-main.attrs.profgen, 2)
		g.emit(iApparAEP, fr.lonLat(h.at), props)
	}
	g.waterWorks(r, segOf, device)
}

// waterWorks places the reservoir, metering chambers and, in Tournus, the
// well field and treatment plant by the Saône.
func (g *gen) waterWorks(r rnd, segOf map[int32]*pipeSeg, device func(orb.Point, string, *pipeSeg, string) string) {
	n := g.water
	fr := g.w.fr
	works := func(p orb.Point, fn, libelle string, seg *pipeSeg, year int) {
		props := map[string]any{
			"idouvrage": g.code("OAEP", iOuvrAEP),
			"mouvrage":  mouvrage,
			"gexploit":  gexploit,
			"fnouvaep":  fn,
			"libelle":   libelle,
			"anfinpose": int64(year),
			"andebpose": int64(year),
			"z":         round(g.w.ground(p), 2),
		}
		if seg != nil {
			props["idcanppale"] = seg.idcana
		}
		g.raepaMeta(r, props, "01", "02", "02", year)
		id := g.emit(iOuvrAEP, fr.lonLat(p), props)
		g.equip = append(g.equip, equipRef{layer: iOuvrAEP, id: id, at: fr.lonLat(p), kind: "ouvrage"})
	}
	// The reservoir stands at the highest trunk end; metering chambers where
	// trunks reach the border and meet the neighbour's network.
	var tips []int32
	for _, l := range n.lines {
		if l.level == 0 && len(l.nodes) > 1 {
			tips = append(tips, l.nodes[len(l.nodes)-1])
		}
	}
	if len(tips) == 0 {
		return
	}
	high := tips[0]
	for _, t := range tips[1:] {
		if g.w.ground(n.nodes[t].p) > g.w.ground(n.nodes[high].p) {
			high = t
		}
	}
	reservoirs := 1
	if g.pop >= 3000 {
		reservoirs = 2
	}
	placed := 0
	for _, t := range append([]int32{high}, tips...) {
		if placed == reservoirs {
			break
		}
		if placed > 0 && t == high {
			continue
		}
		name := "Réservoir " + of(g.c.Name)
		if reservoirs > 1 {
			name += " n°" + strconv.Itoa(placed+1)
		}
		works(n.nodes[t].p, "03", name, segOf[t], r.intIn(1955, 1985))
		g.zres = math.Max(g.zres, g.w.ground(n.nodes[t].p)+25) // a water tower
		device(n.nodes[t].p, "07", segOf[t], "compteur")
		placed++
	}
	for _, l := range n.lines {
		if l.level != 0 || !l.border || len(l.nodes) < 2 || !r.chance(0.6) {
			continue
		}
		t := l.nodes[len(l.nodes)-1]
		if t == high {
			continue
		}
		works(n.nodes[t].p, "04", "Chambre de comptage, "+l.name, segOf[t], r.intIn(1980, 2015))
		device(n.nodes[t].p, "07", segOf[t], "compteur")
	}
	// A pressure reducer where a trunk has dropped far below the reservoir.
	zres := g.w.ground(n.nodes[high].p)
	for _, l := range n.lines {
		if l.level != 0 {
			continue
		}
		for _, m := range l.nodes[1:] {
			if zres-g.w.ground(n.nodes[m].p) > 60 {
				device(n.nodes[m].p, "05", segOf[m], "regulateur")
				break
			}
		}
	}
	// Tournus draws its water from wells in the Saône alluvium.
	if g.pop >= 3000 {
		best, bestD := int32(-1), math.Inf(1)
		for i := range n.nodes {
			if d := g.w.saoneDist(n.nodes[i].p); d < bestD && segOf[int32(i)] != nil {
				best, bestD = int32(i), d
			}
		}
		if best >= 0 {
			p, seg := n.nodes[best].p, segOf[best]
			works(p, "02", "Station de traitement "+of(g.c.Name), seg, 1978)
			device(p, "08", seg, "debitmetre")
			for _, try := range []orb.Point{{60, 0}, {0, 60}, {-60, 0}, {0, -60}} {
				if q := add(p, try); g.terr.fits(p, q, 2) {
					works(q, "05", "Puits de captage "+of(g.c.Name), seg, 1976)
					break
				}
			}
			for _, try := range []orb.Point{{-35, 20}, {35, -20}, {20, 35}} {
				if q := add(p, try); g.terr.fits(p, q, 2) {
					works(q, "01", "Station de pompage "+of(g.c.Name), seg, 1978)
					break
				}
			}
		}
	}
}
