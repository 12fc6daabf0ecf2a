package dtdict

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// zone reads emprise/geometrie: GML 3.2 polygons (in surfaceMembers, in
// surfaceMember elements, or in any wrapper such as a MultiSurface), in
// longitude/latitude, longitude first, as the one-stop shop writes them
// whatever the axis order EPSG gives 4326 and 4171.
func (rd reader) zone(emprise *node) (orb.MultiPolygon, error) {
	geom := emprise.child(rd.ns, "geometrie")
	if geom == nil {
		return nil, missing("geometrie", "emprise")
	}
	z := zoneReader{}
	if err := z.walk(geom, gmlFrame{}); err != nil {
		return nil, err
	}
	if len(z.polygons) == 0 {
		return nil, malformed("geometrie", "L'élément « geometrie » de l'emprise ne contient aucun polygone GML (« surfaceMember » ou « surfaceMembers » avec un « Polygon »).")
	}
	return z.polygons, nil
}

// gmlFrame is what an element inherits from its ancestors: the
// coordinate system and the number of coordinates of each position.
type gmlFrame struct {
	srs string
	dim string
}

// with returns the frame as n's attributes change it.
func (f gmlFrame) with(n *node) gmlFrame {
	if v, ok := n.attr("srsName"); ok {
		f.srs = v
	}
	if v, ok := n.attr("srsDimension"); ok {
		f.dim = v
	}
	return f
}

// zoneReader gathers the polygons of a zone.
type zoneReader struct {
	polygons orb.MultiPolygon
}

// walk looks for polygons under n.
func (z *zoneReader) walk(n *node, f gmlFrame) error {
	f = f.with(n)
	for _, k := range n.kids {
		if k.name.Space == nsGML && k.name.Local == "Polygon" {
			p, err := z.polygon(k, f.with(k), len(z.polygons)+1)
			if err != nil {
				return err
			}
			z.polygons = append(z.polygons, p)
			continue
		}
		if err := z.walk(k, f); err != nil {
			return err
		}
	}
	return nil
}

// polygon reads a gml:Polygon: its exterior ring and its interior rings
// (holes).
func (z *zoneReader) polygon(n *node, f gmlFrame, index int) (orb.Polygon, error) {
	if f.srs == "" {
		return nil, malformed("geometrie", "L'emprise (« geometrie ») ne dit pas son système de coordonnées (attribut « srsName » de « geometrie » ou du polygone %d).", index)
	}
	if !lonLatSRS(f.srs) {
		return nil, malformed("geometrie", "L'emprise (« geometrie ») est dans le système de coordonnées « %s », que Terrimap ne lit pas : le guichet unique écrit EPSG:4171 (RGF93) ou EPSG:4326 (WGS84).", shorten(f.srs))
	}
	exteriors := n.children(nsGML, "exterior")
	if len(exteriors) != 1 {
		if len(exteriors) == 0 {
			return nil, malformed("exterior", "Le polygone %d de l'emprise n'a pas de contour extérieur (« exterior »).", index)
		}
		return nil, malformed("exterior", "Le polygone %d de l'emprise a plusieurs contours extérieurs (« exterior »).", index)
	}
	outer, err := ringOf(exteriors[0], f, fmt.Sprintf("du contour extérieur du polygone %d", index))
	if err != nil {
		return nil, err
	}
	p := orb.Polygon{outer}
	for i, in := range n.children(nsGML, "interior") {
		hole, err := ringOf(in, f, fmt.Sprintf("du trou n° %d du polygone %d", i+1, index))
		if err != nil {
			return nil, err
		}
		p = append(p, hole)
	}
	return p, nil
}

// ringOf reads the gml:LinearRing of a boundary (exterior or interior),
// named what in messages.
func ringOf(boundary *node, f gmlFrame, what string) (orb.Ring, error) {
	f = f.with(boundary)
	lr := boundary.child(nsGML, "LinearRing")
	if lr == nil {
		return nil, malformed("LinearRing", "Dans l'emprise, il manque le « LinearRing » %s (dans « %s »).", what, boundary.name.Local)
	}
	f = f.with(lr)
	var (
		ring orb.Ring
		err  error
	)
	switch {
	case lr.child(nsGML, "posList") != nil:
		pl := lr.child(nsGML, "posList")
		ring, err = posList(pl, f.with(pl), what)
	case lr.child(nsGML, "coordinates") != nil:
		ring, err = coordinates(lr.child(nsGML, "coordinates"), what)
	case lr.child(nsGML, "pos") != nil:
		for _, p := range lr.children(nsGML, "pos") {
			pts, err := posList(p, f.with(p), what)
			if err != nil {
				return nil, err
			}
			if len(pts) != 1 {
				return nil, malformed("pos", "Dans l'emprise, un « pos » %s ne contient pas une seule position.", what)
			}
			ring = append(ring, pts[0])
		}
	default:
		return nil, malformed("posList", "Dans l'emprise, le « LinearRing » %s ne contient pas de coordonnées (« posList » ou « coordinates »).", what)
	}
	if err != nil {
		return nil, err
	}
	return ring, checkRing(ring, what)
}

