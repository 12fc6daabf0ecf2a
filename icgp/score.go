package icgp

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"terrimap/internal/paper"
)

// scoreFacts is what the data and the declarations say, for both services.
type scoreFacts struct {
	insee    string
	communes []string
	names    map[string]string // INSEE code → name
	decl     map[declKey]Declaration
	iv       *interventionFacts
	// Point layers by the code of their function.
	apparaep, ouvraep, pei, ouvrass, ouvrassNamed map[string]int
}

// score builds the Score of a service from its network.
func (f *scoreFacts) score(service string, n *network) *Score {
	s := &Score{Service: service, Indicator: "P103.2B", Length: n.length, LocationClassPercent: percent(n.located, n.length)}
	if service == Sewer {
		s.Indicator = "P202.2B"
	}
	s.Items = Items(service)
	waiting := map[string][]string{} // item → communes that have not declared it
	for i := range s.Items {
		it := &s.Items[i]
		if it.Computed {
			f.compute(service, n, it)
		} else {
			if missing := f.declared(service, n, it); len(missing) > 0 {
				waiting[it.Code] = missing
			}
		}
	}
	s.Total = total(s.Items)
	s.DescriptifDetaille = s.PlanAndInventoryPoints() >= DescriptifGate
	s.Blockers = blockers(s.Items, n, waiting)
	return s
}

// partA and partsAB sum the points of the plan, and of plan and inventory.
func partA(items []Item) int {
	sum := 0
	for _, it := range items {
		if it.Part == "A" {
			sum += it.Points
		}
	}
	return sum
}

func partsAB(items []Item) int {
	sum := 0
	for _, it := range items {
		if it.Part == "A" || it.Part == "B" {
			sum += it.Points
		}
	}
	return sum
}

// total applies the gates: it marks the items that do not count and sums
// the others. The inventory counts only with the plan's 15 points; part C
// only when plan and inventory reach 40.
func total(items []Item) int {
	a, ab := partA(items), partsAB(items)
	sum := 0
	for i := range items {
		it := &items[i]
		switch it.Part {
		case "B":
			it.Gated = a < PlanGate
		case "C":
			it.Gated = a < PlanGate || ab < DescriptifGate
		default:
			it.Gated = false
		}
		if !it.Gated {
			sum += it.Points
		}
	}
	return sum
}

