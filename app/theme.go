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

// themeFor returns the theme of a choice of the settings.
func themeFor(choice string) fyne.Theme {
	switch choice {
	case themeLight:
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight}
	case themeDark:
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark}
	}
	return theme.DefaultTheme()
}
