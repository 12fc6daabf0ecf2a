package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// TestSuccessTextReadable checks that a success text («Enregistré. …» under
// the Objet form) is readable on the light background, whatever theme is
// chosen: Fyne's own green is 1.5:1 on white, WCAG asks 4.5:1.
func TestSuccessTextReadable(t *testing.T) {
	for _, choice := range []string{themeSystem, themeLight, themeDark} {
		th := themeFor(choice)
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			fg := luminance(th.Color(theme.ColorNameSuccess, v))
			bg := luminance(th.Color(theme.ColorNameBackground, v))
			ratio := (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
			if ratio < 4.5 {
				t.Errorf("theme %s, variant %d: success text at %.1f:1 on the background, want 4.5:1", choice, v, ratio)
			}
		}
	}
}