// posList reads a gml:posList (or gml:pos): numbers separated by spaces,
// srsDimension of them (2 by default; a third, the height, is dropped)
// per position.
func posList(n *node, f gmlFrame, what string) (orb.Ring, error) {
	dim := 2
	if f.dim != "" {
		d, err := strconv.Atoi(strings.TrimSpace(f.dim))
		if err != nil || (d != 2 && d != 3) {
			return nil, malformed(n.name.Local, "Dans l'emprise, « %s » %s a pour dimension (srsDimension) « %s » : 2 ou 3 attendu.", n.name.Local, what, shorten(f.dim))
		}
		dim = d
	}
	fields := strings.Fields(n.text)
	if len(fields)%dim != 0 {
		return nil, malformed(n.name.Local, "Dans l'emprise, « %s » %s contient %d nombres, qui ne font pas des positions de %d coordonnées.", n.name.Local, what, len(fields), dim)
	}
	ring := make(orb.Ring, 0, len(fields)/dim)
	for i := 0; i < len(fields); i += dim {
		p, err := point(n.name.Local, what, fields[i], fields[i+1])
		if err != nil {
			return nil, err
		}
		ring = append(ring, p)
	}
	return ring, nil
}

// coordinates reads a gml:coordinates: tuples separated by ts (a space by
// default), coordinates by cs (a comma), decimals marked by decimal (a
// point).
func coordinates(n *node, what string) (orb.Ring, error) {
	decimal, cs, ts := ".", ",", " "
	if v, ok := n.attr("decimal"); ok && v != "" {
		decimal = v
	}
	if v, ok := n.attr("cs"); ok && v != "" {
		cs = v
	}
	if v, ok := n.attr("ts"); ok && v != "" {
		ts = v
	}
	var tuples []string
	if strings.TrimSpace(ts) == "" {
		tuples = strings.Fields(n.text)
	} else {
		for _, t := range strings.Split(n.text, ts) {
			if t = strings.TrimSpace(t); t != "" {
				tuples = append(tuples, t)
			}
		}
	}
	ring := make(orb.Ring, 0, len(tuples))
	for _, t := range tuples {
		c := strings.Split(t, cs)
		if len(c) != 2 && len(c) != 3 {
			return nil, malformed("coordinates", "Dans l'emprise, « coordinates » %s contient « %s », qui n'est pas une position « longitude%slatitude ».", what, shorten(t), cs)
		}
		if decimal != "." {
			c[0], c[1] = strings.ReplaceAll(c[0], decimal, "."), strings.ReplaceAll(c[1], decimal, ".")
		}
		p, err := point("coordinates", what, c[0], c[1])
		if err != nil {
			return nil, err
		}
		ring = append(ring, p)
	}
	return ring, nil
}

// point reads a longitude and a latitude, checking they are finite and
// within their bounds.
func point(element, what, lon, lat string) (orb.Point, error) {
	x, errX := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	if errX != nil || errY != nil || math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return orb.Point{}, malformed(element, "Dans l'emprise, « %s » %s contient « %s %s », qui n'est pas une position en nombres.", element, what, shorten(lon), shorten(lat))
	}
	if x < -180 || x > 180 || y < -90 || y > 90 {
		return orb.Point{}, malformed(element, "Dans l'emprise, « %s » %s contient la position %s %s, hors des longitudes (-180 à 180) et des latitudes (-90 à 90) : l'emprise doit être en degrés.", element, what, strconv.FormatFloat(x, 'f', -1, 64), strconv.FormatFloat(y, 'f', -1, 64))
	}
	return orb.Point{x, y}, nil
}

// checkRing checks a ring has at least four positions and is closed.
func checkRing(r orb.Ring, what string) error {
	if len(r) < 4 {
		return malformed("LinearRing", "Dans l'emprise, le « LinearRing » %s n'a que %d positions : il en faut au moins 4.", what, len(r))
	}
	if r[0] != r[len(r)-1] {
		return malformed("LinearRing", "Dans l'emprise, le « LinearRing » %s n'est pas fermé : sa dernière position n'est pas la première.", what)
	}
	return nil
}

// lonLatSRS reports whether srsName names EPSG:4171 (RGF93 geographic) or
// EPSG:4326 (WGS84), in any of their spellings: "EPSG:4326",
// "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG:6.6:4326",
// "http://www.opengis.net/def/crs/EPSG/0/4171",
// "http://www.opengis.net/gml/srs/epsg.xml#4326"; or OGC's CRS84.
func lonLatSRS(srsName string) bool {
	s := strings.ToLower(strings.TrimSpace(srsName))
	if s == "crs:84" || strings.HasSuffix(s, ":crs84") || strings.HasSuffix(s, "/crs84") {
		return true
	}
	if !strings.Contains(s, "epsg") {
		return false
	}
	code := s[strings.LastIndexAny(s, ":/#")+1:]
	return code == "4326" || code == "4171"
}
