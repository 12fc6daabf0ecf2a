package wfs

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/ogcxml"
)

// ErrServiceException is a server's answer that is an OWS exception report
// instead of the document asked for.
var ErrServiceException = errors.New("wfs: the server answered with an exception")

// ErrNotWFS is returned for a document that is no WFS capabilities.
var ErrNotWFS = errors.New("wfs: not a WFS capabilities document")

// maxDocument bounds a capabilities or schema document.
const maxDocument = 32 << 20

// Capabilities is what a server says of itself in GetCapabilities.
type Capabilities struct {
	// Version is the WFS version the server answered in: "2.0.0", "1.1.0" or "1.0.0".
	Version string
	// Title and Abstract describe the service.
	Title, Abstract string
	// Provider is who runs the service (ServiceProvider's name).
	Provider string
	// AccessConstraints and Fees are the service's terms ("" or "none" for none).
	AccessConstraints, Fees string
	// GetFeatureURL and DescribeURL are the operations' GET addresses; ""
	// when the document gives none (the capabilities' own address then serves).
	GetFeatureURL, DescribeURL string
	// OutputFormats are GetFeature's output formats.
	OutputFormats []string
	// Paging is true when the server implements result paging (STARTINDEX/COUNT).
	Paging bool
	// FeatureTypes are the layers offered.
	FeatureTypes []FeatureType
}

// FeatureType is one layer a WFS offers.
type FeatureType struct {
	// Name is the type name to ask for, qualified as the server wrote it ("ms:communes").
	Name string
	// Title and Abstract are for people.
	Title, Abstract string
	// DefaultCRS and OtherCRS are the coordinate systems offered, as the server names them.
	DefaultCRS string
	OtherCRS   []string
	// WGS84 is the layer's extent in longitude/latitude; nil when not given.
	WGS84 *orb.Bound
	// OutputFormats are formats offered for this type only (WFS 1.1).
	OutputFormats []string
}

// CRS lists the coordinate systems offered, the default first.
func (ft FeatureType) CRS() []string {
	out := []string{}
	if ft.DefaultCRS != "" {
		out = append(out, ft.DefaultCRS)
	}
	return append(out, ft.OtherCRS...)
}

// Credit is what a map showing the service's data owes it: "© provider,
// terms" from ServiceProvider and AccessConstraints (the service's title
// when it names no provider), by ogcxml.Credit's rule; "" when it says
// neither.
func (c *Capabilities) Credit() string {
	who := c.Provider
	if who == "" {
		who = c.Title
	}
	if who != "" {
		who = "© " + who
	}
	return ogcxml.Credit(who, c.AccessConstraints)
}

// FeatureType returns the type of that name, matched with or without its
// namespace prefix.
func (c *Capabilities) FeatureType(name string) (FeatureType, bool) {
	for _, ft := range c.FeatureTypes {
		if ft.Name == name {
			return ft, true
		}
	}
	for _, ft := range c.FeatureTypes {
		if localName(ft.Name) == localName(name) {
			return ft, true
		}
	}
	return FeatureType{}, false
}

