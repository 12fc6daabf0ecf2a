package demo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// lineSegments returns, for each water line, the index in g.pipes of its
// first segment.
func (g *gen) lineSegments() []int {
	out := make([]int, len(g.water.lines))
	k := 0
	for li, l := range g.water.lines {
		out[li] = k
		k += max(0, len(l.nodes)-1)
	}
	return out
}

// walkLine calls place at every spacing metres along water line li, where
// spacing(p) is drawn afresh after each place and returning 0 means "not
// here": the walk then skips to the next segment.
func (g *gen) walkLine(li int, first int, spacing func(p orb.Point) float64, place func(p orb.Point, seg *pipeSeg)) {
	l := g.water.lines[li]
	pos, next := 0.0, -1.0
	for j := 1; j < len(l.nodes); j++ {
		seg := g.pipes[first+j-1]
		segLen := dist(seg.a, seg.b)
		if next < 0 {
			sp := spacing(seg.a)
			if sp == 0 {
				pos += segLen
				continue
			}
			next = pos + sp/2
		}
		for next <= pos+segLen {
			p := lerp(seg.a, seg.b, (next-pos)/segLen)
			place(p, seg)
			sp := spacing(p)
			if sp == 0 {
				next = -1
				break
			}
			next += sp
		}
		pos += segLen
	}
}

// hydrants places fire hydrants on the water mains: every 150–200 m in the
// bourg, every 400–700 m along the trunks outside, on mains of DN 80 or
// more; suction points on the Saône and tanks in the hamlets.
func (g *gen) hydrants() {
	r := newRnd(g.c.INSEE, streamPEI)
	first := g.lineSegments()
	num := 0
	zres := g.zres
	for li, l := range g.water.lines {
		if l.level > 2 || l.attrs.diametre < 75 {
			continue
		}
		g.walkLine(li, first[li], func(p orb.Point) float64 {
			switch {
			case g.bourgDist(p) < 1:
				return r.between(150, 200) / g.f
			case l.level == 0:
				return r.between(400, 700) / g.f
			}
			return 0
		}, func(p orb.Point, seg *pipeSeg) {
			num++
			g.hydrant(r, p, seg, num, zres, l.name)
		})
	}
	// A suction point where the Saône crosses the commune.
	w := g.w
	for k := 0; k+1 < len(w.saone); k++ {
		a, b := w.saone[k], w.saone[k+1]
		steps := int(dist(a, b) / 200)
		found := false
		for i := 1; i < steps && !found; i++ {
			p := lerp(a, b, float64(i)/float64(steps))
			if g.terr.contains(p) && g.terr.borderDist(p) > 30 && r.chance(0.25) {
				num++
				g.tankOrSuction(r, p, num, "PA")
				found = true
			}
		}
		if found {
			break
		}
	}
	// Tanks where the network is thin.
	if g.pop < 400 {
		for _, h := range g.hamlets {
			if g.terr.contains(h) && r.chance(0.6) {
				num++
				g.tankOrSuction(r, h, num, "CI")
			}
		}
	}
}

func (g *gen) peiBase(r rnd, num int, typ string) map[string]any {
	mes := g.today.AddDate(-r.intIn(3, 60), 0, -r.intIn(0, 364))
	props := map[string]any{
		"insee":      g.c.INSEE,
		"id_sdis":    fmt.Sprintf("%s.%05d", g.c.INSEE, num),
		"id_gestion": fmt.Sprintf("PEI-%s-%03d", g.c.INSEE, num),
		"nom_gest":   gexploit,
		"ref_terr":   strconv.Itoa(num),
		"type_pei":   typ,
		"statut":     "public",
		"date_mes":   mes.Format(dateLayout),
		"date_maj":   g.daysAgo(r.intIn(10, 400)),
		"prec":       []string{"01", "05", "10"}[r.weighted(70, 25, 5)],
		"disponible": true,
	}
	// Technical checks every two years; a few are overdue.
	switch {
	case r.chance(0.08):
		props["date_ct"] = g.daysAgo(r.intIn(731, 1500))
	default:
		props["date_ct"] = g.daysAgo(r.intIn(5, 700))
	}
	props["date_ro"] = g.daysAgo(r.intIn(30, 1000))
	return props
}

const dateLayout = "2006-01-02"

