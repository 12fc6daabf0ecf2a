// Package catalog reads what a WMS or WMTS server offers as one list of
// layers to choose a basemap from — each with its title, abstract,
// styles, formats and grids (the WMS CRS or the WMTS tile matrix sets a
// Web Mercator map can use) — and makes the chosen one a
// tiles.ServiceLayer. It is what the app's basemap dialog shows.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
	"terrimap/mapview/tiles"
	"terrimap/mapview/tiles/wms"
	"terrimap/mapview/tiles/wmts"
)

// ErrUnusable: the layer cannot be shown on a Web Mercator map (a WMS
// layer in neither EPSG:3857 nor EPSG:4326, a WMTS layer without a Web
// Mercator tile matrix set).
var ErrUnusable = errors.New("catalog: the layer cannot be drawn on a Web Mercator map")

// Catalog is what a server offers.
type Catalog struct {
	// Protocol is tiles.ProtocolWMS or tiles.ProtocolWMTS.
	Protocol string
	// Title describes the service; Attribution credits it.
	Title, Attribution string
	// Layers are its layers, in its order.
	Layers []Layer

	endpoint string
	wms      *wms.Capabilities
	wmts     *wmts.Capabilities
}

// Layer is a layer to choose.
type Layer struct {
	// Name is its WMS name or WMTS identifier.
	Name string
	// Title and Abstract describe it; Attribution credits it.
	Title, Abstract, Attribution string
	// Styles are its styles (names), the default first.
	Styles []string
	// Formats are the image formats it can be had in, the preferred first.
	Formats []string
	// Grids are the WMS CRS or WMTS tile matrix sets that fit the map,
	// the best first; none when the layer is unusable.
	Grids []string
	// Depth is how deep it sits in a WMS layer tree.
	Depth int
	// Bound is its extent in longitude and latitude; zero when the
	// server does not say.
	Bound orb.Bound
}

// Covers reports whether the layer's extent meets b (true when the
// server gives no extent): a PCRS or a local orthophoto may not reach the
// workspace's territory.
func (l Layer) Covers(b orb.Bound) bool {
	return l.Bound.IsZero() || l.Bound.Intersects(b)
}

// Usable reports whether the layer can be drawn on the map.
func (l Layer) Usable() bool { return len(l.Grids) > 0 }

// Read asks the server at addr for its capabilities and lists its
// layers. protocol (tiles.ProtocolWMS or ProtocolWMTS) may be empty: an
// address that names WMTS is read as WMTS, others as WMS, and the other
// protocol is tried when the answer is not the one expected.
func Read(ctx context.Context, hc *http.Client, addr, protocol, userAgent string) (*Catalog, error) {
	order := []string{tiles.ProtocolWMS, tiles.ProtocolWMTS}
	switch {
	case protocol == tiles.ProtocolWMTS:
		order = order[1:]
	case protocol == tiles.ProtocolWMS:
		order = order[:1]
	case strings.Contains(strings.ToLower(addr), "wmts"):
		order = []string{tiles.ProtocolWMTS, tiles.ProtocolWMS}
	}
	var first error
	for _, p := range order {
		c, err := read(ctx, hc, addr, p, userAgent)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if !errors.Is(err, wms.ErrNotCapabilities) && !errors.Is(err, wmts.ErrNotCapabilities) &&
			!errors.Is(err, ogcxml.ErrException) && !errors.Is(err, ogcxml.ErrRefused) {
			break // the server cannot be reached: the other protocol would not either
		}
	}
	return nil, first
}

