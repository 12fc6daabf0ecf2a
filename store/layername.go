package store

import "strconv"

// FreeLayerName returns base, or base_2, base_3… the first name no layer
// of the workspace holds (compared without regard to case, as SQLite
// compares table names) or whose layer reuse accepts (reuse may be nil:
// only a free name then). base is a layer name already (formats.LayerName
// makes one of a title or a file's name).
func (ws *Workspace) FreeLayerName(base string, reuse func(*Layer) bool) string {
	// Among len(layers)+1 names one at least is free: the loop ends there.
	last := len(ws.Layers()) + 2
	name := base
	for i := 2; i <= last; i++ {
		l, err := ws.Layer(name)
		if err != nil || (reuse != nil && reuse(l)) {
			return name
		}
		name = base + "_" + strconv.Itoa(i)
	}
	return name
}
