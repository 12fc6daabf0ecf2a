package icgp

import (
	"strings"

	"terrimap/internal/paper"
)

// fittingsDetail says what the data locate of the water fittings: the
// kinds found, counted, then those the data lack, named as a gap to fill
// («474 vannes, 235 points d'eau incendie ; aucune ventouse ni vidange
// localisée») rather than counted as «0 ventouse».
func fittingsDetail(valves, air, drains, hydrants int) string {
	var found, lacking []string
	for _, k := range []struct {
		n         int
		one, many string
	}{{valves, "vanne", "vannes"}, {air, "ventouse", "ventouses"}, {drains, "vidange", "vidanges"}} {
		if k.n > 0 {
			found = append(found, paper.Plural(k.n, k.one, k.many))
		} else {
			lacking = append(lacking, k.one)
		}
	}
	if hydrants > 0 {
		found = append(found, paper.Plural(hydrants, "point d'eau incendie", "points d'eau incendie"))
	}
	var gaps []string
	switch len(lacking) {
	case 0:
	case 1:
		gaps = append(gaps, "aucune "+lacking[0]+" localisée")
	default:
		last := len(lacking) - 1
		gaps = append(gaps, "aucune "+strings.Join(lacking[:last], ", ")+" ni "+lacking[last]+" localisée")
	}
	if hydrants == 0 {
		gaps = append(gaps, "aucun point d'eau incendie")
	}
	switch {
	case len(gaps) == 0:
		return strings.Join(found, ", ")
	case len(found) == 0:
		return strings.Join(gaps, ", ")
	}
	return strings.Join(found, ", ") + " ; " + strings.Join(gaps, ", ")
}
