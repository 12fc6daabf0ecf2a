package tiles

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// ServicePrefix introduces, in a basemap name, a layer of a WMS or WMTS
// server chosen from its capabilities: "service:" then the JSON of a
// ServiceLayer.
const ServicePrefix = "service:"

// Protocols of a ServiceLayer.
const (
	ProtocolWMS  = "WMS"
	ProtocolWMTS = "WMTS"
)

// ServiceLayer is a layer of a WMS or WMTS server made a basemap: all it
// takes to fetch its tiles without reading the capabilities again, so that
// it opens offline from its cache. A WMS layer is asked for as 256-pixel
// GetMap images, one per tile.
type ServiceLayer struct {
	// Protocol is ProtocolWMS or ProtocolWMTS.
	Protocol string `json:"protocol"`
	// Title is the layer's title, shown to users.
	Title string `json:"title"`
	// URL is the tile template (see XYZConfig.URL): a GetTile request with
	// {tilematrix}, {x} and {y}, or a GetMap request with a bounding-box
	// placeholder.
	URL string `json:"url"`
	// MatrixIDs name the WMTS tile matrices by zoom.
	MatrixIDs []string `json:"matrices,omitempty"`
	// Attribution credits the layer on the map and on exports.
	Attribution string `json:"attribution,omitempty"`
	// MinZoom and MaxZoom bound the zooms asked for.
	MinZoom maptile.Zoom `json:"minzoom"`
	MaxZoom maptile.Zoom `json:"maxzoom"`
	// Format is the tiles' encoding.
	Format Format `json:"format"`
	// Kind tells the offline preparation how heavy a tile is.
	Kind Kind `json:"kind"`
}

// BasemapName returns the name that opens the layer (see Open).
func (l ServiceLayer) BasemapName() string {
	b, _ := json.Marshal(l) // plain fields: cannot fail
	return ServicePrefix + string(b)
}

// ParseServiceLayer reads a name made by BasemapName.
func ParseServiceLayer(name string) (ServiceLayer, error) {
	var l ServiceLayer
	raw, ok := strings.CutPrefix(name, ServicePrefix)
	if !ok {
		return l, fmt.Errorf("%w: %q is not a WMS or WMTS layer", ErrInvalidSource, name)
	}
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		return l, fmt.Errorf("%w: a WMS or WMTS layer: %w", ErrInvalidSource, err)
	}
	if l.Protocol != ProtocolWMS && l.Protocol != ProtocolWMTS {
		return l, fmt.Errorf("%w: protocol %q: want WMS or WMTS", ErrInvalidSource, l.Protocol)
	}
	return l, nil
}

// wmsPrepareLimit is the most tiles Prepare asks of a WMS in one go.
const wmsPrepareLimit = 20000

// Config returns the tile server configuration of the layer. Its Name,
// which names the cache file, is the protocol and a digest of the
// template: each layer, style and format has its own cache.
func (l ServiceLayer) Config() XYZConfig {
	sum := sha256.Sum256([]byte(l.URL + "\x00" + strings.Join(l.MatrixIDs, "\x00")))
	limit, note := 0, ""
	if l.Protocol == ProtocolWMS {
		// A WMS draws each tile when asked: prepare a commune, not a
		// département, in one go.
		limit, note = wmsPrepareLimit, "a WMS server draws every tile on request; choose a smaller area or fewer zooms"
	}
	return XYZConfig{
		PrepareLimit: limit,
		BulkNote:     note,
		Name:         strings.ToLower(l.Protocol) + "-" + hex.EncodeToString(sum[:8]),
		Title:        l.Title,
		URL:          l.URL,
		MatrixIDs:    l.MatrixIDs,
		Attribution:  l.Attribution,
		MinZoom:      l.MinZoom,
		MaxZoom:      l.MaxZoom,
		Format:       l.Format,
		Kind:         l.Kind,
	}
}

// NamedConfig returns the configuration of a basemap name that fetches
// from a tile server — a preset or a WMS/WMTS layer — and whether it is one.
func NamedConfig(name string) (XYZConfig, bool) {
	if cfg, ok := Preset(name); ok {
		return cfg, true
	}
	if l, err := ParseServiceLayer(name); err == nil {
		return l.Config(), true
	}
	return XYZConfig{}, false
}

// KindOfFormat is the kind of tiles a MIME type gives: photos for JPEG,
// drawn maps otherwise; and the tiles' Format.
func KindOfFormat(mime string) (Kind, Format) {
	if low := strings.ToLower(mime); strings.Contains(low, "jpeg") || strings.Contains(low, "jpg") {
		return KindPhoto, FormatJPEG
	}
	return KindMap, FormatPNG
}

// PreferredFormat returns which of a server's image formats to ask tiles
// in: PNG (which keeps transparency) when offered, else JPEG, else the
// first; PNG when none is listed.
func PreferredFormat(formats []string) string {
	for _, want := range []string{"image/png", "image/png; mode=8bit", "image/jpeg"} {
		for _, f := range formats {
			if strings.EqualFold(f, want) {
				return f
			}
		}
	}
	if len(formats) > 0 {
		return formats[0]
	}
	return "image/png"
}
