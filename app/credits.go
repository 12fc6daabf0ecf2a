package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/mapview"
	"terrimap/mapview/export"
)

// creditLine shows, at the bottom right of the map, what the map owes its
// sources — the basemap's attribution (OpenStreetMap, IGN, a WMS or WMTS
// layer's) first, then the data's credits — cut short with «…» when the
// map is too narrow for them all. The exports print them all.
type creditLine struct {
	// object is what the map's controls hold: the line on a card at the
	// right, hidden when there is nothing to credit.
	object fyne.CanvasObject
	text   *widget.Label
	card   fyne.CanvasObject
}

func newCreditLine() *creditLine {
	c := &creditLine{text: widget.NewLabel("")}
	c.text.SizeName = theme.SizeNameCaptionText
	c.text.Truncation = fyne.TextTruncateEllipsis
	c.card = card(c.text)
	c.object = container.New(creditLayout{c}, c.card)
	c.object.Hide()
	return c
}

// show shows credits, one after the other.
func (c *creditLine) show(credits []string) {
	text := ""
	for i, s := range credits {
		if i > 0 {
			text += " · "
		}
		text += s
	}
	c.text.SetText(text)
	if len(credits) == 0 {
		c.object.Hide()
	} else {
		c.object.Show()
	}
	c.object.Refresh()
}

// creditLayout puts the card at the bottom right, as wide as its text or
// as the space allows, whichever is less.
type creditLayout struct{ c *creditLine }

func (l creditLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, l.c.card.MinSize().Height)
}

func (l creditLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	text := fyne.MeasureText(l.c.text.Text, theme.Size(theme.SizeNameCaptionText), fyne.TextStyle{})
	pad := l.c.card.MinSize().Width - l.c.text.MinSize().Width // the card's and the label's padding
	w := min(size.Width, text.Width+pad+2*theme.Padding())
	h := l.c.card.MinSize().Height
	l.c.card.Resize(fyne.NewSize(w, h))
	l.c.card.Move(fyne.NewPos(size.Width-w, size.Height-h))
}

// credits returns what the map shown owes: the basemap's attribution,
// then the visible layers' credits (mapview.Credits, basemap first: the
// one a tile provider's terms ask to keep in sight).
func (s *session) credits() []string {
	base := mapview.Credits(nil, s.currentBasemap())
	return mapview.Credits(append(base, export.DataAttributions(s.ws, s.visibleLayers())...))
}
