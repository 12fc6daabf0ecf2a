// Package wmts reads the capabilities of a Web Map Tile Service (OGC
// 07-057r7, WMTS 1.0.0) and makes one of its layers a basemap: a
// tiles.ServiceLayer of GetTile requests (KVP, or the layer's RESTful
// ResourceURL when the server offers no KVP).
//
// Terrimap's map is Web Mercator with XYZ numbering; a layer can be shown
// through a tile matrix set that is the same grid: EPSG:3857 (or an
// alias), 256-pixel tiles, the top left corner at (−20037508.34,
// 20037508.34) and each matrix at a zoom's scale — the Géoplateforme's
// "PM", GoogleMapsCompatible. Its matrices may have any identifiers
// ("0", "EPSG:3857:12"…) and skip zooms.
package wmts

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
)

// Errors callers tell apart.
var (
	// ErrNotCapabilities: the document is not a WMTS capabilities document.
	ErrNotCapabilities = errors.New("wmts: not a WMTS capabilities document")
	// ErrNoMercatorSet: none of the layer's tile matrix sets is the Web
	// Mercator grid the map uses.
	ErrNoMercatorSet = errors.New("wmts: the layer has no Web Mercator tile matrix set")
)

// Limits against hostile documents.
const (
	maxLayers   = 20000
	maxMatrices = 64
)

// Capabilities is what a WMTS server says of itself, its layers and its
// tile matrix sets.
type Capabilities struct {
	// Title and Abstract describe the service.
	Title, Abstract string
	// Provider is the organisation that runs the service.
	Provider string
	// AccessConstraints and Fees are its conditions of use.
	AccessConstraints, Fees string
	// GetTileKVP is the address of KVP GetTile requests ("" when the
	// server offers only RESTful ones).
	GetTileKVP string
	// Layers are the service's layers.
	Layers []Layer
	// Sets are the tile matrix sets, by identifier.
	Sets map[string]MatrixSet
}

// Layer is a layer of the service.
type Layer struct {
	// Identifier is what LAYER= asks for.
	Identifier string
	// Title and Abstract describe it.
	Title, Abstract string
	// Styles are its styles; Default is the one marked isDefault.
	Styles []Style
	// Formats are its tiles' image formats.
	Formats []string
	// Sets are the identifiers of its tile matrix sets.
	Sets []string
	// Bound is its extent in longitude and latitude; zero when unknown.
	Bound orb.Bound
	// Templates are its RESTful tile URL templates by format.
	Templates map[string]string
}

// Style is a layer's style.
type Style struct {
	Identifier, Title string
	Default           bool
}

// MatrixSet is a tile matrix set.
type MatrixSet struct {
	Identifier string
	// CRS is its ows:SupportedCRS.
	CRS string
	// Matrices are its tile matrices, in the document's order.
	Matrices []Matrix
}

// Matrix is one tile matrix (one zoom).
type Matrix struct {
	Identifier       string
	ScaleDenominator float64
	TopLeft          [2]float64
	TileWidth        int
	TileHeight       int
	MatrixWidth      int
	MatrixHeight     int
}

type capsXML struct {
	Service struct {
		Title             string `xml:"Title"`
		Abstract          string `xml:"Abstract"`
		AccessConstraints string `xml:"AccessConstraints"`
		Fees              string `xml:"Fees"`
	} `xml:"ServiceIdentification"`
	Provider   string `xml:"ServiceProvider>ProviderName"`
	Operations []struct {
		Name string `xml:"name,attr"`
		Get  []struct {
			Href      string   `xml:"href,attr"`
			Encodings []string `xml:"Constraint>AllowedValues>Value"`
		} `xml:"DCP>HTTP>Get"`
	} `xml:"OperationsMetadata>Operation"`
	Layers []struct {
		Identifier string `xml:"Identifier"`
		Title      string `xml:"Title"`
		Abstract   string `xml:"Abstract"`
		WGS84      []struct {
			Lower string `xml:"LowerCorner"`
			Upper string `xml:"UpperCorner"`
		} `xml:"WGS84BoundingBox"`
		Styles []struct {
			Identifier string `xml:"Identifier"`
			Title      string `xml:"Title"`
			Default    string `xml:"isDefault,attr"`
		} `xml:"Style"`
		Formats   []string `xml:"Format"`
		Links     []string `xml:"TileMatrixSetLink>TileMatrixSet"`
		Resources []struct {
			Format   string `xml:"format,attr"`
			Type     string `xml:"resourceType,attr"`
			Template string `xml:"template,attr"`
		} `xml:"ResourceURL"`
	} `xml:"Contents>Layer"`
	Sets []struct {
		Identifier string `xml:"Identifier"`
		CRS        string `xml:"SupportedCRS"`
		Matrices   []struct {
			Identifier   string `xml:"Identifier"`
			Scale        string `xml:"ScaleDenominator"`
			TopLeft      string `xml:"TopLeftCorner"`
			TileWidth    string `xml:"TileWidth"`
			TileHeight   string `xml:"TileHeight"`
			MatrixWidth  string `xml:"MatrixWidth"`
			MatrixHeight string `xml:"MatrixHeight"`
		} `xml:"TileMatrix"`
	} `xml:"Contents>TileMatrixSet"`
}

