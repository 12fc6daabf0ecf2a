package tiles

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// PlatformPrefix introduces the platform's own basemap in a basemap name:
// "platform:https://sig.example.fr" or "platform:URL#style".
const PlatformPrefix = "platform:"

// OpenOptions tell Open how to reach a named basemap.
type OpenOptions struct {
	// CacheDir keeps the tiles of Internet presets for offline use (see
	// CacheDir); empty fetches them every time.
	CacheDir string
	// UserAgent is sent with every request (see UserAgent).
	UserAgent string
	// Header is sent with requests to the platform (its Authorization).
	Header http.Header
	// PlatformAttribution credits the platform's basemap.
	PlatformAttribution string
}

// Named reports whether name has a form Open knows: "none" (or empty), a
// preset's name, "platform:URL[#style]", a WMS or WMTS layer
// (ServiceLayer.BasemapName), or an .mbtiles, .pmtiles or .gpkg file.
func Named(name string) bool {
	if strings.HasPrefix(name, ServicePrefix) {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mbtiles", ".pmtiles", ".gpkg":
		return true
	}
	_, preset := Preset(name)
	return name == "" || strings.EqualFold(name, "none") || strings.HasPrefix(name, PlatformPrefix) || preset
}

// PresetNames lists the presets' names, comma-separated, for messages.
func PresetNames() string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// nopCloser closes nothing.
type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// Open opens the basemap called name (see Named); nil for "none". The
// closer releases its files; it is never nil.
func Open(name string, o OpenOptions) (Source, io.Closer, error) {
	switch {
	case name == "" || strings.EqualFold(name, "none"):
		return nil, nopCloser{}, nil
	case strings.HasPrefix(name, PlatformPrefix):
		addr, style, _ := strings.Cut(strings.TrimPrefix(name, PlatformPrefix), "#")
		if style == "" {
			style = "plan"
		}
		cfg, err := Platform(addr, style)
		if err != nil {
			return nil, nopCloser{}, err
		}
		cfg.UserAgent, cfg.Header, cfg.Attribution = o.UserAgent, o.Header, o.PlatformAttribution
		src, err := NewXYZ(cfg)
		return src, nopCloser{}, err
	}
	if strings.HasPrefix(name, ServicePrefix) {
		if _, err := ParseServiceLayer(name); err != nil {
			return nil, nopCloser{}, err
		}
	}
	if cfg, ok := NamedConfig(name); ok {
		cfg.UserAgent = o.UserAgent
		x, err := NewXYZ(cfg)
		if err != nil {
			return nil, nopCloser{}, err
		}
		// Through the tile cache: what was seen or prepared offline is
		// drawn without the network.
		if o.CacheDir != "" {
			if c, err := Cached(x, o.CacheDir); err == nil {
				return c, c, nil
			}
		}
		return x, nopCloser{}, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mbtiles":
		m, err := OpenMBTiles(name)
		if err != nil {
			return nil, nopCloser{}, err
		}
		return m, m, nil
	case ".pmtiles":
		p, err := OpenPMTiles(name)
		if err != nil {
			return nil, nopCloser{}, err
		}
		return p, p, nil
	case ".gpkg":
		g, err := OpenGeoPackageTiles(name, "")
		if err != nil {
			return nil, nopCloser{}, err
		}
		return g, g, nil
	}
	return nil, nopCloser{}, fmt.Errorf("%w: %q is neither none, a preset (%s), an .mbtiles, .pmtiles or .gpkg file, platform:URL, nor a WMS or WMTS layer (service:…)", ErrInvalidSource, name, PresetNames())
}
