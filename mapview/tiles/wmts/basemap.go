package wmts

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"

	"github.com/paulmach/orb/maptile"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
)

// The Web Mercator grid: zoom 0's scale denominator (0.28 mm pixels) and
// the top left corner, in metres.
const (
	scaleZ0 = 559082264.0287178
	corner  = 20037508.342789244
)

// mercatorCRS reports whether a SupportedCRS is Web Mercator, in any of
// the spellings servers use.
func mercatorCRS(crs string) bool {
	c := strings.ToUpper(crs)
	for _, code := range []string{"3857", "900913", "102100", "102113", "3785"} {
		if strings.HasSuffix(c, ":"+code) || strings.HasSuffix(c, "/"+code) {
			return true
		}
	}
	return false
}

// Zooms returns, when s is the Web Mercator grid, the identifier of each
// zoom's matrix (indexed by zoom, "" where s has none) and its least and
// deepest zoom; ok is false otherwise.
func (s MatrixSet) Zooms() (ids []string, minZ, maxZ maptile.Zoom, ok bool) {
	if !mercatorCRS(s.CRS) {
		return nil, 0, 0, false
	}
	first := true
	for _, m := range s.Matrices {
		zf := math.Log2(scaleZ0 / m.ScaleDenominator)
		z := math.Round(zf)
		// Written so that NaN (a scale of 0 or less) fails too.
		if !(z >= 0 && z <= 30 && math.Abs(zf-z) <= 0.01) || m.TileWidth != 256 || m.TileHeight != 256 ||
			math.Abs(m.TopLeft[0]+corner) > 1 || math.Abs(m.TopLeft[1]-corner) > 1 ||
			float64(m.MatrixWidth) > math.Exp2(z) || float64(m.MatrixHeight) > math.Exp2(z) {
			continue
		}
		zi := int(z)
		for len(ids) <= zi {
			ids = append(ids, "")
		}
		ids[zi] = m.Identifier
		if first || maptile.Zoom(zi) < minZ {
			minZ = maptile.Zoom(zi)
		}
		if first || maptile.Zoom(zi) > maxZ {
			maxZ = maptile.Zoom(zi)
		}
		first = false
	}
	return ids, minZ, maxZ, !first
}

// MercatorSets returns the identifiers of l's tile matrix sets that are
// the Web Mercator grid, "PM" and "GoogleMapsCompatible" first.
func (c *Capabilities) MercatorSets(l Layer) []string {
	var good, rest []string
	for _, id := range l.Sets {
		set, known := c.Sets[id]
		if _, _, _, ok := set.Zooms(); !known || !ok {
			continue
		}
		if id == "PM" || strings.EqualFold(id, "GoogleMapsCompatible") {
			good = append(good, id)
		} else {
			rest = append(rest, id)
		}
	}
	return append(good, rest...)
}

// Attribution returns the credit of the service's layers: its provider
// (or title) with its conditions of use (tiles.Credit).
func (c *Capabilities) Attribution() string {
	who := c.Provider
	if who == "" {
		who = c.Title
	}
	return ogcxml.Credit(who, c.AccessConstraints)
}

// PreferredFormat returns the format of l's tiles to ask for
// (tiles.PreferredFormat).
func (l Layer) PreferredFormat() string { return tiles.PreferredFormat(l.Formats) }

// Options choose how a layer is asked for; empty fields take the
// defaults (DefaultStyle, PreferredFormat, the first of MercatorSets).
type Options struct {
	Style, Format, Set string
	// Endpoint is used when the capabilities give no GetTile address
	// and the layer no ResourceURL: the address they were asked from.
	Endpoint string
}

// restPlaceholder matches a RESTful template's placeholders.
var restPlaceholder = regexp.MustCompile(`\{[^{}]*\}`)

// Basemap returns the layer with identifier id as a basemap.
func (c *Capabilities) Basemap(id string, o Options) (tiles.ServiceLayer, error) {
	l, ok := c.Layer(id)
	if !ok {
		return tiles.ServiceLayer{}, fmt.Errorf("wmts: the service has no layer %q", id)
	}
	if o.Set == "" {
		if sets := c.MercatorSets(l); len(sets) > 0 {
			o.Set = sets[0]
		}
	}
	ids, minZ, maxZ, ok := c.Sets[o.Set].Zooms()
	if !ok {
		return tiles.ServiceLayer{}, fmt.Errorf("%w: %s (its sets: %s)", ErrNoMercatorSet, id, strings.Join(l.Sets, ", "))
	}
	if o.Style == "" {
		o.Style = l.DefaultStyle()
	}
	if o.Format == "" {
		o.Format = l.PreferredFormat()
	}
	var template string
	if tpl, rest := l.Templates[o.Format]; rest && c.GetTileKVP == "" {
		var err error
		if template, err = restful(tpl, o.Set, o.Style); err != nil {
			return tiles.ServiceLayer{}, fmt.Errorf("wmts: %s: %w", id, err)
		}
	} else {
		base := c.GetTileKVP
		if base == "" {
			base = o.Endpoint
		}
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return tiles.ServiceLayer{}, fmt.Errorf("wmts: %s: no GetTile address: %q", id, base)
		}
		q := url.Values{}
		for k, v := range u.Query() {
			switch strings.ToUpper(k) {
			case "SERVICE", "REQUEST", "VERSION", "LAYER", "STYLE", "TILEMATRIXSET", "FORMAT",
				"TILEMATRIX", "TILEROW", "TILECOL":
				continue
			}
			q[k] = v
		}
		q.Set("SERVICE", "WMTS")
		q.Set("REQUEST", "GetTile")
		q.Set("VERSION", "1.0.0")
		q.Set("LAYER", l.Identifier)
		q.Set("STYLE", o.Style)
		q.Set("TILEMATRIXSET", o.Set)
		q.Set("FORMAT", o.Format)
		u.RawQuery = q.Encode() + "&TILEMATRIX={tilematrix}&TILEROW={y}&TILECOL={x}"
		u.Fragment = ""
		template = u.String()
	}
	kind, format := tiles.KindOfFormat(o.Format)
	return tiles.ServiceLayer{
		Protocol:    tiles.ProtocolWMTS,
		Title:       l.Title,
		URL:         template,
		MatrixIDs:   ids,
		Attribution: c.Attribution(),
		MinZoom:     minZ,
		MaxZoom:     maxZ,
		Format:      format,
		Kind:        kind,
	}, nil
}

// restful turns a ResourceURL template into a tiles template.
func restful(tpl, set, style string) (string, error) {
	var bad string
	out := restPlaceholder.ReplaceAllStringFunc(tpl, func(p string) string {
		switch strings.ToLower(p) {
		case "{tilematrixset}":
			return url.PathEscape(set)
		case "{style}":
			return url.PathEscape(style)
		case "{tilematrix}":
			return "{tilematrix}"
		case "{tilerow}":
			return "{y}"
		case "{tilecol}":
			return "{x}"
		}
		bad = p
		return p
	})
	if bad != "" {
		return "", fmt.Errorf("the tile address %q has a dimension %s Terrimap cannot fill", tpl, bad)
	}
	return out, nil
}
