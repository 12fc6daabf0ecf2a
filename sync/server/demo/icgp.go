package demo

import (
	"terrimap/store/schema"
)

// LayerICGPDeclarations holds what a commune's services declare of the
// ICGP's checklist (package icgp): the items the data cannot prove, such
// as the plan's update procedure or a renewal programme. Each row is one
// declaration at the commune's interior point (so that the territory rule
// lets the commune's editors write theirs); the newest of an item wins.
const LayerICGPDeclarations = "icgp_declarations"

// Code lists of icgp_declarations: the two services, and the items of the
// arrêté du 2 mai 2007 (annexe I) as package icgp codes them.
var (
	servicesICGP = []schema.CodedValue{
		{Code: "eau", Label: "Eau potable"},
		{Code: "assainissement", Label: "Assainissement collectif"},
	}
	itemsICGP = []schema.CodedValue{
		{Code: "plan", Label: "Plan des réseaux"},
		{Code: "procedure_maj", Label: "Procédure de mise à jour du plan"},
		{Code: "materiau_diametre", Label: "Matériau et diamètre"},
		{Code: "date_pose", Label: "Date ou période de pose"},
		{Code: "altimetrie", Label: "Altimétrie"},
		{Code: "ouvrages_annexes", Label: "Localisation des ouvrages annexes"},
		{Code: "ouvrages", Label: "Postes et déversoirs localisés et décrits"},
		{Code: "equipements", Label: "Inventaire des pompes et équipements électromécaniques"},
		{Code: "branchements", Label: "Branchements"},
		{Code: "compteurs", Label: "Caractéristiques des compteurs"},
		{Code: "recherche_fuites", Label: "Recherches de pertes d'eau"},
		{Code: "interventions", Label: "Interventions localisées"},
		{Code: "programme_renouv", Label: "Programme pluriannuel de renouvellement"},
		{Code: "modelisation", Label: "Modélisation des réseaux"},
		{Code: "programme_auscult", Label: "Programme pluriannuel d'enquêtes et d'auscultation"},
		{Code: "programme_travaux", Label: "Programme pluriannuel de travaux"},
	}
)

// icgpLayers is the layer of the ICGP's declared checklist.
func icgpLayers() []schema.Layer {
	return []schema.Layer{{
		Name:  LayerICGPDeclarations,
		Title: "Déclarations ICGP",
		Description: "Ce que chaque commune déclare de l'indice de connaissance et de gestion patrimoniale des réseaux " +
			"(arrêté du 2 mai 2007, annexe I) : les éléments que les données ne prouvent pas. La déclaration la plus récente d'un élément l'emporte.",
		GeometryType: schema.Point,
		Fields: []schema.Field{
			required(textField("insee", "Code INSEE")),
			required(codedField("service", "Service", servicesICGP)),
			required(codedField("item", "Élément", itemsICGP)),
			described(withDefault(required(schema.Field{Name: "valeur", Title: "Acquis", Type: schema.Boolean}), true),
				"Vrai quand l'élément est acquis ; faux retire une déclaration antérieure."),
			described(intField("annee", "Exercice"), "Année du rapport annuel (RPQS) à partir de laquelle la déclaration vaut."),
			textField("declare_par", "Déclaré par"),
			required(dateField("declare_le", "Déclaré le")),
			textField("commentaire", "Commentaire"),
		},
	}}
}

// icgpDeclarations returns the demo's declarations: each commune has
// declared some of its checklist in the past two years, drawn from its
// seed (Tournus has declared its plan's update procedure for both
// services, so that its score shows a service past the 40-point gate).
// The points are the communes' interior points.
func icgpDeclarations(w *world, opts GenerateOptions) []Feature {
	type chance struct {
		service, item string
		p             float64
	}
	odds := []chance{
		{"eau", "procedure_maj", 0.7}, {"eau", "equipements", 0.5}, {"eau", "compteurs", 0.4},
		{"eau", "recherche_fuites", 0.3}, {"eau", "programme_renouv", 0.25}, {"eau", "modelisation", 0.1},
		{"assainissement", "procedure_maj", 0.6}, {"assainissement", "equipements", 0.5},
		{"assainissement", "programme_auscult", 0.3}, {"assainissement", "programme_travaux", 0.25},
	}
	var out []Feature
	for _, c := range w.communes {
		r := newRnd(c.INSEE, streamGaps+streamDeclarations)
		n := 0
		for _, o := range odds {
			if o.service == "assainissement" && !hasSewers(c.Population) {
				continue
			}
			forced := c.INSEE == "71543" && o.item == "procedure_maj"
			if !r.chance(o.p) && !forced {
				continue
			}
			day := opts.Today.AddDate(0, 0, -r.intIn(20, 700))
			out = append(out, Feature{
				ID:       featureID(opts.Scale, LayerICGPDeclarations, c.INSEE, n),
				Geometry: c.Centre,
				Properties: map[string]any{
					"insee":       c.INSEE,
					"service":     o.service,
					"item":        o.item,
					"valeur":      true,
					"annee":       int64(day.Year()),
					"declare_par": pick(r, agents),
					"declare_le":  day.Format(dateLayout),
				},
			})
			n++
		}
	}
	return out
}

// streamDeclarations seeds the demo's declarations.
const streamDeclarations uint64 = 50
