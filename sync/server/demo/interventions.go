package demo

import (
	"fmt"
	"strings"
	"time"
)

var agents = []string{
	"J. Martin", "C. Bernard", "L. Dubois", "S. Thomas", "N. Robert", "P. Richard",
	"A. Petit", "M. Durand", "É. Leroy", "F. Moreau",
}

// interventionPlan says what may be done on a kind of equipment, with weights.
type interventionPlan struct {
	types   []string
	weights []float64
	notes   map[string]string
}

var plans = map[string]interventionPlan{
	"conduite":         {[]string{"reparation", "remplacement", "controle"}, []float64{50, 20, 30}, map[string]string{"reparation": "Fuite sur conduite, réparation par collier", "remplacement": "Renouvellement du tronçon", "controle": "Recherche de fuite (écoute)"}},
	"vanne":            {[]string{"entretien", "controle", "remplacement"}, []float64{50, 35, 15}, map[string]string{"entretien": "Manœuvre et graissage de la vanne", "controle": "Vérification de l'étanchéité de la bouche à clé", "remplacement": "Remplacement de la vanne"}},
	"ventouse":         {[]string{"entretien", "controle"}, []float64{60, 40}, map[string]string{"entretien": "Nettoyage du flotteur", "controle": "Contrôle de fonctionnement"}},
	"vidange":          {[]string{"entretien", "controle"}, []float64{60, 40}, map[string]string{"entretien": "Purge du réseau", "controle": "Contrôle de la chambre"}},
	"compteur":         {[]string{"controle", "remplacement"}, []float64{70, 30}, map[string]string{"controle": "Relève et contrôle du compteur de sectorisation", "remplacement": "Remplacement du compteur"}},
	"regulateur":       {[]string{"entretien", "controle"}, []float64{50, 50}, map[string]string{"entretien": "Révision du régulateur", "controle": "Contrôle des pressions amont et aval"}},
	"debitmetre":       {[]string{"controle"}, []float64{1}, map[string]string{"controle": "Étalonnage du débitmètre"}},
	"ouvrage":          {[]string{"entretien", "controle"}, []float64{50, 50}, map[string]string{"entretien": "Nettoyage et désinfection", "controle": "Visite de l'ouvrage"}},
	"collecteur":       {[]string{"curage", "controle", "reparation"}, []float64{50, 35, 15}, map[string]string{"curage": "Curage hydrodynamique du collecteur", "controle": "Inspection télévisée", "reparation": "Reprise d'un joint par l'intérieur"}},
	"regard":           {[]string{"curage", "reparation", "controle"}, []float64{45, 30, 25}, map[string]string{"curage": "Curage du regard", "reparation": "Remise à niveau du tampon", "controle": "Contrôle de l'état du regard"}},
	"ouvrage_ass":      {[]string{"entretien", "controle", "curage"}, []float64{40, 40, 20}, map[string]string{"entretien": "Entretien des pompes", "controle": "Visite réglementaire", "curage": "Pompage des graisses"}},
	"appareil_ass":     {[]string{"entretien", "controle"}, []float64{50, 50}, map[string]string{"entretien": "Manœuvre de la vanne", "controle": "Contrôle de fonctionnement"}},
	"pei":              {[]string{"controle", "entretien", "reparation"}, []float64{60, 25, 15}, map[string]string{"controle": "Contrôle technique : mesure débit et pression", "entretien": "Peinture et graissage", "reparation": "Remplacement d'un bouchon de prise"}},
	"pei_ct":           {[]string{"controle"}, []float64{1}, map[string]string{"controle": "Contrôle technique en retard (plus de 2 ans)"}},
	"pei_indisponible": {[]string{"reparation"}, []float64{1}, map[string]string{"reparation": "PEI indisponible : débit insuffisant, recherche de la cause"}},
	"batiment":         {[]string{"entretien", "controle", "reparation"}, []float64{40, 40, 20}, map[string]string{"entretien": "Entretien de la chaudière", "controle": "Vérification des extincteurs", "reparation": "Reprise de la toiture"}},
}

// lampPlan is the plan for street lights, by state.
func lampPlan(kind string) interventionPlan {
	switch kind {
	case "lampe_hors_service", "lampe_mauvais":
		return interventionPlan{[]string{"reparation", "remplacement"}, []float64{50, 50}, map[string]string{"reparation": "Point lumineux éteint, remplacement de l'ampoule", "remplacement": "Remplacement de la lanterne par une LED"}}
	}
	return interventionPlan{[]string{"entretien", "controle", "pose"}, []float64{50, 40, 10}, map[string]string{"entretien": "Nettoyage de la vasque", "controle": "Tournée de contrôle nocturne", "pose": "Pose d'un variateur de puissance"}}
}

// interventions logs a handful of interventions per commune on its
// equipment: done in the past year, in progress, and planned this week and
// the next ones. Hydrants out of order and overdue checks come first.
func (g *gen) interventions() {
	if len(g.equip) == 0 {
		return
	}
	r := newRnd(g.c.INSEE, streamInterventions)
	total := max(2, int(float64(3+g.pop/400)*g.opts.Scale+0.5))
	var chosen []int
	// Urgent ones first: hydrants out of order or overdue.
	for i, e := range g.equip {
		if len(chosen) >= total/2 {
			break
		}
		if e.kind == "pei_indisponible" || (e.kind == "pei_ct" && r.chance(0.5)) {
			chosen = append(chosen, i)
		}
	}
	for len(chosen) < total {
		chosen = append(chosen, r.IntN(len(g.equip)))
	}
	// Days until the end of this week (Sunday).
	wd := int(g.today.Weekday())
	toSunday := (7 - wd) % 7
	for _, i := range chosen {
		e := g.equip[i]
		plan, ok := plans[e.kind]
		if strings.HasPrefix(e.kind, "lampe_") {
			plan, ok = lampPlan(e.kind), true
		}
		if !ok {
			plan = plans["ouvrage"]
		}
		typ := plan.types[r.weighted(plan.weights...)]
		var statut string
		var day time.Time
		switch {
		case e.kind == "pei_indisponible":
			statut = []string{"en_cours", "planifiee"}[r.IntN(2)]
		case e.kind == "pei_ct":
			statut = "planifiee"
		default:
			statut = []string{"terminee", "en_cours", "planifiee"}[r.weighted(60, 10, 30)]
		}
		switch statut {
		case "terminee":
			day = g.today.AddDate(0, 0, -r.intIn(1, 365))
		case "en_cours":
			day = g.today.AddDate(0, 0, -r.intIn(0, 3))
		default:
			if r.chance(0.6) {
				day = g.today.AddDate(0, 0, r.intIn(0, toSunday))
			} else {
				day = g.today.AddDate(0, 0, toSunday+r.intIn(1, 35))
			}
		}
		notes := plan.notes[typ]
		if statut == "terminee" && r.chance(0.4) {
			notes += fmt.Sprintf(". Durée : %d h", r.intIn(1, 6))
		}
		props := map[string]any{
			"equipement_uuid":   e.id,
			"equipement_couche": communeLayers[e.layer],
			"date":              day.Format(dateLayout),
			"type":              typ,
			"statut":            statut,
			"agent":             pick(r, agents),
			"notes":             notes,
		}
		g.emit(iInterventions, e.at, props)
	}
	g.renewalLog()
}
