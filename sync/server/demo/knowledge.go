package demo

import (
	"strconv"
	"time"
)

// No real service knows every pipe's material and date: records of pipes
// laid before the service kept plans are thin. The demo gives each
// commune's networks such gaps, at rates drawn from the commune's seed:
// material or diameter unknown on 5–15 % of the mains' length, the laying
// date or period unknown on 20–40 %, and the sewers' altimetry unknown on
// 10–45 %. The gaps fall on old pipes first (material before 1990, dates
// before 1995), as they do in the field; recent pipes are known.

// Ranges of the shares of length left unknown.
const (
	gapMaterialMin, gapMaterialMax   = 0.05, 0.15
	gapDateMin, gapDateMax           = 0.20, 0.40
	gapAltimetryMin, gapAltimetryMax = 0.10, 0.45
	gapMaterialBefore                = 1990
	gapDateBefore                    = 1995
)

// gapPipe is what the gaps are drawn from: a pipe's length and year.
type gapPipe struct {
	length float64
	year   int
}

// gapDraw decides, pipe after pipe, which ones lack a piece of
// information so that the unknown share of the length stays close to its
// target: each eligible pipe is drawn with the probability that meets the
// target on the eligible length, nudged by how far the pipes drawn so far
// are from it.
type gapDraw struct {
	p        float64 // probability for an eligible pipe
	before   int     // eligible: laid before that year (0: every pipe)
	expected float64 // length that should be unknown so far
	actual   float64 // length unknown so far
}

func newGapDraw(pipes []gapPipe, share float64, before int) *gapDraw {
	total, eligible := 0.0, 0.0
	for _, p := range pipes {
		total += p.length
		if before == 0 || p.year < before {
			eligible += p.length
		}
	}
	d := &gapDraw{before: before}
	switch {
	case eligible <= 0:
	case share*total >= eligible:
		d.p = 1
	default:
		d.p = share * total / eligible
	}
	return d
}

// lacks draws whether a pipe of that length and year lacks the information.
func (d *gapDraw) lacks(r rnd, length float64, year int) bool {
	if d.before != 0 && year >= d.before || length <= 0 {
		return false
	}
	d.expected += d.p * length
	p := d.p + 0.5*(d.expected-d.actual)/length - 0.5*d.p
	lack := r.chance(max(0, min(1, p)))
	if lack {
		d.actual += length
	}
	return lack
}

// knowledgeGaps are the gaps of one commune's network of pipes.
type knowledgeGaps struct {
	r                         rnd
	material, date, altimetry *gapDraw
}

// newGaps prepares the gaps of a network of pipes; stream tells water
// from sewers, so that each has its own draws.
func (g *gen) newGaps(pipes []gapPipe, stream uint64) *knowledgeGaps {
	rates := newRnd(g.c.INSEE, streamGaps)
	mat := rates.between(gapMaterialMin, gapMaterialMax)
	date := rates.between(gapDateMin, gapDateMax)
	alt := rates.between(gapAltimetryMin, gapAltimetryMax)
	if stream == streamSewer { // the sewers' records are not the water's
		mat = rates.between(gapMaterialMin, gapMaterialMax)
		date = rates.between(gapDateMin, gapDateMax)
	}
	return &knowledgeGaps{
		r:         newRnd(g.c.INSEE, streamGaps+stream),
		material:  newGapDraw(pipes, mat, gapMaterialBefore),
		date:      newGapDraw(pipes, date, gapDateBefore),
		altimetry: newGapDraw(pipes, alt, 0),
	}
}

// apply removes from a main's properties what its records lack: material
// (coded 00) or diameter or both, the laying period, and for a sewer
// (sewer true) the invert altitudes at either end or both.
func (k *knowledgeGaps) apply(props map[string]any, length float64, year int, sewer bool) {
	if k.material.lacks(k.r, length, year) {
		switch k.r.weighted(55, 25, 20) {
		case 0:
			props["materiau"] = "00"
		case 1:
			delete(props, "diametre")
		default:
			props["materiau"] = "00"
			delete(props, "diametre")
		}
	}
	if k.date.lacks(k.r, length, year) {
		delete(props, "andebpose")
		delete(props, "anfinpose")
		props["qualannee"] = "00"
	}
	if sewer && k.altimetry.lacks(k.r, length, year) {
		switch k.r.weighted(50, 25, 25) {
		case 0:
			delete(props, "zamont")
			delete(props, "zaval")
		case 1:
			delete(props, "zamont")
		default:
			delete(props, "zaval")
		}
	}
}

// renewedIn returns the year a pipe laid in year was renewed when that is
// in the five years up to today's (six calendar years: an RPQS of last
// year or of this one finds its five), or 0.
func (g *gen) renewedIn(year int) int {
	if y := g.today.Year(); year >= y-5 && year <= y {
		return year
	}
	return 0
}

// renewalLog writes, after the other interventions, one finished
// intervention for each main renewed in the five years before today's
// (remplacement, dated in the year it was laid) and for the old sewers
// rehabilitated meanwhile (rehabilitation: lined, so their year of laying
// stays).
func (g *gen) renewalLog() {
	r := newRnd(g.c.INSEE, streamGaps+streamInterventions)
	notes := map[string]string{
		"remplacement":   "Renouvellement du tronçon",
		"rehabilitation": "Réhabilitation par chemisage continu",
	}
	for _, e := range g.equip {
		if e.kind != "conduite" && e.kind != "collecteur" {
			continue
		}
		typ, year := "remplacement", g.renewedIn(e.year)
		if year == 0 && e.kind == "collecteur" && e.year < 1980 && r.chance(0.02) {
			typ, year = "rehabilitation", g.today.Year()-r.intIn(0, 4)
		}
		if year == 0 {
			continue
		}
		day := time.Date(year, time.Month(r.intIn(3, 11)), r.intIn(1, 28), 0, 0, 0, 0, time.UTC)
		if !day.Before(g.today) { // works of this year: done before today
			day = g.today.AddDate(0, 0, -r.intIn(1, max(1, g.today.YearDay()-1)))
		}
		g.emit(iInterventions, e.at, map[string]any{
			"equipement_uuid":   e.id,
			"equipement_couche": communeLayers[e.layer],
			"date":              day.Format(dateLayout),
			"type":              typ,
			"statut":            "terminee",
			"agent":             pick(r, agents),
			"notes":             notes[typ] + " — programme de travaux " + strconv.Itoa(year),
		})
	}
}

// streamGaps seeds the draws of the gaps and of the renewals' log, apart
// from the streams of rand.go.
const streamGaps uint64 = 300
