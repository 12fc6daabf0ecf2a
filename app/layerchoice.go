package app

import (
	"slices"

	"terrimap/store"
)

// editableLayers lists the layers of ws the user may edit and keep takes
// (nil: all of them), by name and by title in the same order (the options
// of a layer choice): by title, as a French reader looks for one in a
// list («Avaloirs» before «Éclairage public» before «Poteaux…»).
func editableLayers(ws *store.Workspace, keep func(*store.Layer) bool) (names, titles []string) {
	var layers []*store.Layer
	for _, l := range ws.Layers() {
		if !l.ReadOnly() && (keep == nil || keep(l)) {
			layers = append(layers, l)
		}
	}
	order := newTextOrder()
	slices.SortStableFunc(layers, func(a, b *store.Layer) int {
		return order.compare(a.Schema.DisplayTitle(), b.Schema.DisplayTitle())
	})
	for _, l := range layers {
		names = append(names, l.Name())
		titles = append(titles, l.Schema.DisplayTitle())
	}
	return names, titles
}

// layerAt returns the layer names[i] of a layer choice; nil when i is out
// of range (nothing chosen) or the layer is gone.
func layerAt(ws *store.Workspace, names []string, i int) *store.Layer {
	if i < 0 || i >= len(names) {
		return nil
	}
	l, err := ws.Layer(names[i])
	if err != nil {
		return nil
	}
	return l
}
