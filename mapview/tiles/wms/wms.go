// Package wms reads the capabilities of a Web Map Service (OGC 06-042,
// WMS 1.3.0, and WMS 1.1.1) and makes one of its layers a basemap: a
// tiles.ServiceLayer that asks GetMap for 256-pixel images, one per Web
// Mercator tile, so that they are cached and go offline as XYZ tiles do.
//
// A tile is asked for in EPSG:3857 when the layer offers it (or one of its
// aliases), else in EPSG:4326 or CRS:84 — with the axis order of the
// version: EPSG:4326 is latitude first in 1.3.0, longitude first in 1.1.1.
package wms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
)

// Errors callers tell apart.
var (
	// ErrNotCapabilities: the document is not a WMS capabilities document.
	ErrNotCapabilities = errors.New("wms: not a WMS capabilities document")
	// ErrNoTileCRS: the layer is offered in no CRS a Web Mercator tile can
	// be asked in (EPSG:3857, EPSG:4326, CRS:84).
	ErrNoTileCRS = errors.New("wms: the layer is offered neither in EPSG:3857 nor in EPSG:4326")
)

// Limits against hostile documents.
const (
	maxLayers = 20000
	maxDepth  = 64
)

// Capabilities is what a WMS server says of itself and its layers.
type Capabilities struct {
	// Version is "1.3.0" or "1.1.1" (what the server answered).
	Version string
	// Title and Abstract describe the service.
	Title, Abstract string
	// Provider is the organisation (or person) that runs the service.
	Provider string
	// AccessConstraints and Fees are the service's conditions of use.
	AccessConstraints, Fees string
	// GetMapURL is the GetMap request's address ("" if not given).
	GetMapURL string
	// Formats are the image formats of GetMap.
	Formats []string
	// Layers are the named layers (those a GetMap can ask for), depth
	// first, with the properties they inherit from their parents.
	Layers []Layer
}

// Layer is a named layer of the service.
type Layer struct {
	// Name is what LAYERS= asks for.
	Name string
	// Title and Abstract describe it.
	Title, Abstract string
	// CRS are the coordinate reference systems it is offered in.
	CRS []string
	// Styles are its styles; the first is used when none is chosen.
	Styles []Style
	// Attribution credits its data (the layer's Attribution title).
	Attribution string
	// Bound is its extent in longitude and latitude; zero when unknown.
	Bound orb.Bound
	// MinScale and MaxScale are the scale denominators between which it
	// is drawn; 0 when not said.
	MinScale, MaxScale float64
	// Depth is how deep it sits in the layer tree (0 at the top).
	Depth int
}

// Style is a layer's style.
type Style struct {
	Name, Title, Abstract string
}

// The document, as encoding/xml reads it; element names match WMS 1.3.0
// (namespace http://www.opengis.net/wms) and 1.1.1 (no namespace) alike.
type capsXML struct {
	Version string `xml:"version,attr"`
	Service struct {
		Title             string `xml:"Title"`
		Abstract          string `xml:"Abstract"`
		AccessConstraints string `xml:"AccessConstraints"`
		Fees              string `xml:"Fees"`
		Contact           struct {
			Person       string `xml:"ContactPersonPrimary>ContactPerson"`
			Organization string `xml:"ContactPersonPrimary>ContactOrganization"`
		} `xml:"ContactInformation"`
	} `xml:"Service"`
	Capability struct {
		GetMap struct {
			Formats []string `xml:"Format"`
			Get     []struct {
				Href string `xml:"href,attr"`
			} `xml:"DCPType>HTTP>Get>OnlineResource"`
		} `xml:"Request>GetMap"`
		Layers []layerXML `xml:"Layer"`
	} `xml:"Capability"`
}

type layerXML struct {
	Name        string   `xml:"Name"`
	Title       string   `xml:"Title"`
	Abstract    string   `xml:"Abstract"`
	CRS         []string `xml:"CRS"`
	SRS         []string `xml:"SRS"`
	Styles      []Style  `xml:"Style"`
	Attribution *struct {
		Title string `xml:"Title"`
	} `xml:"Attribution"`
	Geographic *struct {
		West  string `xml:"westBoundLongitude"`
		East  string `xml:"eastBoundLongitude"`
		South string `xml:"southBoundLatitude"`
		North string `xml:"northBoundLatitude"`
	} `xml:"EX_GeographicBoundingBox"`
	LatLon *struct {
		MinX string `xml:"minx,attr"`
		MinY string `xml:"miny,attr"`
		MaxX string `xml:"maxx,attr"`
		MaxY string `xml:"maxy,attr"`
	} `xml:"LatLonBoundingBox"`
	MinScale string     `xml:"MinScaleDenominator"`
	MaxScale string     `xml:"MaxScaleDenominator"`
	Layers   []layerXML `xml:"Layer"`
}