// Parse reads a WMTS GetCapabilities answer.
func Parse(data []byte) (*Capabilities, error) {
	if msg, ok := ogcxml.Exception(data); ok {
		return nil, fmt.Errorf("wmts: %w: %s", ogcxml.ErrException, msg)
	}
	d, root, err := ogcxml.Root(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCapabilities, err)
	}
	if root.Name.Local != "Capabilities" || (root.Name.Space != "" && !strings.Contains(root.Name.Space, "wmts")) {
		return nil, fmt.Errorf("%w: its root element is <%s>", ErrNotCapabilities, root.Name.Local)
	}
	var x capsXML
	if err := d.DecodeElement(&x, &root); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCapabilities, err)
	}
	if len(x.Layers) > maxLayers {
		return nil, fmt.Errorf("%w: more than %d layers", ErrNotCapabilities, maxLayers)
	}
	c := &Capabilities{
		Title: ogcxml.Text(x.Service.Title), Abstract: strings.TrimSpace(x.Service.Abstract),
		AccessConstraints: ogcxml.Text(x.Service.AccessConstraints), Fees: ogcxml.Text(x.Service.Fees),
		Provider: ogcxml.Text(x.Provider), Sets: map[string]MatrixSet{},
	}
	for _, op := range x.Operations {
		if op.Name != "GetTile" {
			continue
		}
		for _, g := range op.Get {
			kvp := len(g.Encodings) == 0
			for _, e := range g.Encodings {
				kvp = kvp || strings.EqualFold(strings.TrimSpace(e), "KVP")
			}
			if h := strings.TrimSpace(g.Href); kvp && h != "" && c.GetTileKVP == "" {
				c.GetTileKVP = h
			}
		}
	}
	for _, xl := range x.Layers {
		l := Layer{Identifier: strings.TrimSpace(xl.Identifier), Title: ogcxml.Text(xl.Title), Abstract: strings.TrimSpace(xl.Abstract),
			Templates: map[string]string{}}
		if l.Identifier == "" {
			continue
		}
		if l.Title == "" {
			l.Title = l.Identifier
		}
		for _, s := range xl.Styles {
			l.Styles = append(l.Styles, Style{Identifier: strings.TrimSpace(s.Identifier), Title: ogcxml.Text(s.Title),
				Default: strings.TrimSpace(s.Default) == "true"})
		}
		for _, f := range xl.Formats {
			if f = strings.TrimSpace(f); f != "" {
				l.Formats = append(l.Formats, f)
			}
		}
		for _, s := range xl.Links {
			if s = strings.TrimSpace(s); s != "" {
				l.Sets = append(l.Sets, s)
			}
		}
		for _, r := range xl.Resources {
			if strings.EqualFold(r.Type, "tile") && r.Template != "" {
				l.Templates[strings.TrimSpace(r.Format)] = strings.TrimSpace(r.Template)
			}
		}
		if len(xl.WGS84) > 0 {
			lo, ok1 := pair(xl.WGS84[0].Lower)
			hi, ok2 := pair(xl.WGS84[0].Upper)
			if ok1 && ok2 && lo[0] <= hi[0] && lo[1] <= hi[1] {
				l.Bound = orb.Bound{Min: orb.Point{lo[0], lo[1]}, Max: orb.Point{hi[0], hi[1]}}
			}
		}
		c.Layers = append(c.Layers, l)
	}
	for _, xs := range x.Sets {
		s := MatrixSet{Identifier: strings.TrimSpace(xs.Identifier), CRS: strings.TrimSpace(xs.CRS)}
		if s.Identifier == "" || len(xs.Matrices) > maxMatrices {
			continue
		}
		for _, xm := range xs.Matrices {
			m := Matrix{Identifier: strings.TrimSpace(xm.Identifier)}
			var ok [6]bool
			m.ScaleDenominator, ok[0] = ogcxml.Number(xm.Scale)
			m.TopLeft, ok[1] = pair(xm.TopLeft)
			m.TileWidth, ok[2] = integer(xm.TileWidth)
			m.TileHeight, ok[3] = integer(xm.TileHeight)
			m.MatrixWidth, ok[4] = integer(xm.MatrixWidth)
			m.MatrixHeight, ok[5] = integer(xm.MatrixHeight)
			if m.Identifier != "" && ok == [6]bool{true, true, true, true, true, true} {
				s.Matrices = append(s.Matrices, m)
			}
		}
		c.Sets[s.Identifier] = s
	}
	return c, nil
}

// Layer returns the layer with that identifier, and whether there is one.
func (c *Capabilities) Layer(id string) (Layer, bool) {
	for _, l := range c.Layers {
		if l.Identifier == id {
			return l, true
		}
	}
	return Layer{}, false
}

// DefaultStyle returns the style marked default, else the first.
func (l Layer) DefaultStyle() string {
	for _, s := range l.Styles {
		if s.Default {
			return s.Identifier
		}
	}
	if len(l.Styles) > 0 {
		return l.Styles[0].Identifier
	}
	return "default"
}

// integer reads a positive whole number.
func integer(s string) (int, bool) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	return v, err == nil && v > 0
}

// pair reads "x y".
func pair(s string) ([2]float64, bool) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return [2]float64{}, false
	}
	a, ok1 := ogcxml.Number(f[0])
	b, ok2 := ogcxml.Number(f[1])
	return [2]float64{a, b}, ok1 && ok2
}
