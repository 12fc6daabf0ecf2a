package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"terrimap/mapview"
	"terrimap/mapview/tiles"
)

// basemapBanner says on the map, discreetly, that its basemap cannot be
// reached (offline, a server down) while its tiles fail, so that an empty
// background is not taken for a broken map; it goes away when tiles come
// back.
type basemapBanner struct {
	// object is what the map's stack holds: the banner at the top centre,
	// hidden while the basemap answers.
	object fyne.CanvasObject
	text   *widget.Label
	// basemap returns the basemap shown (nil for none).
	basemap func() tiles.Source
}

// newBasemapBanner makes the banner of tc's basemap; do runs its updates
// on the UI goroutine.
func newBasemapBanner(tc *mapview.TileCache, basemap func() tiles.Source, do func(func())) *basemapBanner {
	b := &basemapBanner{text: widget.NewLabel(""), basemap: basemap}
	icon := widget.NewIcon(theme.WarningIcon())
	b.object = container.NewVBox(container.NewHBox(layout.NewSpacer(), card(container.NewHBox(icon, b.text)), layout.NewSpacer()))
	b.object.Hide()
	tc.SetOnBasemapStatus(func(unreachable bool) { do(func() { b.show(unreachable) }) })
	b.show(tc.BasemapUnreachable())
	return b
}

// show shows or hides the banner.
func (b *basemapBanner) show(unreachable bool) {
	src := b.basemap()
	if !unreachable || src == nil {
		b.object.Hide()
		return
	}
	b.text.SetText(lang.L("Basemap unreachable ({{.Name}}) — offline? Your data are still shown.", map[string]any{"Name": src.Info().Title}))
	b.object.Show()
}
