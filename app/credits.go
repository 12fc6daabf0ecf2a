package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"terrimap/mapview"
	"terrimap/mapview/export"
)

// creditLine shows, at the bottom right of the map, what the map owes its
// sources — the data's credits and the basemap's attribution (OpenStreetMap,
// IGN, a WMS or WMTS layer's) — the same list the exports print.
type creditLine struct {
	// object is what the map's controls hold: the line on a card, hidden
	// when there is nothing to credit.
	object fyne.CanvasObject
	text   *canvas.Text
}

func newCreditLine() *creditLine {
	c := &creditLine{text: canvas.NewText("", color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff})}
	c.text.TextSize = 11
	c.object = container.NewVBox(layout.NewSpacer(), card(c.text))
	c.object.Hide()
	return c
}

// show shows credits, one after the other.
func (c *creditLine) show(credits []string) {
	c.text.Text = strings.Join(credits, " · ")
	c.text.Refresh()
	if len(credits) == 0 {
		c.object.Hide()
	} else {
		c.object.Show()
	}
}

// credits returns what the map shown owes: the visible layers' credits and
// the basemap's attribution (mapview.Credits).
func (s *session) credits() []string {
	return mapview.Credits(export.DataAttributions(s.ws, s.visibleLayers()), s.currentBasemap())
}