// endpointOf is addr without the query of a GetCapabilities request.
func endpointOf(addr string) string {
	u, err := url.Parse(strings.TrimSpace(addr))
	if err != nil {
		return addr
	}
	q := u.Query()
	for k := range q {
		switch strings.ToUpper(k) {
		case "SERVICE", "REQUEST", "VERSION", "ACCEPTVERSIONS":
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func read(ctx context.Context, hc *http.Client, addr, protocol, userAgent string) (*Catalog, error) {
	version := "1.3.0"
	if protocol == tiles.ProtocolWMTS {
		version = "1.0.0"
	}
	capsURL, err := ogcxml.CapabilitiesURL(addr, protocol, version)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	data, err := ogcxml.Get(ctx, hc, capsURL, userAgent)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &Catalog{Protocol: protocol, endpoint: endpointOf(addr)}
	if protocol == tiles.ProtocolWMTS {
		if c.wmts, err = wmts.Parse(data); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		c.listWMTS()
		return c, nil
	}
	if c.wms, err = wms.Parse(data); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c.listWMS()
	return c, nil
}

func (c *Catalog) listWMS() {
	w := c.wms
	c.Title = w.Title
	c.Attribution = w.Attribution(wms.Layer{})
	formats := orderFirst(w.Formats, w.PreferredFormat())
	for _, l := range w.Layers {
		var styles []string
		for _, s := range l.Styles {
			styles = append(styles, s.Name)
		}
		var grids []string
		if best := l.TileCRS(); best != "" {
			grids = append(grids, best)
			for _, crs := range l.CRS {
				if _, ok := tiles.BBoxPlaceholder(crs, w.Version); ok && !strings.EqualFold(crs, best) {
					grids = append(grids, crs)
				}
			}
		}
		c.Layers = append(c.Layers, Layer{
			Name: l.Name, Title: l.Title, Abstract: l.Abstract, Attribution: w.Attribution(l),
			Styles: styles, Formats: imageFormats(formats), Grids: grids, Depth: l.Depth, Bound: l.Bound,
		})
	}
}

func (c *Catalog) listWMTS() {
	w := c.wmts
	c.Title = w.Title
	c.Attribution = w.Attribution()
	for _, l := range w.Layers {
		styles := orderFirst(nil, l.DefaultStyle())
		for _, s := range l.Styles {
			if s.Identifier != styles[0] {
				styles = append(styles, s.Identifier)
			}
		}
		c.Layers = append(c.Layers, Layer{
			Name: l.Identifier, Title: l.Title, Abstract: l.Abstract, Attribution: c.Attribution,
			Styles: styles, Formats: imageFormats(orderFirst(l.Formats, l.PreferredFormat())), Grids: w.MercatorSets(l),
			Bound: l.Bound,
		})
	}
}

// orderFirst returns list with first moved (or added) to the front.
func orderFirst(list []string, first string) []string {
	out := []string{first}
	for _, s := range list {
		if s != first {
			out = append(out, s)
		}
	}
	return out
}

// imageFormats keeps the formats a tile can be decoded from.
func imageFormats(list []string) []string {
	var out []string
	for _, f := range list {
		low := strings.ToLower(f)
		if strings.HasPrefix(low, "image/png") || strings.HasPrefix(low, "image/jpeg") || strings.HasPrefix(low, "image/webp") {
			out = append(out, f)
		}
	}
	return out
}

// Layer returns the layer called name, and whether there is one.
func (c *Catalog) Layer(name string) (Layer, bool) {
	for _, l := range c.Layers {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// Basemap makes layer name a basemap, asked in style, format and grid
// (empty: the layer's defaults).
func (c *Catalog) Basemap(name, style, format, grid string) (tiles.ServiceLayer, error) {
	l, ok := c.Layer(name)
	if !ok {
		return tiles.ServiceLayer{}, fmt.Errorf("catalog: no layer %q", name)
	}
	if !l.Usable() {
		return tiles.ServiceLayer{}, fmt.Errorf("%w: %s", ErrUnusable, l.Title)
	}
	if c.wmts != nil {
		return c.wmts.Basemap(name, wmts.Options{Style: style, Format: format, Set: grid, Endpoint: c.endpoint})
	}
	return c.wms.Basemap(name, wms.Options{Style: style, Format: format, CRS: grid, Endpoint: c.endpoint})
}
