package wfs

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// maxGMLPage bounds one GetFeature answer in GML.
const maxGMLPage = 1 << 30

// GMLFeature is one feature of a GML feature collection, its coordinates
// as the document wrote them (see CRS for their order).
type GMLFeature struct {
	// ID is the feature's gml:id (or GML 2's fid); "" when none.
	ID string
	// Geometry is the first geometry property's; nil when none.
	Geometry orb.Geometry
	// SRSName is the geometry's srsName, or the collection's when it has none.
	SRSName string
	// Properties are the simple properties' texts; a nil (xsi:nil) property is absent.
	Properties map[string]string
}

// GMLReader reads the features of a WFS GetFeature answer in GML (2, 3.1
// or 3.2: wfs:member, gml:featureMember, gml:featureMembers) one at a time.
type GMLReader struct {
	dec *xml.Decoder
	// srsName is the collection's (its boundedBy envelope's).
	srsName string
	// pending are the features of a gml:featureMembers read but not returned.
	pending []*node
	started bool
}

// NewGMLReader reads GML from r.
func NewGMLReader(r io.Reader) *GMLReader {
	return &GMLReader{dec: newDecoder(r, maxGMLPage)}
}

// Next returns the next feature; io.EOF after the last one. An exception
// report gives ErrServiceException.
func (g *GMLReader) Next() (GMLFeature, error) {
	for {
		if len(g.pending) > 0 {
			n := g.pending[0]
			g.pending = g.pending[1:]
			return g.feature(n)
		}
		tok, err := g.dec.Token()
		if err == io.EOF {
			if !g.started {
				return GMLFeature{}, fmt.Errorf("wfs: gml: empty answer")
			}
			return GMLFeature{}, io.EOF
		}
		if err != nil {
			return GMLFeature{}, fmt.Errorf("wfs: gml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !g.started {
				g.started = true
				switch t.Name.Local {
				case "ExceptionReport", "ServiceExceptionReport":
					n, err := readNode(g.dec, t)
					if err != nil {
						return GMLFeature{}, fmt.Errorf("%w (unreadable: %v)", ErrServiceException, err)
					}
					return GMLFeature{}, fmt.Errorf("%w: %s", ErrServiceException, exceptionText(n))
				case "FeatureCollection":
				default:
					return GMLFeature{}, fmt.Errorf("wfs: gml: root element <%s> is not a feature collection", t.Name.Local)
				}
				continue
			}
			switch t.Name.Local {
			case "boundedBy":
				n, err := readNode(g.dec, t)
				if err != nil {
					return GMLFeature{}, fmt.Errorf("wfs: gml: %w", err)
				}
				if g.srsName == "" {
					n.walk(func(c *node) bool {
						if s := c.attr("srsName"); s != "" && g.srsName == "" {
							g.srsName = s
						}
						return g.srsName == ""
					})
				}
			case "member", "featureMember", "featureMembers":
				n, err := readNode(g.dec, t)
				if err != nil {
					return GMLFeature{}, fmt.Errorf("wfs: gml: %w", err)
				}
				for _, c := range n.children {
					if c.name.Local == "FeatureCollection" || c.name.Local == "AdditionalObjects" || c.name.Local == "Tuple" {
						continue // joins and additional objects are not simple features
					}
					g.pending = append(g.pending, c)
				}
			}
		}
	}
}

// gmlNamespace tells GML's namespaces (2 and 3.1 share one, 3.2 has its own).
func gmlNamespace(space string) bool {
	return strings.HasPrefix(space, "http://www.opengis.net/gml")
}

// feature reads one feature element.
func (g *GMLReader) feature(n *node) (GMLFeature, error) {
	f := GMLFeature{ID: n.attr("id"), Properties: map[string]string{}}
	if f.ID == "" {
		f.ID = n.attr("fid")
	}
	for _, p := range n.children {
		if gmlNamespace(p.name.Space) {
			continue // boundedBy, name, description…
		}
		if geom := firstGeometry(p); geom != nil {
			if f.Geometry == nil {
				gm, srs, err := readGeometry(geom)
				if err != nil {
					return f, fmt.Errorf("wfs: gml: feature %q, %s: %w", f.ID, p.name.Local, err)
				}
				f.Geometry, f.SRSName = gm, srs
			}
			continue
		}
		if p.attr("nil") == "true" {
			continue
		}
		if len(p.children) > 0 {
			continue // a complex property: not of the simple-features profile
		}
		f.Properties[p.name.Local] = p.text.String()
	}
	if f.SRSName == "" {
		f.SRSName = g.srsName
	}
	return f, nil
}