// Parse reads a WMS GetCapabilities answer.
func Parse(data []byte) (*Capabilities, error) {
	if msg, ok := ogcxml.Exception(data); ok {
		return nil, fmt.Errorf("wms: %w: %s", ogcxml.ErrException, msg)
	}
	d, root, err := ogcxml.Root(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCapabilities, err)
	}
	if root.Name.Local != "WMS_Capabilities" && root.Name.Local != "WMT_MS_Capabilities" {
		return nil, fmt.Errorf("%w: its root element is <%s>", ErrNotCapabilities, root.Name.Local)
	}
	var x capsXML
	if err := d.DecodeElement(&x, &root); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCapabilities, err)
	}
	c := &Capabilities{
		Version:           strings.TrimSpace(x.Version),
		Title:             ogcxml.Text(x.Service.Title),
		Abstract:          strings.TrimSpace(x.Service.Abstract),
		AccessConstraints: ogcxml.Text(x.Service.AccessConstraints),
		Fees:              ogcxml.Text(x.Service.Fees),
		Provider:          ogcxml.Text(x.Service.Contact.Organization),
	}
	if c.Version == "" {
		c.Version = "1.3.0"
		if root.Name.Local == "WMT_MS_Capabilities" {
			c.Version = "1.1.1"
		}
	}
	if c.Provider == "" {
		c.Provider = ogcxml.Text(x.Service.Contact.Person)
	}
	for _, f := range x.Capability.GetMap.Formats {
		if f = strings.TrimSpace(f); f != "" {
			c.Formats = append(c.Formats, f)
		}
	}
	for _, g := range x.Capability.GetMap.Get {
		if h := strings.TrimSpace(g.Href); h != "" {
			c.GetMapURL = h
			break
		}
	}
	for i := range x.Capability.Layers {
		if err := c.flatten(&x.Capability.Layers[i], Layer{}, 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// flatten appends l and its descendants, named ones only, each inheriting
// what WMS says a child inherits: CRS, styles, extent, scales, attribution.
func (c *Capabilities) flatten(l *layerXML, parent Layer, depth int) error {
	if depth > maxDepth || len(c.Layers) >= maxLayers {
		return fmt.Errorf("%w: more than %d layers or %d levels", ErrNotCapabilities, maxLayers, maxDepth)
	}
	out := Layer{
		Name: strings.TrimSpace(l.Name), Title: ogcxml.Text(l.Title), Abstract: strings.TrimSpace(l.Abstract),
		CRS:    append([]string(nil), parent.CRS...),
		Styles: append([]Style(nil), parent.Styles...),
		Bound:  parent.Bound, MinScale: parent.MinScale, MaxScale: parent.MaxScale,
		Attribution: parent.Attribution, Depth: depth,
	}
	for _, list := range [][]string{l.CRS, l.SRS} {
		for _, s := range list {
			// 1.1.1 servers may list several in one element.
			for _, crs := range strings.Fields(s) {
				if !hasFold(out.CRS, crs) {
					out.CRS = append(out.CRS, crs)
				}
			}
		}
	}
	for _, s := range l.Styles {
		s = Style{Name: strings.TrimSpace(s.Name), Title: ogcxml.Text(s.Title), Abstract: strings.TrimSpace(s.Abstract)}
		known := false
		for _, o := range out.Styles {
			known = known || o.Name == s.Name
		}
		if !known {
			out.Styles = append(out.Styles, s)
		}
	}
	if l.Attribution != nil && ogcxml.Text(l.Attribution.Title) != "" {
		out.Attribution = ogcxml.Text(l.Attribution.Title)
	}
	if g := l.Geographic; g != nil {
		if b, ok := bound(g.West, g.South, g.East, g.North); ok {
			out.Bound = b
		}
	} else if g := l.LatLon; g != nil {
		if b, ok := bound(g.MinX, g.MinY, g.MaxX, g.MaxY); ok {
			out.Bound = b
		}
	}
	if v, ok := ogcxml.Number(l.MinScale); ok {
		out.MinScale = v
	}
	if v, ok := ogcxml.Number(l.MaxScale); ok {
		out.MaxScale = v
	}
	if out.Title == "" {
		out.Title = out.Name
	}
	if out.Name != "" {
		c.Layers = append(c.Layers, out)
	}
	for i := range l.Layers {
		if err := c.flatten(&l.Layers[i], out, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// Layer returns the named layer, and whether there is one.
func (c *Capabilities) Layer(name string) (Layer, bool) {
	for _, l := range c.Layers {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

func hasFold(list []string, s string) bool {
	for _, o := range list {
		if strings.EqualFold(o, s) {
			return true
		}
	}
	return false
}

// bound reads a longitude/latitude extent; false when it is not one.
func bound(w, s, e, n string) (orb.Bound, bool) {
	var v [4]float64
	for i, t := range []string{w, s, e, n} {
		f, ok := ogcxml.Number(t)
		if !ok {
			return orb.Bound{}, false
		}
		v[i] = f
	}
	if v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return orb.Bound{}, false
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, true
}
