package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// variantTheme is Fyne's theme held to one variant, light or dark, whatever
// the computer's setting.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

var _ fyne.Theme = variantTheme{}

// Color returns the colour of the held variant.
func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// successOnLight is a green readable on the light background (5.4:1);
// Fyne's own is 1.5:1 on white, «Enregistré» could hardly be read.
var successOnLight = color.NRGBA{R: 0x1e, G: 0x7a, B: 0x1e, A: 0xff}

// readableTheme is Fyne's default theme with a success green readable on
// the light background.
type readableTheme struct {
	fyne.Theme
}

// Color returns Fyne's colour, but for success in the light variant.
func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameSuccess && v == theme.VariantLight {
		return successOnLight
	}
	return t.Theme.Color(n, v)
}

// themeFor returns the theme of a choice of the settings.
func themeFor(choice string) fyne.Theme {
	base := readableTheme{Theme: theme.DefaultTheme()}
	switch choice {
	case themeLight:
		return variantTheme{Theme: base, variant: theme.VariantLight}
	case themeDark:
		return variantTheme{Theme: base, variant: theme.VariantDark}
	}
	return base
}