// firstGeometry is the GML geometry element a property holds; nil when none.
func firstGeometry(p *node) *node {
	for _, c := range p.children {
		if gmlNamespace(c.name.Space) {
			return c
		}
	}
	return nil
}

// errGeometry is a geometry the reader cannot read.
var errGeometry = errors.New("unreadable geometry")

// readGeometry reads a GML geometry element and its srsName (inherited by
// its parts).
func readGeometry(n *node) (orb.Geometry, string, error) {
	srs := n.attr("srsName")
	dim := atoiOr(n.attr("srsDimension"), 2)
	g, err := geometry(n, dim)
	return g, srs, err
}

func atoiOr(s string, def int) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 1 || v > 4 {
		return def
	}
	return v
}

func geometry(n *node, dim int) (orb.Geometry, error) {
	dim = atoiOr(n.attr("srsDimension"), dim)
	switch n.name.Local {
	case "Point":
		pts, err := positions(n, dim)
		if err != nil || len(pts) != 1 {
			return nil, fmt.Errorf("%w: a point of %d positions", errGeometry, len(pts))
		}
		return pts[0], nil
	case "LineString", "Curve", "LineStringSegment":
		return lineString(n, dim)
	case "Polygon", "PolygonPatch", "Surface":
		return polygon(n, dim)
	case "MultiPoint":
		var mp orb.MultiPoint
		for _, m := range members(n, "pointMember", "pointMembers") {
			g, err := geometry(m, dim)
			if err != nil {
				return nil, err
			}
			if p, ok := g.(orb.Point); ok {
				mp = append(mp, p)
			}
		}
		return mp, nil
	case "MultiLineString", "MultiCurve":
		var ml orb.MultiLineString
		for _, m := range members(n, "lineStringMember", "curveMember", "curveMembers") {
			g, err := geometry(m, dim)
			if err != nil {
				return nil, err
			}
			switch l := g.(type) {
			case orb.LineString:
				ml = append(ml, l)
			case orb.MultiLineString:
				ml = append(ml, l...)
			}
		}
		return ml, nil
	case "MultiPolygon", "MultiSurface":
		var mp orb.MultiPolygon
		for _, m := range members(n, "polygonMember", "surfaceMember", "surfaceMembers") {
			g, err := geometry(m, dim)
			if err != nil {
				return nil, err
			}
			switch p := g.(type) {
			case orb.Polygon:
				mp = append(mp, p)
			case orb.MultiPolygon:
				mp = append(mp, p...)
			}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("%w: <%s> is not of the simple-features profile", errGeometry, n.name.Local)
}

// members are the geometries held by the member properties of a multi-geometry.
func members(n *node, names ...string) []*node {
	var out []*node
	for _, c := range n.children {
		for _, name := range names {
			if c.name.Local == name {
				out = append(out, c.children...)
			}
		}
	}
	return out
}

func lineString(n *node, dim int) (orb.Geometry, error) {
	if segs := n.child("segments"); segs != nil {
		var ls orb.LineString
		for _, s := range segs.children {
			pts, err := positions(s, atoiOr(s.attr("srsDimension"), dim))
			if err != nil {
				return nil, err
			}
			if len(ls) > 0 && len(pts) > 0 && ls[len(ls)-1] == pts[0] {
				pts = pts[1:]
			}
			ls = append(ls, pts...)
		}
		return ls, nil
	}
	pts, err := positions(n, dim)
	if err != nil {
		return nil, err
	}
	return orb.LineString(pts), nil
}

func polygon(n *node, dim int) (orb.Geometry, error) {
	if patches := n.child("patches"); patches != nil {
		var mp orb.MultiPolygon
		for _, p := range patches.children {
			g, err := polygon(p, dim)
			if err != nil {
				return nil, err
			}
			switch pg := g.(type) {
			case orb.Polygon:
				mp = append(mp, pg)
			case orb.MultiPolygon:
				mp = append(mp, pg...)
			}
		}
		if len(mp) == 1 {
			return mp[0], nil
		}
		return mp, nil
	}
	var poly orb.Polygon
	for _, c := range n.children {
		switch c.name.Local {
		case "exterior", "outerBoundaryIs", "interior", "innerBoundaryIs":
		default:
			continue
		}
		if len(c.children) == 0 {
			return nil, fmt.Errorf("%w: an empty ring", errGeometry)
		}
		r := c.children[0]
		pts, err := positions(r, atoiOr(r.attr("srsDimension"), dim))
		if err != nil {
			return nil, err
		}
		if len(pts) < 4 {
			return nil, fmt.Errorf("%w: a ring of %d positions", errGeometry, len(pts))
		}
		if c.name.Local == "exterior" || c.name.Local == "outerBoundaryIs" {
			poly = append(orb.Polygon{orb.Ring(pts)}, poly...)
		} else {
			poly = append(poly, orb.Ring(pts))
		}
	}
	if len(poly) == 0 {
		return nil, fmt.Errorf("%w: a polygon without exterior", errGeometry)
	}
	return poly, nil
}

// positions reads the coordinates of a Point, LineString or LinearRing:
// posList, pos elements, GML 2's coordinates or coord elements.
func positions(n *node, dim int) ([]orb.Point, error) {
	if pl := n.child("posList"); pl != nil {
		return numbers(pl.text.String(), atoiOr(pl.attr("srsDimension"), atoiOr(pl.attr("dimension"), dim)))
	}
	if ps := n.all("pos"); len(ps) > 0 {
		out := make([]orb.Point, 0, len(ps))
		for _, p := range ps {
			pts, err := numbers(p.text.String(), atoiOr(p.attr("srsDimension"), dim))
			if err != nil || len(pts) != 1 {
				return nil, fmt.Errorf("%w: a pos of %q", errGeometry, p.text.String())
			}
			out = append(out, pts[0])
		}
		return out, nil
	}
	if c := n.child("coordinates"); c != nil {
		return gml2Coordinates(c)
	}
	if cs := n.all("coord"); len(cs) > 0 {
		out := make([]orb.Point, 0, len(cs))
		for _, c := range cs {
			x, errX := strconv.ParseFloat(strings.TrimSpace(textOf(c.child("X"))), 64)
			y, errY := strconv.ParseFloat(strings.TrimSpace(textOf(c.child("Y"))), 64)
			if errX != nil || errY != nil || !finite(x) || !finite(y) {
				return nil, fmt.Errorf("%w: a coord", errGeometry)
			}
			out = append(out, orb.Point{x, y})
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: <%s> without coordinates", errGeometry, n.name.Local)
}

func textOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.text.String()
}

// numbers reads whitespace-separated numbers, dim by position (the first two kept).
func numbers(s string, dim int) ([]orb.Point, error) {
	f := strings.Fields(s)
	if dim < 2 {
		dim = 2
	}
	if len(f)%dim != 0 || len(f) == 0 {
		return nil, fmt.Errorf("%w: %d numbers for %d dimensions", errGeometry, len(f), dim)
	}
	out := make([]orb.Point, 0, len(f)/dim)
	for i := 0; i < len(f); i += dim {
		x, errX := strconv.ParseFloat(f[i], 64)
		y, errY := strconv.ParseFloat(f[i+1], 64)
		if errX != nil || errY != nil || !finite(x) || !finite(y) {
			return nil, fmt.Errorf("%w: %q %q are not numbers", errGeometry, f[i], f[i+1])
		}
		out = append(out, orb.Point{x, y})
	}
	return out, nil
}

// gml2Coordinates reads GML 2's <coordinates> with its cs, ts and decimal.
func gml2Coordinates(c *node) ([]orb.Point, error) {
	cs, ts, dec := c.attr("cs"), c.attr("ts"), c.attr("decimal")
	if cs == "" {
		cs = ","
	}
	if dec == "" {
		dec = "."
	}
	text := strings.TrimSpace(c.text.String())
	var tuples []string
	if ts == "" || strings.TrimSpace(ts) == "" {
		tuples = strings.Fields(text)
	} else {
		tuples = strings.Split(text, ts)
	}
	out := make([]orb.Point, 0, len(tuples))
	for _, t := range tuples {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		parts := strings.Split(t, cs)
		if len(parts) < 2 {
			return nil, fmt.Errorf("%w: coordinates %q", errGeometry, t)
		}
		var xy [2]float64
		for i := 0; i < 2; i++ {
			v := strings.TrimSpace(parts[i])
			if dec != "." {
				v = strings.ReplaceAll(v, dec, ".")
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !finite(f) {
				return nil, fmt.Errorf("%w: coordinates %q", errGeometry, t)
			}
			xy[i] = f
		}
		out = append(out, orb.Point{xy[0], xy[1]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty coordinates", errGeometry)
	}
	return out, nil
}

// finite refuses NaN and infinities, which ParseFloat reads.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
