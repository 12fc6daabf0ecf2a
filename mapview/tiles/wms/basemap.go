package wms

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/paulmach/orb/maptile"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
)

// tileCRSOrder is the order in which a tile's CRS is chosen: Web Mercator
// first (the tile is drawn exactly), then geographic coordinates (the
// image is stretched within the tile, which shows only at small zooms).
var tileCRSOrder = []string{"EPSG:3857", "EPSG:900913", "EPSG:102100", "EPSG:102113", "EPSG:3785", "EPSG:4326", "CRS:84"}

// TileCRS returns the CRS of l a tile is best asked in ("" when none
// will do; see ErrNoTileCRS).
func (l Layer) TileCRS() string {
	for _, want := range tileCRSOrder {
		for _, crs := range l.CRS {
			if strings.EqualFold(crs, want) {
				return want
			}
		}
	}
	return ""
}

// DefaultStyle returns the style asked for when none is chosen: the first
// one, or "" (the server's default).
func (l Layer) DefaultStyle() string {
	if len(l.Styles) > 0 {
		return l.Styles[0].Name
	}
	return ""
}

// PreferredFormat returns the format of tiles to ask for
// (tiles.PreferredFormat).
func (c *Capabilities) PreferredFormat() string { return tiles.PreferredFormat(c.Formats) }

// Attribution returns the credit of l: its own Attribution, else the
// service's provider (or title) with its conditions of use (tiles.Credit).
func (c *Capabilities) Attribution(l Layer) string {
	if l.Attribution != "" {
		return l.Attribution
	}
	who := c.Provider
	if who == "" {
		who = c.Title
	}
	return ogcxml.Credit(who, c.AccessConstraints)
}

// Options choose how a layer is asked for; empty fields take the
// defaults (DefaultStyle, PreferredFormat, TileCRS).
type Options struct {
	Style, Format, CRS string
	// Endpoint is used when the capabilities give no GetMap address: the
	// address the capabilities were asked from.
	Endpoint string
}

// Basemap returns the layer called name as a basemap: GetMap requests of
// 256×256 pixels whose bounding box is a Web Mercator tile's.
func (c *Capabilities) Basemap(name string, o Options) (tiles.ServiceLayer, error) {
	l, ok := c.Layer(name)
	if !ok {
		return tiles.ServiceLayer{}, fmt.Errorf("wms: the service has no layer %q", name)
	}
	if o.CRS == "" {
		o.CRS = l.TileCRS()
	}
	version := c.Version
	if version != "1.1.1" && version != "1.1.0" {
		version = "1.3.0"
	}
	box, ok := tiles.BBoxPlaceholder(o.CRS, version)
	if !ok {
		return tiles.ServiceLayer{}, fmt.Errorf("%w: %s (offered in %s)", ErrNoTileCRS, name, strings.Join(l.CRS, ", "))
	}
	if o.Style == "" {
		o.Style = l.DefaultStyle()
	}
	if o.Format == "" {
		o.Format = c.PreferredFormat()
	}
	base := c.GetMapURL
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		base = o.Endpoint
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return tiles.ServiceLayer{}, fmt.Errorf("wms: no GetMap address: %q", base)
	}
	q := url.Values{}
	for k, v := range u.Query() {
		switch strings.ToUpper(k) {
		case "SERVICE", "REQUEST", "VERSION", "LAYERS", "STYLES", "FORMAT", "CRS", "SRS", "BBOX",
			"WIDTH", "HEIGHT", "TRANSPARENT", "EXCEPTIONS":
			continue
		}
		q[k] = v
	}
	crsKey, exceptions := "CRS", "XML"
	if version != "1.3.0" {
		crsKey, exceptions = "SRS", "application/vnd.ogc.se_xml"
	}
	q.Set("SERVICE", "WMS")
	q.Set("VERSION", version)
	q.Set("REQUEST", "GetMap")
	q.Set("LAYERS", l.Name)
	q.Set("STYLES", o.Style)
	q.Set("FORMAT", o.Format)
	q.Set("TRANSPARENT", "TRUE")
	q.Set(crsKey, o.CRS)
	q.Set("WIDTH", "256")
	q.Set("HEIGHT", "256")
	q.Set("EXCEPTIONS", exceptions)
	u.RawQuery = q.Encode() + "&BBOX=" + box
	u.Fragment = ""

	kind, format := tiles.KindOfFormat(o.Format)
	minZ, maxZ := zooms(l)
	return tiles.ServiceLayer{
		Protocol:    tiles.ProtocolWMS,
		Title:       l.Title,
		URL:         u.String(),
		Attribution: c.Attribution(l),
		MinZoom:     minZ,
		MaxZoom:     maxZ,
		Format:      format,
		Kind:        kind,
	}, nil
}

// scaleZ0 is the scale denominator of Web Mercator zoom 0 at 0.28 mm a
// pixel, the pixel size of WMS and WMTS.
const scaleZ0 = 559082264.0287178

// defaultMaxZoom is the deepest zoom asked of a WMS that says nothing:
// 15 cm a pixel at the equator, finer than most orthophotos.
const defaultMaxZoom = 20

// zooms turns a layer's scale range into Web Mercator zooms: its
// MinScaleDenominator bounds the deepest zoom. Its MaxScaleDenominator is
// not made a least zoom: the map would then draw a small-zoom view from
// that zoom's many tiles; the server draws nothing there instead.
func zooms(l Layer) (minZ, maxZ maptile.Zoom) {
	maxZ = defaultMaxZoom
	if l.MinScale > 0 {
		if z := math.Floor(math.Log2(scaleZ0/l.MinScale) + 1e-9); z >= 0 {
			maxZ = maptile.Zoom(min(z, 22))
		}
	}
	return 0, maxZ
}
