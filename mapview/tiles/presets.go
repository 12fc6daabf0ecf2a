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

// geoplateformeWMS is the Géoplateforme raster WMS GetMap request of one
// 256-pixel Web Mercator tile; %s are the layer and the format.
const geoplateformeWMS = "https://data.geopf.fr/wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap" +
	"&LAYERS=%s&STYLES=&FORMAT=%s&TRANSPARENT=TRUE&CRS=EPSG:3857&WIDTH=256&HEIGHT=256&BBOX={bbox}"

// AttributionPCRS credits the PCRS image: the Géoplateforme diffuses it,
// the local authorities that commissioned it (the «autorités publiques
// locales compétentes») own it.
const AttributionPCRS = "© IGN – Géoplateforme, PCRS des autorités publiques locales compétentes"

// Presets returns the configurations of the tile servers Terrimap knows, in
// the order a user is offered them: "osm", "ign-plan", "ign-ortho",
// "ign-cadastre", "ign-pcrs" (the 5 cm image of the plan de corps de rue
// simplifié, the reference for locating networks in class A, where a
// territory has one: it is blank elsewhere). Set UserAgent (see UserAgent) and, to share the
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
		{
			// The Géoplateforme's WMTS serves PCRS.LAMB93 in Lambert-93
			// tiles; its WMS draws it in Web Mercator.
			Name:        "ign-pcrs",
			Title:       "PCRS image 5 cm (plan de corps de rue simplifié, IGN)",
			URL:         fmt.Sprintf(geoplateformeWMS, "PCRS.LAMB93", "image/png"),
			Attribution: AttributionPCRS,
			MaxZoom:     21,
			Format:      FormatPNG,
			Kind:        KindPhoto,
		},
	}
}

// Service is a WMS or WMTS server Terrimap offers to pick layers from,
// its capabilities read when the user chooses it.
type Service struct {
	// Name identifies it; Title is shown to users.
	Name, Title string
	// URL is its address (without a GetCapabilities query).
	URL string
	// Protocol is ProtocolWMS or ProtocolWMTS.
	Protocol string
}

// Services returns the servers the basemap dialog lists: the IGN
// Géoplateforme's tiled images (WMTS: orthophotos, Plan IGN, cadastre…)
// and its raster WMS (the same and more, the PCRS image included).
func Services() []Service {
	return []Service{
		{Name: "geopf-wmts", Title: "IGN Géoplateforme – images tuilées (WMTS)", URL: "https://data.geopf.fr/wmts", Protocol: ProtocolWMTS},
		{Name: "geopf-wms", Title: "IGN Géoplateforme – images (WMS raster)", URL: "https://data.geopf.fr/wms-r", Protocol: ProtocolWMS},
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