// compute scores an item the data prove.
func (f *scoreFacts) compute(service string, n *network, it *Item) {
	all := func(ok bool) {
		if ok {
			it.Points = it.Max
		}
	}
	// measured scores the share of the length whose information is known.
	measured := func(known float64) {
		it.Measured = true
		it.Percent = percent(known, n.length)
		it.Points = percentPoints(it.Percent)
		it.Detail = fmt.Sprintf("%s sur %s", km(known), km(n.length))
	}
	switch it.Code {
	case ItemPlan:
		works := 0
		if service == Water {
			for _, k := range f.ouvraep {
				works += k
			}
			it.Detail = fmt.Sprintf("%s de réseau, %s", km(n.length), paper.Plural(works, "ouvrage localisé", "ouvrages localisés"))
		} else {
			for code, k := range f.ouvrass {
				if code != "06" && code != "07" { // manholes and gullies are not the main structures
					works += k
				}
			}
			it.Detail = fmt.Sprintf("%s de réseau, %s (postes, déversoirs, station, rejets)", km(n.length), paper.Plural(works, "ouvrage localisé", "ouvrages localisés"))
		}
		all(n.length > 0 && works > 0)
	case ItemMaterialDiameter:
		measured(n.matDiam)
	case ItemLayingDate:
		measured(n.dated)
	case ItemAltimetry:
		measured(n.altimetry)
	case ItemFittings:
		valves, air, drains := f.apparaep["03"], f.apparaep["02"], f.apparaep["04"]
		hydrants := 0
		for _, k := range f.pei {
			hydrants += k
		}
		it.Detail = fittingsDetail(valves, air, drains, hydrants)
		all(valves > 0)
	case ItemStructures:
		located, named := 0, 0
		for _, code := range []string{"01", "04"} {
			located += f.ouvrass[code]
			named += f.ouvrassNamed[code]
		}
		it.Detail = fmt.Sprintf("%s, dont %s", paper.Plural(located, "poste ou déversoir localisé", "postes ou déversoirs localisés"), paper.Plural(named, "décrit", "décrits"))
		all(located > 0 && named == located)
	case ItemConnections:
		if service == Water {
			it.Detail = paper.Plural(n.connections, "branchement localisé", "branchements localisés")
			all(n.connections > 0)
			break
		}
		it.Measured = true
		it.Percent = percent(n.withConnections, n.length)
		it.Detail = fmt.Sprintf("nombre de branchements connu sur %s de %s", km(n.withConnections), km(n.length))
		all(n.length > 0 && len(n.lackConnections) == 0)
	case ItemInterventions:
		if service == Water {
			k := f.iv.located[layerCanalAEP] + f.iv.located[layerApparAEP] + f.iv.located[layerOuvrAEP]
			it.Detail = paper.Plural(k, "intervention terminée localisée", "interventions terminées localisées")
			all(k > 0)
			break
		}
		var parts []string
		k := 0
		for _, typ := range []struct{ code, label string }{
			{"curage", "curage"}, {"reparation", "réparation"}, {"remplacement", "renouvellement"}, {"rehabilitation", "réhabilitation"},
		} {
			k += f.iv.sewerByType[typ.code]
			if f.iv.sewerByType[typ.code] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", typ.label, f.iv.sewerByType[typ.code]))
			}
		}
		it.Detail = paper.Plural(k, "intervention localisée sur un tronçon", "interventions localisées sur les tronçons")
		if len(parts) > 0 {
			it.Detail += " (" + strings.Join(parts, ", ") + ")"
		}
		all(k > 0)
	}
}

// declared scores an item from the declarations: a commune's newest; for
// the whole intercommunality, every commune with that network must have
// declared it (who and when are those of the oldest declaration). It
// returns the names of the communes that have not, for the whole
// intercommunality.
func (f *scoreFacts) declared(service string, n *network, it *Item) (missing []string) {
	communes := []string{f.insee}
	if f.insee == "" {
		communes = communes[:0]
		for _, c := range f.communes {
			if n.byCommune[c] > 0 {
				communes = append(communes, c)
			}
		}
	}
	if len(communes) == 0 {
		it.Detail = "aucune commune n'a ce réseau"
		return nil
	}
	yes := 0
	for _, c := range communes {
		d, ok := f.decl[declKey{c, service, it.Code}]
		if !ok || !d.Value {
			if f.insee == "" {
				missing = append(missing, cmp.Or(f.names[c], c))
			}
			continue
		}
		yes++
		if it.DeclaredOn.IsZero() || d.On.Before(it.DeclaredOn) {
			it.DeclaredBy, it.DeclaredOn = d.By, d.On
		}
	}
	if yes == len(communes) {
		it.Points = it.Max
	}
	// By name, as a reader looks for his commune.
	collate.New(language.French, collate.Loose).SortStrings(missing)
	switch {
	case f.insee != "":
		if yes == 0 {
			it.Detail = "non déclaré"
		} else {
			it.Detail = "déclaré"
		}
	default:
		it.Detail = fmt.Sprintf("déclaré par %d communes sur %d", yes, len(communes))
		if yes < len(communes) {
			it.DeclaredBy, it.DeclaredOn = "", time.Time{}
		}
	}
	return missing
}

// km writes a length in kilometres the French way: «8,2 km».
func km(metres float64) string { return paper.Kilometres(metres) }

