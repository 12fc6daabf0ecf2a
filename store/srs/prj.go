package srs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FromPRJ recognises the spatial reference system described by the WKT of a
// shapefile's .prj (WKT1 as written by GDAL, ESRI WKT, or WKT2) and returns
// its EPSG code. It reads, in this order, the EPSG authority of the
// outermost object, well-known names ("RGF93 / Lambert-93",
// "RGF_1993_Lambert_93", "WGS 84 / Pseudo-Mercator",
// "WGS_1984_Web_Mercator_Auxiliary_Sphere", "RGF93 / CC47", "GCS_WGS_1984"…)
// and finally the projection method and its parameters. A geographic system
// on WGS84, RGF93 or ETRS89 is reported as 4326, as PROJ treats these
// datums as identical. For a recognised but unsupported system (a CC zone
// other than 47, EPSG:27572…) it returns the code together with an error
// wrapping ErrUnsupportedSRS; for anything else, 0 and such an error.
func FromPRJ(wkt string) (int, error) {
	root, err := parseWKT(wkt)
	if err != nil {
		return 0, fmt.Errorf("%w: .prj: %v", ErrUnsupportedSRS, err)
	}
	code := recognise(root)
	switch {
	case code == 0:
		return 0, fmt.Errorf("%w: .prj describes %q", ErrUnsupportedSRS, root.name())
	case !Supported(code):
		return code, fmt.Errorf("%w: .prj describes EPSG:%d (%s)", ErrUnsupportedSRS, code, root.name())
	}
	return code, nil
}

func recognise(root *wktNode) int {
	kw := strings.ToUpper(root.keyword)
	projected := kw == "PROJCS" || kw == "PROJCRS" || kw == "PROJECTEDCRS"
	geographic := kw == "GEOGCS" || kw == "GEOGCRS" || kw == "GEODCRS" || kw == "GEOGRAPHICCRS" || kw == "GEODETICCRS"
	if !projected && !geographic {
		return 0
	}
	if code := root.epsg(); code != 0 {
		switch code {
		case 4171, 4258, 4979, 4167:
			return WGS84
		case 900913, 3785, 102100, 102113:
			return WebMercator
		}
		return code
	}
	name := normName(root.name())
	switch name {
	case "rgf93lambert93", "rgf1993lambert93", "rgf93v1lambert93", "lambert93":
		return Lambert93
	case "rgf93cc47", "rgf1993cc47", "rgf93v1cc47":
		return CC47
	case "wgs84pseudomercator", "wgs1984webmercatorauxiliarysphere", "wgs1984webmercator",
		"popularvisualisationcrsmercator", "webmercator", "pseudomercator", "google", "googlemaps":
		return WebMercator
	case "wgs84", "gcswgs1984", "wgs1984":
		return WGS84
	case "ntfparislambertzoneii", "ntfparislambertiietendu", "ntfparislambertiiextended",
		"ntfparislambertzoneiiextended":
		return 27572
	}
	if geographic {
		return geographicCode(root)
	}
	return projectedCode(root)
}

// geographicCode recognises a longitude/latitude system in degrees from its
// datum or ellipsoid.
func geographicCode(root *wktNode) int {
	if unit := root.child("UNIT", "ANGLEUNIT"); unit != nil {
		if f, ok := unit.number(1); ok && math.Abs(f-math.Pi/180) > 1e-9 {
			return 0
		}
	}
	datum := root.find("DATUM", "GEODETICDATUM", "ENSEMBLE")
	if datum == nil {
		return 0
	}
	switch n := normName(datum.name()); {
	case strings.Contains(n, "wgs1984"), strings.Contains(n, "wgs84"), strings.Contains(n, "worldgeodeticsystem1984"),
		strings.Contains(n, "rgf1993"), strings.Contains(n, "rgf93"), strings.Contains(n, "reseaugeodesiquefrancais1993"),
		strings.Contains(n, "etrs1989"), strings.Contains(n, "etrs89"), strings.Contains(n, "europeanterrestrialreferencesystem1989"):
		return WGS84
	}
	return 0
}