func localName(qname string) string {
	if i := strings.LastIndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

type owsOperation struct {
	Name        string          `xml:"name,attr"`
	Get         []owsHref       `xml:"DCP>HTTP>Get"`
	Parameters  []owsParameter  `xml:"Parameter"`
	Constraints []owsConstraint `xml:"Constraint"`
}

type owsHref struct {
	Href string `xml:"href,attr"`
}

type owsParameter struct {
	Name    string   `xml:"name,attr"`
	Allowed []string `xml:"AllowedValues>Value"`
	Values  []string `xml:"Value"`
}

func (p owsParameter) values() []string { return append(append([]string{}, p.Allowed...), p.Values...) }

type owsConstraint struct {
	Name         string   `xml:"name,attr"`
	DefaultValue string   `xml:"DefaultValue"`
	Values       []string `xml:"AllowedValues>Value"`
}

type capsDocument struct {
	XMLName  xml.Name
	Version  string `xml:"version,attr"`
	Identity struct {
		Title             string `xml:"Title"`
		Abstract          string `xml:"Abstract"`
		AccessConstraints string `xml:"AccessConstraints"`
		Fees              string `xml:"Fees"`
	} `xml:"ServiceIdentification"`
	Provider string   `xml:"ServiceProvider>ProviderName"`
	Service  struct { // WFS 1.0
		Title             string `xml:"Title"`
		Abstract          string `xml:"Abstract"`
		AccessConstraints string `xml:"AccessConstraints"`
		Fees              string `xml:"Fees"`
	} `xml:"Service"`
	Operations  []owsOperation  `xml:"OperationsMetadata>Operation"`
	Constraints []owsConstraint `xml:"OperationsMetadata>Constraint"`
	// WFS 1.0 requests.
	GetFeature10 struct {
		Formats []struct {
			Inner []xml.Name `xml:",any"`
		} `xml:"ResultFormat"`
		Get []struct {
			OnlineResource string `xml:"onlineResource,attr"`
		} `xml:"DCPType>HTTP>Get"`
	} `xml:"Capability>Request>GetFeature"`
	FeatureTypes []featureTypeDocument `xml:"FeatureTypeList>FeatureType"`
	Exception    []string              `xml:"Exception>ExceptionText"`
	Exception10  []string              `xml:"ServiceException"`
}

type featureTypeDocument struct {
	Name       string   `xml:"Name"`
	Title      string   `xml:"Title"`
	Abstract   string   `xml:"Abstract"`
	DefaultCRS string   `xml:"DefaultCRS"`
	DefaultSRS string   `xml:"DefaultSRS"`
	SRS        string   `xml:"SRS"`
	OtherCRS   []string `xml:"OtherCRS"`
	OtherSRS   []string `xml:"OtherSRS"`
	WGS84      []struct {
		Lower string `xml:"LowerCorner"`
		Upper string `xml:"UpperCorner"`
	} `xml:"WGS84BoundingBox"`
	LatLong []struct {
		MinX string `xml:"minx,attr"`
		MinY string `xml:"miny,attr"`
		MaxX string `xml:"maxx,attr"`
		MaxY string `xml:"maxy,attr"`
	} `xml:"LatLongBoundingBox"`
	Formats []string `xml:"OutputFormats>Format"`
}

// ParseCapabilities reads a WFS GetCapabilities answer (2.0, 1.1 or 1.0).
// An exception report gives ErrServiceException with the server's words.
func ParseCapabilities(r io.Reader) (*Capabilities, error) {
	var doc capsDocument
	dec := xml.NewDecoder(io.LimitReader(r, maxDocument))
	dec.CharsetReader = ogcxml.CharsetReader
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("wfs: capabilities: %w", err)
	}
	switch doc.XMLName.Local {
	case "ExceptionReport", "ServiceExceptionReport":
		return nil, fmt.Errorf("%w: %s", ErrServiceException, strings.TrimSpace(strings.Join(append(doc.Exception, doc.Exception10...), "; ")))
	case "WFS_Capabilities":
	default:
		return nil, fmt.Errorf("%w: root element <%s>", ErrNotWFS, doc.XMLName.Local)
	}
	c := &Capabilities{Version: strings.TrimSpace(doc.Version), Title: strings.TrimSpace(doc.Identity.Title), Abstract: strings.TrimSpace(doc.Identity.Abstract)}
	c.Provider = strings.TrimSpace(doc.Provider)
	c.AccessConstraints, c.Fees = strings.TrimSpace(doc.Identity.AccessConstraints), strings.TrimSpace(doc.Identity.Fees)
	if c.Title == "" {
		c.Title, c.Abstract = strings.TrimSpace(doc.Service.Title), strings.TrimSpace(doc.Service.Abstract)
		c.AccessConstraints, c.Fees = strings.TrimSpace(doc.Service.AccessConstraints), strings.TrimSpace(doc.Service.Fees)
	}
	for _, op := range doc.Operations {
		href := ""
		if len(op.Get) > 0 {
			href = strings.TrimSpace(op.Get[0].Href)
		}
		switch op.Name {
		case "GetFeature":
			c.GetFeatureURL = href
			for _, p := range op.Parameters {
				if strings.EqualFold(p.Name, "outputFormat") {
					c.OutputFormats = append(c.OutputFormats, trimAll(p.values())...)
				}
			}
			for _, k := range op.Constraints {
				if k.Name == "ImplementsResultPaging" {
					c.Paging = c.Paging || isTrue(k.DefaultValue)
				}
			}
		case "DescribeFeatureType":
			c.DescribeURL = href
		}
	}
	for _, k := range doc.Constraints {
		if k.Name == "ImplementsResultPaging" {
			c.Paging = c.Paging || isTrue(k.DefaultValue)
		}
	}
	if c.Version == "1.0.0" || strings.HasPrefix(c.Version, "1.0") {
		for _, f := range doc.GetFeature10.Formats {
			for _, n := range f.Inner {
				c.OutputFormats = append(c.OutputFormats, n.Local)
			}
		}
		if len(doc.GetFeature10.Get) > 0 {
			c.GetFeatureURL = strings.TrimSpace(doc.GetFeature10.Get[0].OnlineResource)
		}
	}
	for _, d := range doc.FeatureTypes {
		ft := FeatureType{
			Name: strings.TrimSpace(d.Name), Title: strings.TrimSpace(d.Title), Abstract: strings.TrimSpace(d.Abstract),
			DefaultCRS: firstNonEmpty(d.DefaultCRS, d.DefaultSRS, d.SRS), OtherCRS: trimAll(append(d.OtherCRS, d.OtherSRS...)),
			OutputFormats: trimAll(d.Formats),
		}
		if ft.Name == "" {
			continue
		}
		if len(d.WGS84) > 0 {
			lo, lok := twoNumbers(d.WGS84[0].Lower)
			hi, hok := twoNumbers(d.WGS84[0].Upper)
			if lok && hok {
				ft.WGS84 = &orb.Bound{Min: lo, Max: hi}
			}
		} else if len(d.LatLong) > 0 {
			b := d.LatLong[0]
			lo, lok := twoNumbers(b.MinX + " " + b.MinY)
			hi, hok := twoNumbers(b.MaxX + " " + b.MaxY)
			if lok && hok {
				ft.WGS84 = &orb.Bound{Min: lo, Max: hi}
			}
		}
		c.FeatureTypes = append(c.FeatureTypes, ft)
	}
	return c, nil
}

func isTrue(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func trimAll(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// twoNumbers reads "x y" (a GML corner).
func twoNumbers(s string) (orb.Point, bool) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return orb.Point{}, false
	}
	x, err1 := strconv.ParseFloat(f[0], 64)
	y, err2 := strconv.ParseFloat(f[1], 64)
	return orb.Point{x, y}, err1 == nil && err2 == nil
}
