package icgp

// Item codes, shared with the item field of icgp_declarations. The arrêté
// du 2 mai 2007 (annexe I, as amended on 2 December 2013) scores them;
// its VP codes are in the comments.
const (
	ItemPlan             = "plan"              // VP.236 / sewers: plan with pumping stations, overflows, self-monitoring points
	ItemUpdateProcedure  = "procedure_maj"     // VP.237: written update procedure, applied at least yearly
	ItemMaterialDiameter = "materiau_diametre" // VP.238–239: material and diameter known
	ItemLayingDate       = "date_pose"         // VP.240: date or period of laying known
	ItemFittings         = "ouvrages_annexes"  // VP.241 (water): fittings and easements located
	ItemPumps            = "equipements"       // VP.242: pumps and electromechanical equipment, updated yearly
	ItemConnections      = "branchements"      // VP.243 (water): connections located; sewers: connections per tronçon
	ItemMeters           = "compteurs"         // VP.244: meter details per connection
	ItemLeakSearches     = "recherche_fuites"  // VP.245: leak searches, dates, repairs
	ItemInterventions    = "interventions"     // VP.246: other interventions located
	ItemRenewalProgramme = "programme_renouv"  // VP.247: multi-year renewal programme (≥ 3 years, costed)
	ItemModel            = "modelisation"      // VP.248: model of at least half the length
	ItemAltimetry        = "altimetrie"        // sewers: altimetry known
	ItemStructures       = "ouvrages"          // sewers: pumping stations and overflows located and described
	ItemInspection       = "programme_auscult" // sewers: multi-year inspection programme with dates and works
	ItemWorksProgramme   = "programme_travaux" // sewers: multi-year works programme
)

// itemDef is an item of the scale: its code, wording, part, maximum and
// whether the data prove it (computed) or the service declares it.
type itemDef struct {
	code, label string
	part        string
	max         int
	computed    bool
}

// waterItems is the scale of P103.2B, in the arrêté's order.
var waterItems = []itemDef{
	{ItemPlan, "Plan des réseaux avec les ouvrages principaux et les dispositifs généraux de mesure", "A", 10, true},
	{ItemUpdateProcedure, "Procédure de mise à jour du plan, appliquée au moins chaque année", "A", 5, false},
	{ItemMaterialDiameter, "Inventaire : matériau et diamètre connus (10 points à 50\u00a0% du linéaire, puis 1 point par tranche jusqu'à 95\u00a0%)", "B", 15, true},
	{ItemLayingDate, "Inventaire : date ou période de pose connue (même barème)", "B", 15, true},
	{ItemFittings, "Localisation des ouvrages annexes (vannes, ventouses, vidanges, poteaux d'incendie)", "C", 10, true},
	{ItemPumps, "Inventaire des pompes et équipements électromécaniques, mis à jour chaque année", "C", 10, false},
	{ItemConnections, "Localisation des branchements sur le plan", "C", 10, true},
	{ItemMeters, "Caractéristiques des compteurs par branchement (carnet métrologique, date de pose)", "C", 10, false},
	{ItemLeakSearches, "Recherches de pertes d'eau : secteurs, dates, réparations", "C", 10, false},
	{ItemInterventions, "Localisation des autres interventions sur le réseau", "C", 10, true},
	{ItemRenewalProgramme, "Programme pluriannuel de renouvellement (au moins 3 ans, chiffré)", "C", 10, false},
	{ItemModel, "Modélisation des réseaux sur au moins la moitié du linéaire", "C", 5, false},
}

// sewerItems is the scale of P202.2B, in the arrêté's order.
var sewerItems = []itemDef{
	{ItemPlan, "Plan des réseaux avec les postes de relèvement, déversoirs et points d'autosurveillance", "A", 10, true},
	{ItemUpdateProcedure, "Procédure de mise à jour du plan, appliquée au moins chaque année", "A", 5, false},
	{ItemMaterialDiameter, "Inventaire : matériau et diamètre connus (10 points à 50\u00a0% du linéaire, puis 1 point par tranche jusqu'à 95\u00a0%)", "B", 15, true},
	{ItemLayingDate, "Inventaire : date ou période de pose connue (même barème)", "B", 15, true},
	{ItemAltimetry, "Altimétrie des canalisations connue (même barème)", "C", 15, true},
	{ItemStructures, "Localisation et description des ouvrages annexes (postes, déversoirs)", "C", 10, true},
	{ItemPumps, "Inventaire des pompes et équipements électromécaniques, mis à jour chaque année", "C", 10, false},
	{ItemConnections, "Nombre de branchements par tronçon entre deux regards", "C", 10, true},
	{ItemInterventions, "Interventions localisées par tronçon : curage, désobstruction, réhabilitation, renouvellement", "C", 10, true},
	{ItemInspection, "Programme pluriannuel d'enquêtes et d'auscultation, avec dates et travaux qui ont suivi", "C", 10, false},
	{ItemWorksProgramme, "Programme pluriannuel de travaux de réhabilitation et de renouvellement (au moins 3 ans)", "C", 10, false},
}

// Items returns the codes and labels of a service's scale (Water or
// Sewer) in the arrêté's order, with no points: what the checklist shows.
func Items(service string) []Item {
	defs := waterItems
	if service == Sewer {
		defs = sewerItems
	}
	out := make([]Item, len(defs))
	for i, d := range defs {
		out[i] = Item{Code: d.code, Label: d.label, Part: d.part, Max: d.max, Computed: d.computed}
	}
	return out
}

// Declarable returns the codes of the items a service declares (those the
// data cannot prove), in the arrêté's order.
func Declarable(service string) []string {
	var out []string
	for _, it := range Items(service) {
		if !it.Computed {
			out = append(out, it.Code)
		}
	}
	return out
}

// Gates of the arrêté.
const (
	// PlanGate is the plan's points every other point needs.
	PlanGate = 15
	// DescriptifGate is the points of plan and inventory that make a
	// descriptif détaillé des réseaux, and that part C needs.
	DescriptifGate = 40
)

// percentPoints scores a share of the length (0 to 100) on the arrêté's
// scale: 10 points at 50 %, one more at 60, 70, 80 and 90 %, and one more
// at 95 %; nothing below 50 %.
func percentPoints(pct float64) int {
	switch {
	case pct >= 95:
		return 15
	case pct >= 90:
		return 14
	case pct >= 80:
		return 13
	case pct >= 70:
		return 12
	case pct >= 60:
		return 11
	case pct >= 50:
		return 10
	}
	return 0
}

// nextThreshold returns the next share (percent) that earns a point above
// pct, and the points it earns; ok is false at 95 % and above.
func nextThreshold(pct float64) (threshold float64, points int, ok bool) {
	for _, t := range []float64{50, 60, 70, 80, 90, 95} {
		if pct < t {
			return t, percentPoints(t), true
		}
	}
	return 0, 15, false
}

// PlanPoints returns the points of the plan (part A), 0 to 15.
func (s *Score) PlanPoints() int { return partA(s.Items) }

// PlanAndInventoryPoints returns the points of plan and inventory that
// count toward the descriptif détaillé (40): the inventory's count only
// once the plan has its 15, so with 10 points of plan this is 10 whatever
// the inventory knows.
func (s *Score) PlanAndInventoryPoints() int {
	if partA(s.Items) < PlanGate {
		return partA(s.Items)
	}
	return partsAB(s.Items)
}
