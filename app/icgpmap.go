package app

import (
	"context"

	"github.com/paulmach/orb"

	"terrimap/icgp"
	"terrimap/mapview"
)

// showLacksOnMap selects a blocker's tronçons on the main window's map and
// frames them; their geometries are read off the UI goroutine.
func (m *mainWindow) showLacksOnMap(lacks []icgp.Lack) {
	if m.view == nil || len(lacks) == 0 {
		return
	}
	v, ws := m.view, m.sess.ws
	refs := make([]mapview.FeatureRef, len(lacks))
	for i, l := range lacks {
		refs[i] = mapview.FeatureRef{Layer: l.Layer, FID: l.FID}
	}
	go func() {
		var b orb.Bound
		found := false
		for _, l := range lacks {
			f, err := ws.GetByFID(context.Background(), l.Layer, l.FID)
			if err != nil || f.Geometry == nil {
				continue
			}
			if !found {
				b, found = f.Geometry.Bound(), true
			} else {
				b = b.Union(f.Geometry.Bound())
			}
		}
		m.do(func() {
			if m.view != v {
				return
			}
			m.sess.tiles.SetSelection(refs)
			if found {
				v.mapw.ZoomTo(b.Pad(0.001))
			}
			v.mapw.Refresh()
			m.window.RequestFocus()
		})
	}()
}

// openLacksTable opens the layer's attribute table showing only a
// blocker's tronçons, in every commune, in their order (longest first).
func (m *mainWindow) openLacksTable(layer string, lacks []icgp.Lack) *attributeTable {
	if m.view == nil {
		return nil
	}
	only := make(map[string]int, len(lacks))
	for i, l := range lacks {
		if _, seen := only[l.UUID]; !seen {
			only[l.UUID] = i
		}
	}
	t := m.openTable(layer)
	if t != nil {
		t.only = only // set before the rows arrive: both on the UI goroutine
	}
	return t
}