// blockers lists what would gain points next, the largest gain first.
func blockers(items []Item, n *network, waiting map[string][]string) []Blocker {
	base := total(slices.Clone(items))
	gain := func(i, points int) int {
		try := slices.Clone(items)
		try[i].Points = points
		return total(try) - base
	}
	var out []Blocker
	for i, it := range items {
		if it.Points >= it.Max {
			continue
		}
		var b Blocker
		b.Item = it.Code
		switch it.Code {
		case ItemMaterialDiameter, ItemLayingDate, ItemAltimetry:
			known := n.length * it.Percent / 100
			threshold, points, ok := nextThreshold(it.Percent)
			if !ok {
				continue
			}
			// The length that brings the share to the threshold, to the
			// metre above.
			b.MissingLength = math.Max(0, math.Ceil(n.length*threshold/100-known-1e-6))
			b.Gain = gain(i, points)
			b.Message = fmt.Sprintf("+%s avec %s → %d points", kmUp(b.MissingLength), lackWords[it.Code], points)
			b.Features = sortedLacks(lacksOf(n, it.Code))
		case ItemConnections:
			if len(n.lackConnections) > 0 {
				missing := 0.0
				for _, l := range n.lackConnections {
					missing += l.Length
				}
				b.MissingLength = missing
				// Every tronçon lacking it is needed: their whole length,
				// not rounded up (it would exceed the network's).
				b.Message = fmt.Sprintf("+%s avec le nombre de branchements → %d points", km(missing), it.Max)
				b.Features = sortedLacks(n.lackConnections)
			} else {
				b.Message = fmt.Sprintf("Localiser les branchements → %d points", it.Max)
			}
			b.Gain = gain(i, it.Max)
		default:
			verb := "Déclarer"
			if it.Computed {
				verb = "Compléter les données"
			}
			b.Message = fmt.Sprintf("%s : %s → %d points", verb, lowerFirst(it.Label), it.Max)
			b.Gain = gain(i, it.Max)
			b.Communes = waiting[it.Code]
			if len(b.Communes) > 0 {
				b.Message += fmt.Sprintf(" (%s à déclarer : %s)", paper.Plural(len(b.Communes), "commune", "communes"), strings.Join(b.Communes, ", "))
			}
		}
		switch own := ownGain(it, b); {
		case b.Gain > own:
			b.Message += fmt.Sprintf(" ; avec les points qu'il débloque : +%d", b.Gain)
		case b.Gain == 0 && it.Part == "B":
			b.Message += fmt.Sprintf(" — ne comptera qu'avec les %d points du plan", PlanGate)
		case b.Gain == 0 && it.Part == "C":
			b.Message += fmt.Sprintf(" — ne comptera qu'au-delà de %d points de plan et d'inventaire", DescriptifGate)
		}
		out = append(out, b)
	}
	slices.SortStableFunc(out, func(a, b Blocker) int {
		return cmp.Or(cmp.Compare(b.Gain, a.Gain), cmp.Compare(a.MissingLength, b.MissingLength))
	})
	return out
}

// lackWords name what a length-measured item asks for, after «avec».
var lackWords = map[string]string{
	ItemMaterialDiameter: "matériau et diamètre",
	ItemLayingDate:       "date de pose",
	ItemAltimetry:        "altimétrie",
}

func lacksOf(n *network, item string) []Lack {
	switch item {
	case ItemMaterialDiameter:
		return n.lackMatDiam
	case ItemLayingDate:
		return n.lackDated
	case ItemAltimetry:
		return n.lackAltimetry
	}
	return nil
}

// sortedLacks returns the tronçons longest first (then by fid).
func sortedLacks(ls []Lack) []Lack {
	out := slices.Clone(ls)
	slices.SortFunc(out, func(a, b Lack) int {
		return cmp.Or(cmp.Compare(b.Length, a.Length), cmp.Compare(a.FID, b.FID))
	})
	return out
}

// kmUp writes a length in kilometres rounded up to the 100 m, so that the
// message never promises the points for less than it takes.
func kmUp(metres float64) string {
	return km(math.Ceil(metres/100) * 100)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// ownGain is what the item itself gains when the blocker is lifted, gates
// aside.
func ownGain(it Item, b Blocker) int {
	switch it.Code {
	case ItemMaterialDiameter, ItemLayingDate, ItemAltimetry:
		_, points, _ := nextThreshold(it.Percent)
		return points - it.Points
	}
	return it.Max - it.Points
}