// projectedCode recognises Lambert-93, the CC zones and Web Mercator from the
// projection method and parameters, in metres.
func projectedCode(root *wktNode) int {
	method := ""
	if m := root.find("PROJECTION", "METHOD"); m != nil {
		method = normName(m.name())
	}
	if unit := root.child("UNIT", "LENGTHUNIT"); unit != nil {
		if f, ok := unit.number(1); ok && f != 1 {
			return 0
		}
	}
	params := map[string]float64{}
	root.walk(func(n *wktNode) {
		if !strings.EqualFold(n.keyword, "PARAMETER") {
			return
		}
		if v, ok := n.number(1); ok {
			params[paramKey(normName(n.name()))] = v
		}
	})
	is := func(key string, want float64) bool {
		v, ok := params[key]
		return ok && math.Abs(v-want) < 1e-7*math.Max(1, math.Abs(want))
	}
	switch {
	case strings.Contains(method, "mercatorauxiliarysphere"), strings.Contains(method, "pseudomercator"):
		return WebMercator
	case strings.Contains(method, "mercator"):
		// Old GDAL WKT of EPSG:3857: Mercator_1SP on a sphere of radius a.
		if sph := root.find("SPHEROID", "ELLIPSOID"); sph != nil {
			if a, ok := sph.number(1); ok && a == 6378137 {
				if f, ok := sph.number(2); ok && f == 0 {
					return WebMercator
				}
			}
		}
		if ext := root.find("EXTENSION"); ext != nil && len(ext.values) > 1 {
			if s, ok := ext.values[1].(string); ok && strings.Contains(s, "+a=6378137") && strings.Contains(s, "+b=6378137") {
				return WebMercator
			}
		}
	case strings.Contains(method, "lambert") && strings.Contains(method, "conic"):
		if !is("lon0", 3) || !is("fe", 700000) && !is("fe", 1700000) {
			return 0
		}
		if is("lat0", 46.5) && is("fe", 700000) && is("fn", 6600000) &&
			(is("sp1", 49) && is("sp2", 44) || is("sp1", 44) && is("sp2", 49)) {
			return Lambert93
		}
		// CC zones 42 to 50: origin at latitude z, parallels z∓0.75.
		for z := 42.0; z <= 50; z++ {
			if is("lat0", z) && is("fe", 1700000) && is("fn", (z-41)*1e6+200000) &&
				(is("sp1", z-0.75) && is("sp2", z+0.75) || is("sp1", z+0.75) && is("sp2", z-0.75)) {
				return 3900 + int(z)
			}
		}
	}
	return 0
}

// paramKey maps WKT1, ESRI and WKT2 parameter names to short keys.
func paramKey(n string) string {
	switch n {
	case "standardparallel1", "latitudeof1ststandardparallel":
		return "sp1"
	case "standardparallel2", "latitudeof2ndstandardparallel":
		return "sp2"
	case "latitudeoforigin", "latitudeoffalseorigin", "latitudeofnaturalorigin", "latitudeofcenter":
		return "lat0"
	case "centralmeridian", "longitudeoffalseorigin", "longitudeofnaturalorigin", "longitudeoforigin", "longitudeofcenter":
		return "lon0"
	case "falseeasting", "eastingatfalseorigin":
		return "fe"
	case "falsenorthing", "northingatfalseorigin":
		return "fn"
	}
	return n
}

// normName lowercases s and keeps only its ASCII letters and digits.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wktNode is one KEYWORD[value, …] of a WKT string. Values are strings
// (quoted), float64 numbers, bare words (string) or nested nodes.
type wktNode struct {
	keyword string
	values  []any
}

// name returns the node's first value when it is a quoted string.
func (n *wktNode) name() string {
	if len(n.values) > 0 {
		if s, ok := n.values[0].(string); ok {
			return s
		}
	}
	return ""
}

