package app

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestLoadSettings(t *testing.T) {
	for _, tc := range []struct {
		name          string
		width, height float64 // stored; 0 stores nothing
		want          fyne.Size
	}{
		{"first start", 0, 0, defaultWindowSize},
		{"remembered", 1000, 700, fyne.NewSize(1000, 700)},
		{"smallest", 640, 400, fyne.NewSize(640, 400)},
		{"too narrow", 100, 700, defaultWindowSize},
		{"too low", 1000, 10, defaultWindowSize},
		{"negative", -5, 700, defaultWindowSize},
		{"not a number", math.NaN(), 700, defaultWindowSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := test.NewTempApp(t).Preferences()
			if tc.width != 0 {
				p.SetFloat(prefWindowWidth, tc.width)
				p.SetFloat(prefWindowHeight, tc.height)
			}
			if got := loadSettings(p).windowSize; got != tc.want {
				t.Errorf("window size = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	p := test.NewTempApp(t).Preferences()
	want := settings{windowSize: fyne.NewSize(1366, 742), lastWorkspace: "/tmp/tournus.gpkg",
		lastView: mapView{lon: 4.91, lat: 46.56, zoom: 15}, basemap: "ign-plan",
		language: languageEnglish, theme: themeDark, autoSync: false, panelShare: 0.45}
	want.save(p)
	if got := loadSettings(p); got != want {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
}

func TestSettingsDefaultsAndDamage(t *testing.T) {
	p := test.NewTempApp(t).Preferences()
	got := loadSettings(p)
	if got.basemap != defaultBasemap || got.language != languageSystem || got.theme != themeSystem || !got.autoSync || got.lastView.valid() {
		t.Errorf("first start: %+v", got)
	}
	p.SetString(prefLanguage, "klingon")
	p.SetString(prefTheme, "pink")
	p.SetFloat(prefViewZoom, 99)
	p.SetFloat(prefViewLon, 4.9)
	got = loadSettings(p)
	if got.language != languageSystem || got.theme != themeSystem || got.lastView != (mapView{}) {
		t.Errorf("damaged preferences read as %+v", got)
	}
}
