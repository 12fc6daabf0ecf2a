package tiles

import (
	"fmt"
	"net/url"
	"strings"
)

// Attributions the presets carry; the map must show them.
const (
	AttributionOSM = "© les contributeurs d'OpenStreetMap"
	AttributionIGN = "© IGN – Géoplateforme"
)

// osmBulkNote is why Prepare refuses large OpenStreetMap downloads.
const osmBulkNote = "the OpenStreetMap tile usage policy forbids bulk downloading " +
	"(https://operations.osmfoundation.org/policies/tiles/); choose a smaller zoom range " +
	"or an IGN layer"

// geoplateforme is the Géoplateforme WMTS GetTile request in KVP form,
// PM (Web Mercator) tile matrix set; %s are the layer, style and format.
const geoplateforme = "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0" +
	"&LAYER=%s&STYLE=%s&TILEMATRIXSET=PM&FORMAT=%s" +
	"&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"

// Presets returns the configurations of the tile servers Terrimap knows, in
// the order a user is offered them: "osm", "ign-plan", "ign-ortho",
// "ign-cadastre". Set UserAgent (see UserAgent) and, to share the
// per-provider caps, Limiter before NewXYZ.
func Presets() []XYZConfig {
	return []XYZConfig{
		{
			Name:         "osm",
			Title:        "OpenStreetMap",
			URL:          "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
			Attribution:  AttributionOSM,
			MaxZoom:      19,
			Format:       FormatPNG,
			Kind:         KindMap,
			PrepareLimit: 50000,
			BulkNote:     osmBulkNote,
		},
		{
			Name:        "ign-plan",
			Title:       "Plan IGN v2",
			URL:         fmt.Sprintf(geoplateforme, "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2", "normal", "image/png"),
			Attribution: AttributionIGN,
			MaxZoom:     19,
			Format:      FormatPNG,
			Kind:        KindMap,
		},
		{
			Name:        "ign-ortho",
			Title:       "Photographies aériennes IGN",
			URL:         fmt.Sprintf(geoplateforme, "ORTHOIMAGERY.ORTHOPHOTOS", "normal", "image/jpeg"),
			Attribution: AttributionIGN,
			MaxZoom:     20,
			Format:      FormatJPEG,
			Kind:        KindPhoto,
		},
		{
			Name:        "ign-cadastre",
			Title:       "Cadastre IGN (Parcellaire Express)",
			URL:         fmt.Sprintf(geoplateforme, "CADASTRALPARCELS.PARCELLAIRE_EXPRESS", "PCI%20vecteur", "image/png"),
			Attribution: AttributionIGN,
			MaxZoom:     19,
			Format:      FormatPNG,
			Kind:        KindOverlay,
		},
	}
}

// Preset returns the preset called name, and whether there is one.
func Preset(name string) (XYZConfig, bool) {
	for _, c := range Presets() {
		if c.Name == name {
			return c, true
		}
	}
	return XYZConfig{}, false
}

// Platform returns the configuration of the platform's own rendered
// basemap: terrimap-server's /tiles/{style}/{z}/{x}/{y}.png under server
// (its base URL, e.g. "https://sig.example.fr"). Set Attribution to what
// the style draws, and Header to the session's Authorization if the server
// asks for one.
func Platform(server, style string) (XYZConfig, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return XYZConfig{}, fmt.Errorf("%w: platform address %q is not an http(s) URL", ErrInvalidSource, server)
	}
	if style == "" || strings.ContainsAny(style, "/{}") {
		return XYZConfig{}, fmt.Errorf("%w: %q is not a basemap style name", ErrInvalidSource, style)
	}
	base := strings.TrimRight(u.String(), "/")
	return XYZConfig{
		Name:    "platform-" + style,
		Title:   "Fond de plan de la plateforme (" + style + ")",
		URL:     base + "/tiles/" + url.PathEscape(style) + "/{z}/{x}/{y}.png",
		MaxZoom: 20,
		Format:  FormatPNG,
		Kind:    KindMap,
	}, nil
}

// UserAgent builds the User-Agent every tile request carries, as providers'
// usage policies ask: "Terrimap/<version> (+<contact>)".
func UserAgent(version, contact string) string {
	if version == "" {
		version = "dev"
	}
	if contact == "" {
		return "Terrimap/" + version
	}
	return "Terrimap/" + version + " (+" + contact + ")"
}
