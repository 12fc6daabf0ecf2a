package demo

import (
	"math"
	"strings"
)

// streetNamer gives the lines of a commune plausible street names: trunks
// are roads to the neighbouring commune they head for, the others streets
// named after the usual themes of a Mâconnais village.
type streetNamer struct {
	w      *world
	self   int
	r      rnd
	themes []string
	next   int
	used   map[string]bool
}

var streetThemes = []string{
	"de l'Église", "du Lavoir", "de la Mairie", "des Écoles", "du Four", "des Vignes",
	"du Château", "de la Fontaine", "des Jardins", "du Moulin", "du Stade", "des Prés",
	"de la Croix", "de la Poste", "des Acacias", "du Puits", "des Pressoirs", "des Carrières",
	"de la Gare", "du Pont", "Saint-Vincent", "des Côtes", "des Chaumes", "du Bois",
	"des Noyers", "des Cerisiers", "des Lilas", "des Grandes Terres", "du Cuvier", "de la Combe",
	"des Charmes", "des Tilleuls", "du Calvaire", "de la Cure", "des Tonneliers", "du Bief",
	"des Vendanges", "de la Roche", "des Perrières", "du Crêt", "des Murgers", "de la Dîme",
	"du Cellier", "des Granges", "des Écuyers", "du Mont", "des Varennes", "de la Chapelle",
	"du Prieuré", "des Sources", "du Verger", "des Rochettes", "de la Mare", "des Bruyères",
}

func newStreetNamer(w *world, self int) *streetNamer {
	r := newRnd(w.communes[self].INSEE, streamAttributes+100)
	themes := append([]string(nil), streetThemes...)
	r.Shuffle(len(themes), func(i, j int) { themes[i], themes[j] = themes[j], themes[i] })
	return &streetNamer{w: w, self: self, r: r, themes: themes, used: map[string]bool{}}
}

// of returns "de Lugny", "du Villars", "de La Truchère".
func of(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[3:]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[4:]
	}
	return "de " + name
}

// trunk names a trunk main leaving the bourg with heading h.
func (s *streetNamer) trunk(h float64) string {
	best, bestD := -1, math.Inf(1)
	c := s.w.centres[s.self]
	for i, o := range s.w.centres {
		if i == s.self {
			continue
		}
		d := dist(c, o)
		if math.Abs(angleDiff(heading(c, o), h)) < 0.6 && d < bestD && d < 15000 {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		name := "Route " + of(s.w.communes[best].Name)
		if !s.used[name] {
			s.used[name] = true
			return name
		}
	}
	return s.street(0, false)
}

// street names a street of the given level, in the bourg or in the fields.
func (s *streetNamer) street(level int, bourg bool) string {
	var kinds []string
	switch {
	case !bourg:
		kinds = []string{"Chemin", "Chemin", "Route"}
	case level <= 1:
		kinds = []string{"Rue", "Rue", "Grande Rue"}
	case level == 2:
		kinds = []string{"Rue", "Chemin", "Rue"}
	default:
		kinds = []string{"Impasse", "Allée", "Chemin"}
	}
	for range 3 * len(s.themes) {
		kind := pick(s.r, kinds)
		name := kind + " " + s.themes[s.next%len(s.themes)]
		if kind == "Grande Rue" {
			name = kind
		}
		s.next++
		if !s.used[name] {
			s.used[name] = true
			return name
		}
	}
	return pick(s.r, kinds) + " " + pick(s.r, s.themes)
}