func (n *wktNode) number(i int) (float64, bool) {
	if i < len(n.values) {
		f, ok := n.values[i].(float64)
		return f, ok
	}
	return 0, false
}

// child returns the last direct child node with one of the keywords.
func (n *wktNode) child(keywords ...string) *wktNode {
	var found *wktNode
	for _, v := range n.values {
		if c, ok := v.(*wktNode); ok {
			for _, k := range keywords {
				if strings.EqualFold(c.keyword, k) {
					found = c
				}
			}
		}
	}
	return found
}

// find returns the first node, depth first, with one of the keywords.
func (n *wktNode) find(keywords ...string) *wktNode {
	var found *wktNode
	n.walk(func(c *wktNode) {
		if found != nil {
			return
		}
		for _, k := range keywords {
			if strings.EqualFold(c.keyword, k) {
				found = c
			}
		}
	})
	return found
}

func (n *wktNode) walk(visit func(*wktNode)) {
	visit(n)
	for _, v := range n.values {
		if c, ok := v.(*wktNode); ok {
			c.walk(visit)
		}
	}
}

// epsg returns the EPSG code of the node's own AUTHORITY (WKT1) or ID (WKT2).
func (n *wktNode) epsg() int {
	a := n.child("AUTHORITY", "ID")
	if a == nil || len(a.values) < 2 || !strings.EqualFold(a.name(), "EPSG") {
		return 0
	}
	switch v := a.values[1].(type) {
	case string:
		code, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && code > 0 {
			return code
		}
	case float64:
		if v > 0 && v < 1e9 && v == math.Trunc(v) {
			return int(v)
		}
	}
	return 0
}

const maxWKTDepth = 64

// parseWKT parses a WKT string (WKT1, ESRI or WKT2; brackets or parentheses).
func parseWKT(s string) (*wktNode, error) {
	p := wktParser{s: strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))}
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type wktParser struct {
	s   string
	pos int
}

func (p *wktParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *wktParser) word() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '[' || c == '(' || c == ']' || c == ')' || c == ',' || c == '"' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, fmt.Errorf("WKT nested too deeply")
	}
	p.skipSpace()
	kw := p.word()
	if kw == "" {
		return nil, fmt.Errorf("WKT: keyword expected at offset %d", p.pos)
	}
	p.skipSpace()
	if p.pos >= len(p.s) || (p.s[p.pos] != '[' && p.s[p.pos] != '(') {
		return nil, fmt.Errorf("WKT: '[' expected after %s", kw)
	}
	closing := byte(']')
	if p.s[p.pos] == '(' {
		closing = ')'
	}
	p.pos++
	n := &wktNode{keyword: kw}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("WKT: %s is not closed", kw)
		}
		switch c := p.s[p.pos]; {
		case c == closing:
			p.pos++
			return n, nil
		case c == '"':
			str, err := p.quoted()
			if err != nil {
				return nil, err
			}
			n.values = append(n.values, str)
		default:
			start := p.pos
			w := p.word()
			p.skipSpace()
			if p.pos < len(p.s) && (p.s[p.pos] == '[' || p.s[p.pos] == '(') {
				p.pos = start
				child, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.values = append(n.values, child)
			} else if w == "" {
				return nil, fmt.Errorf("WKT: unexpected %q at offset %d", p.s[p.pos], p.pos)
			} else if f, err := strconv.ParseFloat(w, 64); err == nil {
				n.values = append(n.values, f)
			} else {
				n.values = append(n.values, w)
			}
		}
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
		}
	}
}

// quoted reads a double-quoted string; "" inside stands for one quote.
func (p *wktParser) quoted() (string, error) {
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		if c == '"' {
			if p.pos < len(p.s) && p.s[p.pos] == '"' {
				b.WriteByte('"')
				p.pos++
				continue
			}
			return b.String(), nil
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("WKT: unterminated string")
}
