package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fitOptions widens a list so that each of its options shows whole: Fyne
// sizes a Select by its placeholder, never shown once an option is
// chosen, so the placeholder becomes the widest option.
func fitOptions(sel *widget.Select) {
	width := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width }
	for _, name := range sel.Options {
		if width(name) > width(sel.PlaceHolder) {
			sel.PlaceHolder = name
		}
	}
}
