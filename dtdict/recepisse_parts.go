package dtdict

import (
	"fmt"
	"slices"
	"strings"

	"terrimap/internal/paper"
	"terrimap/report"
)

// declaration writes the first part: the declaration and its declarant.
func (rc *recepisse) declaration() {
	d, m := rc.a.Declaration, rc.m
	rc.section(1, "Déclaration reçue")
	rc.row("Nature", kindLong(d.Kind))
	rc.row("N° de consultation", d.Number)
	due := "réponse due le " + dateOrDash(m.Due)
	if d.Kind == KindATU {
		due = "réponse sans délai (avis de travaux urgents)"
	}
	rc.row("Dates", "déclarée le "+dateOrDash(d.Declared)+" · reçue le "+dateOrDash(m.Received)+" · "+due)
	p := d.Declarant
	who := joinNonEmpty(", ", p.Name, p.Contact)
	if r := roleTitle(p.Role); r != "" {
		who += " (" + r + ")"
	}
	rc.row("Déclarant", who)
	rc.row("Adresse du déclarant", p.Address)
	rc.row("Téléphone, courriel", joinNonEmpty(" · ", p.Phone, p.Email))
	for _, o := range d.Others {
		role := roleTitle(o.Role)
		if role == "" {
			role = "autre intervenant"
		}
		rc.row(strings.ToUpper(role[:1])+role[1:], joinNonEmpty(" · ", joinNonEmpty(", ", o.Name, o.Contact), o.Address, o.Phone, o.Email))
	}
	rc.row("Lieu des travaux", worksPlace(d.Place))
	w := d.Works
	natures := ""
	if len(w.Natures) > 0 {
		natures = "nature : " + strings.Join(w.Natures, ", ")
	}
	rc.row("Travaux", joinNonEmpty(" — ", w.Description, natures))
	var when []string
	if !w.Start.IsZero() {
		when = append(when, "début prévu le "+paper.Date(w.Start))
	}
	if w.DurationDays > 0 {
		when = append(when, "durée "+paper.Plural(w.DurationDays, "jour", "jours"))
	}
	if len(when) > 0 {
		rc.row("Calendrier", strings.Join(when, ", "))
	}
	if w.TrenchlessUsed || len(w.Trenchless) > 0 {
		rc.row("Techniques sans tranchée", joinNonEmpty(" : ", "oui", strings.Join(w.Trenchless, ", ")))
	}
	if d.Surface > 0 {
		rc.row("Emprise", paper.Decimal(d.Surface, 0)+paper.NBSP+"m² déclarés")
	}
}

// operator writes the second part: who answers, and which of the
// networks consulted are ours.
func (rc *recepisse) operator() {
	ours := rc.a.Ours
	rc.section(2, "Exploitant")
	first := func(get func(Ownership) string) string {
		for _, o := range ours {
			if v := strings.TrimSpace(get(o)); v != "" {
				return v
			}
		}
		return ""
	}
	rc.row("Exploitant", operatorLines(ours))
	rc.row("Adresse", first(func(o Ownership) string { return o.Address }))
	rc.row("Contact pour cette réponse", first(func(o Ownership) string { return o.Contact }))
	if len(ours) == 0 {
		rc.row("Ouvrages", "aucun des ouvrages consultés n'est déclaré par notre collectivité")
		return
	}
	for _, o := range ours {
		rc.row("Ouvrage "+o.Code, networkClassTitle(o.Class)+" · catégorie "+categoryTitle(o.Category))
	}
}

// classCount counts a network's features found, tronçons and fittings
// apart, by class.
type classCount struct {
	lines, points int
	byClass       map[report.Class]int
}

// countFor counts the items of the layers given.
func countFor(items []report.Item, layers []string) classCount {
	c := classCount{byClass: map[report.Class]int{}}
	for i := range items {
		it := &items[i]
		if !slices.Contains(layers, it.Layer) {
			continue
		}
		if len(linesOf(it.Geometry)) > 0 {
			c.lines++
		} else {
			c.points++
		}
		cl := it.Class
		if cl == report.ClassUnknown {
			cl = report.ClassC
		}
		c.byClass[cl]++
	}
	return c
}

// String writes the count as the récépissé does: "5 tronçons et 2
// appareils ou ouvrages — classe A : 3, B : 2, C ou inconnue : 2".
func (c classCount) String() string {
	found := paper.Plural(c.lines, "tronçon", "tronçons") + " et " + paper.Plural(c.points, "appareil ou ouvrage", "appareils ou ouvrages")
	return fmt.Sprintf("%s — classe A : %d, B : %d, C ou inconnue : %d", found, c.byClass[report.ClassA], c.byClass[report.ClassB], c.byClass[report.ClassC])
}

// margins writes the class margins searched: "A : 0,5 m ; B : 1,5 m ; C
// et inconnue : 5 m".
func (rc *recepisse) margins() string {
	mg := rc.a.Margins
	if len(mg) == 0 {
		return ""
	}
	return "A : " + paper.Metres(mg[report.ClassA]) + " ; B : " + paper.Metres(mg[report.ClassB]) + " ; C et inconnue : " + paper.Metres(mg[report.ClassC])
}
