package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store"
)

// maxChoices bounds the features offered when several are under the
// cursor.
const maxChoices = 8

// featureChoice is the small menu offered when several features lie under
// the cursor («Poteau d'incendie n° 12 / Intervention du 03/12/2026»): the
// first is already selected, a tap on another selects it instead.
type featureChoice struct {
	features []store.Feature
	labels   []string
	items    []*fyne.MenuItem
	menu     *widget.PopUpMenu
}

// underCursor orders the hits of a click as the user means them: a point
// or a line rather than the polygon (commune, zone) it lies in; equipment
// before the interventions made on it; then as the hit test ranks them
// (nearest, then top layer first). It returns the features the cursor
// touches — more than one calls for a choice — or, when it touches none,
// the nearest within the tolerance.
func underCursor(hits []mapview.Hit, polygonal, intervention func(layer string) bool) []mapview.Hit {
	var points, polygons []mapview.Hit
	for _, h := range hits {
		if polygonal(h.Layer) {
			polygons = append(polygons, h)
		} else {
			points = append(points, h)
		}
	}
	if len(points) == 0 {
		points = polygons
	}
	var touched []mapview.Hit
	for _, h := range points {
		if h.Distance == 0 {
			touched = append(touched, h)
		}
	}
	if len(touched) == 0 {
		if len(points) == 0 {
			return nil
		}
		return points[:1]
	}
	rank := func(h mapview.Hit) int {
		if intervention(h.Layer) {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(touched, func(a, b mapview.Hit) int { return cmp.Compare(rank(a), rank(b)) })
	return touched[:min(len(touched), maxChoices)]
}

// identified selects the feature under a click; when several are under
// the cursor, it selects the first (equipment before its interventions)
// and offers the others in a small menu at the click.
func (v *workspaceView) identified(ll orb.Point, hits []mapview.Hit) {
	v.dismissChoice()
	picked := underCursor(hits,
		func(layer string) bool {
			l, err := v.s.ws.Layer(layer)
			return err == nil && isPolygonal(l.Schema.GeometryType)
		},
		func(layer string) bool { return layer == interventionsLayer })
	if len(picked) == 0 {
		v.selectFeature(nil)
		return
	}
	ws := v.s.ws
	go func() {
		var fs []store.Feature
		for _, h := range picked {
			if f, err := ws.GetByFID(context.Background(), h.Layer, h.FID); err == nil {
				fs = append(fs, f)
			}
		}
		labels := make([]string, len(fs))
		for i, f := range fs {
			labels[i] = choiceLabel(ws, f)
		}
		v.do(func() {
			if len(fs) == 0 {
				return
			}
			v.selectFeature(&fs[0])
			if len(fs) > 1 {
				v.offerChoice(ll, fs, labels)
			}
		})
	}()
}

// offerChoice shows, at the click, the features under the cursor; the
// one selected is checked.
func (v *workspaceView) offerChoice(ll orb.Point, fs []store.Feature, labels []string) {
	c := &featureChoice{features: fs, labels: labels}
	items := make([]*fyne.MenuItem, len(fs))
	for i := range fs {
		f := fs[i]
		items[i] = fyne.NewMenuItem(labels[i], func() {
			v.choice = nil
			v.selectFeature(&f)
		})
	}
	items[0].Checked = true
	c.items = items
	c.menu = widget.NewPopUpMenu(fyne.NewMenu(lang.L("Features here"), items...), v.win.Canvas())
	px := v.mapw.Viewport.LonLatToPixel(ll)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.mapw).Add(fyne.NewPos(float32(px[0])+4, float32(px[1])+4))
	c.menu.ShowAtPosition(at)
	v.choice = c
}

// dismissChoice hides the menu of features under the cursor, if shown.
func (v *workspaceView) dismissChoice() {
	if v.choice != nil {
		v.choice.menu.Hide()
		v.choice = nil
	}
}

// pickChoice selects the i-th feature the menu offers, as a tap on it
// does.
func (c *featureChoice) pickChoice(i int) {
	if i >= 0 && i < len(c.items) {
		c.menu.Hide()
		c.items[i].Action()
	}
}

// choiceLabel names a feature in the menu of features under the cursor:
// «Intervention du 01/03/2026 · Contrôle», «Poteau d'incendie n° 12».
func choiceLabel(ws *store.Workspace, f store.Feature) string {
	l, err := ws.Layer(f.Layer)
	if err != nil {
		return shortID(f.UUID)
	}
	if f.Layer == interventionsLayer {
		parts := describeFields(l, f, fieldDate, "type")
		if len(parts) > 0 {
			parts[0] = lang.L("Intervention of {{.Date}}", map[string]any{"Date": parts[0]})
			return strings.Join(parts, " · ")
		}
		return lang.L("Intervention")
	}
	return equipmentName(ws, l.Schema, f)
}
