package app

import (
	"math"

	"fyne.io/fyne/v2"
)

// Keys of Terrimap's Fyne preferences. Each is read and written only through
// settings.
const (
	prefWindowWidth   = "window.width"
	prefWindowHeight  = "window.height"
	prefLastWorkspace = "workspace.last"
	prefBasemap       = "map.basemap"
	prefViewLon       = "map.view.lon"
	prefViewLat       = "map.view.lat"
	prefViewZoom      = "map.view.zoom"
	prefLanguage      = "ui.language"
	prefTheme         = "ui.theme"
	prefAutoSync      = "sync.auto"
	prefPanelShare    = "ui.panel.share"
)

// Window sizes, in Fyne units: the size of a first start, and the smallest
// one restored (a smaller stored size is taken as damaged).
var (
	// 1240×660 fits a 1366×768 mairie laptop with the Windows taskbar
	// and the window's title bar.
	defaultWindowSize = fyne.NewSize(1240, 660)
	minWindowSize     = fyne.NewSize(640, 400)
)

// The side panel's share of the window's width (the split's offset): a
// first start's, wide enough for the Objet form's titles and values
// (≈ 500 px of a 1240 px window), and the range restored.
const (
	defaultPanelShare = 0.4
	minPanelShare     = 0.2
	maxPanelShare     = 0.7
)

// defaultBasemap is the basemap of a first start: OpenStreetMap, through
// the offline tile cache beside the workspace.
const defaultBasemap = "osm"

// The languages the user may choose; languageSystem follows the computer's.
const (
	languageSystem  = ""
	languageFrench  = "fr"
	languageEnglish = "en"
)

// The themes the user may choose; themeSystem follows the computer's.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// mapView is a remembered view of the map: its centre and zoom.
type mapView struct {
	lon, lat, zoom float64
}

// valid reports whether v is a view worth restoring.
func (v mapView) valid() bool {
	return v.zoom >= 1 && v.zoom <= 22 && v.lon >= -180 && v.lon <= 180 && v.lat >= -85 && v.lat <= 85
}

// settings are the user's preferences, typed, read once at start.
type settings struct {
	// windowSize is the size of the main window when it was last closed.
	windowSize fyne.Size
	// lastWorkspace is the workspace open when the app last closed.
	lastWorkspace string
	// lastView is the map's view of lastWorkspace when the app last closed.
	lastView mapView
	// basemap names the basemap (tiles.Open): "none", a preset, a tile
	// file, or the platform's.
	basemap string
	// language is languageSystem, languageFrench or languageEnglish.
	language string
	// theme is themeSystem, themeLight or themeDark.
	theme string
	// autoSync syncs when the platform becomes reachable.
	autoSync bool
	// panelShare is the side panel's share of the window's width, as the
	// user left it.
	panelShare float64
}

// loadSettings reads the settings from p, with defaults for what is missing
// or out of range.
func loadSettings(p fyne.Preferences) settings {
	s := settings{windowSize: fyne.NewSize(
		float32(p.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width))),
		float32(p.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height))),
	)}
	s.lastWorkspace = p.String(prefLastWorkspace)
	// Written so that NaN, too, falls back to the default.
	if !(s.windowSize.Width >= minWindowSize.Width && s.windowSize.Height >= minWindowSize.Height) {
		s.windowSize = defaultWindowSize
	}
	s.lastView = mapView{lon: p.Float(prefViewLon), lat: p.Float(prefViewLat), zoom: p.Float(prefViewZoom)}
	if !s.lastView.valid() || math.IsNaN(s.lastView.lon+s.lastView.lat+s.lastView.zoom) {
		s.lastView = mapView{}
	}
	s.basemap = p.StringWithFallback(prefBasemap, defaultBasemap)
	switch s.language = p.String(prefLanguage); s.language {
	case languageSystem, languageFrench, languageEnglish:
	default:
		s.language = languageSystem
	}
	switch s.theme = p.StringWithFallback(prefTheme, themeSystem); s.theme {
	case themeSystem, themeLight, themeDark:
	default:
		s.theme = themeSystem
	}
	s.autoSync = p.BoolWithFallback(prefAutoSync, true)
	// Written so that NaN, too, falls back to the default.
	if s.panelShare = p.FloatWithFallback(prefPanelShare, defaultPanelShare); !(s.panelShare >= minPanelShare && s.panelShare <= maxPanelShare) {
		s.panelShare = defaultPanelShare
	}
	return s
}

// save writes s to p.
func (s settings) save(p fyne.Preferences) {
	p.SetFloat(prefWindowWidth, float64(s.windowSize.Width))
	p.SetFloat(prefWindowHeight, float64(s.windowSize.Height))
	p.SetString(prefLastWorkspace, s.lastWorkspace)
	p.SetFloat(prefViewLon, s.lastView.lon)
	p.SetFloat(prefViewLat, s.lastView.lat)
	p.SetFloat(prefViewZoom, s.lastView.zoom)
	p.SetString(prefBasemap, s.basemap)
	p.SetString(prefLanguage, s.language)
	p.SetString(prefTheme, s.theme)
	p.SetBool(prefAutoSync, s.autoSync)
	p.SetFloat(prefPanelShare, s.panelShare)
}