func (g *gen) hydrant(r rnd, p orb.Point, seg *pipeSeg, num int, zres float64, street string) {
	typ := "PI"
	if g.pop >= 3000 && g.bourgDist(p) < 0.5 && r.chance(0.3) {
		typ = "BI"
	}
	props := g.peiBase(r, num, typ)
	diam := seg.attrs.diametre
	dpei := 100.0
	switch {
	case typ == "PI" && diam >= 150 && r.chance(0.5):
		dpei = 150
	case typ == "PI" && diam < 100:
		dpei = 80
	}
	var debit float64
	switch {
	case diam < 100:
		debit = r.between(30, 60)
	case diam < 150:
		debit = r.between(50, 95)
	default:
		debit = r.between(75, 120)
	}
	zg := g.w.ground(p)
	stat := 4.5
	if zres > 0 {
		stat = (zres - zg) / 10.2
	}
	stat = math.Max(1.8, math.Min(9, stat+r.between(-0.4, 0.4)))
	dyn := math.Max(1, stat-r.between(0.6, 2.2))
	rd := "Poteau incendie " + strconv.Itoa(int(dpei)) + " mm"
	if typ == "BI" {
		rd = "Bouche incendie 100 mm"
	}
	props["type_rd"] = rd
	props["diam_pei"] = dpei
	props["diam_cana"] = float64(diam)
	props["source_pei"] = "reseau_aep"
	props["situation"] = street
	props["press_stat"] = round(stat, 1)
	props["press_dyn"] = round(dyn, 1)
	props["debit"] = round(debit, 0)
	if r.chance(0.04) {
		props["statut"] = "prive"
		props["nom_etab"] = pick(r, []string{"Cave coopérative", "EHPAD", "Zone artisanale", "Domaine viticole", "Camping municipal"})
	}
	if r.chance(0.05) {
		props["disponible"] = false
		props["date_dispo"] = g.daysAgo(r.intIn(3, 120))
		props["debit"] = round(r.between(8, 28), 0)
	}
	id := g.emit(iPEI, g.w.fr.lonLat(p), props)
	g.equip = append(g.equip, equipRef{layer: iPEI, id: id, at: g.w.fr.lonLat(p), kind: g.peiKind(props)})
}

// peiKind sorts hydrants for interventions: out of order, check overdue, or fine.
func (g *gen) peiKind(props map[string]any) string {
	if props["disponible"] == false {
		return "pei_indisponible"
	}
	if ct, _ := props["date_ct"].(string); ct < g.today.AddDate(-2, 0, 0).Format(dateLayout) {
		return "pei_ct"
	}
	return "pei"
}

func (g *gen) tankOrSuction(r rnd, p orb.Point, num int, typ string) {
	props := g.peiBase(r, num, typ)
	switch typ {
	case "PA":
		props["type_rd"] = "Point d'aspiration aménagé"
		props["source_pei"] = "cours_eau"
		props["situation"] = "Berge de la Saône"
		props["debit"] = 120.0
	default:
		vol := pick(r, []float64{60, 120})
		props["type_rd"] = "Citerne enterrée " + strconv.Itoa(int(vol)) + " m³"
		props["source_pei"] = "citerne"
		props["volume"] = vol
		props["situation"] = "Hameau"
	}
	id := g.emit(iPEI, g.w.fr.lonLat(p), props)
	g.equip = append(g.equip, equipRef{layer: iPEI, id: id, at: g.w.fr.lonLat(p), kind: g.peiKind(props)})
}

// lights places street lights every 30–40 m along the streets of the bourg
// and the hamlets, a few metres to one side of the main.
func (g *gen) lights() {
	r := newRnd(g.c.INSEE, streamLights)
	first := g.lineSegments()
	num := 0
	for li, l := range g.water.lines {
		side := 5.0
		if r.chance(0.5) {
			side = -5
		}
		g.walkLine(li, first[li], func(p orb.Point) float64 {
			if g.bourgDist(p) < 1 {
				return r.between(30, 40) / g.f
			}
			return 0
		}, func(p orb.Point, seg *pipeSeg) {
			q := add(p, mul(perp(seg.a, seg.b), side))
			if !g.terr.contains(q) {
				return
			}
			num++
			typ := []string{"led", "sodium_hp", "iodures", "mercure"}[r.weighted(45, 40, 10, 5)]
			var watts int
			var from, to int
			switch typ {
			case "led":
				watts, from, to = pick(r, []int{20, 30, 40, 60}), 2014, g.today.Year()
			case "sodium_hp":
				watts, from, to = pick(r, []int{70, 100, 150}), 1985, 2012
			case "iodures":
				watts, from, to = pick(r, []int{70, 150}), 1998, 2015
			default:
				watts, from, to = 125, 1972, 1990
			}
			h := r.between(4, 7)
			if l.level == 0 {
				h = r.between(8, 10)
			}
			etat := []string{"bon", "moyen", "mauvais", "hors_service"}[r.weighted(70, 20, 7, 3)]
			if typ == "mercure" {
				etat = []string{"moyen", "mauvais", "hors_service"}[r.weighted(30, 50, 20)]
			}
			sector := int(math.Floor((heading(g.centre, q)+math.Pi)/(math.Pi/4))) % 8
			posed := g.today.AddDate(-(g.today.Year() - r.intIn(from, to)), 0, -r.intIn(0, 364))
			props := map[string]any{
				"numero":     fmt.Sprintf("EP-%s-%04d", g.c.INSEE, num),
				"voie":       l.name,
				"type_lampe": typ,
				"puissance":  int64(watts),
				"hauteur":    math.Round(h*2) / 2,
				"date_pose":  posed.Format(dateLayout),
				"etat":       etat,
				"armoire":    fmt.Sprintf("AR-%s-%02d", g.c.INSEE, sector+1),
			}
			id := g.emit(iEclairage, g.w.fr.lonLat(q), props)
			g.equip = append(g.equip, equipRef{layer: iEclairage, id: id, at: g.w.fr.lonLat(q), kind: "lampe_" + etat})
		})
	}
}
