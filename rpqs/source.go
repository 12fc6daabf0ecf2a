package rpqs

import (
	"terrimap/icgp"
	"terrimap/internal/paper"
)

// source says where an item's points come from, for the annex's last
// column: «calculé»; «déclaré par M. Durand le 28 avril 2025» for a
// commune; «déclaré par chaque commune» for the whole intercommunality
// (whole), whose item counts only when every commune declared it; «à
// déclarer» for an item whose declaration is missing or withdrawn.
func source(it icgp.Item, whole bool) string {
	switch {
	case it.Computed:
		return "calculé"
	case it.Points < it.Max:
		return "à déclarer"
	case whole:
		return "déclaré par chaque commune"
	}
	s := "déclaré"
	if it.DeclaredBy != "" {
		s += " par " + it.DeclaredBy
	}
	if !it.DeclaredOn.IsZero() {
		s += " le " + paper.Date(it.DeclaredOn)
	}
	return s
}

// finding is the annex's «Constat» of an item: its detail, after the share
// of the length for an item measured by length («93,8 % du linéaire : …»).
func finding(it icgp.Item) string {
	if !it.Measured {
		return it.Detail
	}
	return paper.Decimal(it.Percent, 1) + paper.NBSP + "% du linéaire : " + it.Detail
}
