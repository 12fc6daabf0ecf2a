package app

import (
	"testing"

	"terrimap/mapview/mapui"
)

// The measure tool states lengths and areas with the decimal mark of the
// user's language.
func TestDescribeMeasure(t *testing.T) {
	for _, c := range []struct {
		locale string
		m      mapui.Measurement
		want   string
	}{
		{"fr_FR.UTF-8", mapui.Measurement{Length: 12.34}, "Longueur 12,3 m"},
		{"fr_FR.UTF-8", mapui.Measurement{Length: 250.04, Area: 3906.6}, "Longueur 250 m · surface 3907 m²"},
		{"en_US.UTF-8", mapui.Measurement{Length: 12.34}, "Length 12.3 m"},
	} {
		useLocale(t, c.locale)
		if got := describeMeasure(c.m); got != c.want {
			t.Errorf("%s: describeMeasure(%+v) = %q, want %q", c.locale, c.m, got, c.want)
		}
	}
}
