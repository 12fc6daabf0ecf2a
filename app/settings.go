package app

import "fyne.io/fyne/v2"

// Keys of Terrimap's Fyne preferences. Each is read and written only through
// settings.
const (
	prefWindowWidth   = "window.width"
	prefWindowHeight  = "window.height"
	prefLastWorkspace = "workspace.last"
)

// Window sizes, in Fyne units: the size of a first start, and the smallest
// one restored (a smaller stored size is taken as damaged).
var (
	defaultWindowSize = fyne.NewSize(1280, 720)
	minWindowSize     = fyne.NewSize(640, 400)
)

// settings are the user's preferences, typed, read once at start.
type settings struct {
	// windowSize is the size of the main window when it was last closed.
	windowSize fyne.Size
	// lastWorkspace is the workspace open when the app last closed.
	lastWorkspace string
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
	return s
}

// save writes s to p.
func (s settings) save(p fyne.Preferences) {
	p.SetFloat(prefWindowWidth, float64(s.windowSize.Width))
	p.SetFloat(prefWindowHeight, float64(s.windowSize.Height))
	p.SetString(prefLastWorkspace, s.lastWorkspace)
}
