package mapview

import (
	"strings"

	"terrimap/mapview/tiles"
)

// Credits returns what a map owes its sources, each once (letter case
// aside), in order: the data's credits, then the tile sources' own
// attributions (the basemap's: «© les contributeurs d'OpenStreetMap»,
// «© IGN – Géoplateforme», a WMS layer's). The map on screen and every
// export print the same list.
func Credits(data []string, sources ...tiles.Source) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		for _, o := range out {
			if strings.EqualFold(o, s) {
				return
			}
		}
		out = append(out, s)
	}
	for _, a := range data {
		add(a)
	}
	for _, src := range sources {
		if src != nil {
			add(src.Info().Attribution)
		}
	}
	return out
}
