package app

import (
	"context"

	"github.com/paulmach/orb"

	"terrimap/icgp"
	"terrimap/mapview"
	"terrimap/store"
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
	byLayer := map[string][]int64{}
	for _, l := range lacks {
		byLayer[l.Layer] = append(byLayer[l.Layer], l.FID)
	}
	go func() {
		var b orb.Bound
		found := false
		for layer, fids := range byLayer {
			// Geometries only, one statement a layer: a blocker may name
			// thousands of tronçons.
			ws.EachByFID(context.Background(), store.FIDQuery{Layer: layer, FIDs: fids}, func(r store.Row) bool {
				switch {
				case r.Geometry == nil:
				case !found:
					b, found = r.Geometry.Bound(), true
				default:
					b = b.Union(r.Geometry.Bound())
				}
				return true
			})
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
