package export

import (
	"strings"

	"terrimap/mapview"
	"terrimap/store"
)

// DataAttributions returns the credits a map of these layers owes, read
// from the layers' descriptions: the part in brackets that names a
// licence or says the data are a demonstration, as in "Les 24 communes…
// (IGN Admin Express COG 2018, Licence Ouverte)", becomes "Commune : IGN
// Admin Express COG 2018, Licence Ouverte". Layers whose description says
// nothing of the kind add nothing.
func DataAttributions(ws *store.Workspace, layers []mapview.Layer) []string {
	var out []string
	seen := map[string]bool{}
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		wl, err := ws.Layer(l.Name)
		if err != nil {
			continue
		}
		src := sourceOf(wl.Schema.Description)
		if src == "" || seen[src] {
			continue
		}
		seen[src] = true
		title := wl.Schema.DisplayTitle()
		if l.Style != nil && strings.TrimSpace(l.Style.Title) != "" {
			title = strings.TrimSpace(l.Style.Title)
		}
		out = append(out, title+" : "+src)
	}
	return out
}

// sourceOf returns the bracketed part of a description that credits its
// source, or "".
func sourceOf(desc string) string {
	for rest := desc; ; {
		open := strings.LastIndex(rest, "(")
		if open < 0 {
			return ""
		}
		close := strings.Index(rest[open:], ")")
		inner := ""
		if close > 0 {
			inner = strings.TrimSpace(rest[open+1 : open+close])
		}
		low := strings.ToLower(inner)
		for _, w := range []string{"licence", "license", "©", "démonstration", "odbl"} {
			if strings.Contains(low, w) {
				return inner
			}
		}
		rest = rest[:open]
	}
}
