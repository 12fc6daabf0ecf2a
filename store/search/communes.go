package search

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store"
	"terrimap/store/schema"
)

// communesLayer is the name of the layer of the territory's communes.
const communesLayer = "communes"

// inseeFields are the names a field holding a commune's INSEE code goes by.
var inseeFields = []string{"insee", "code_insee", "insee_com", "codeinsee", "inseecom"}

// commune is one commune of the territory: its name, its code and its
// outline, to find the commune a feature lies in.
type commune struct {
	name  string
	words []string
	insee string
	shape orb.MultiPolygon
	bound orb.Bound
}

// communes are the territory's communes, read from the communes layer.
type communes []commune

// isCommunes reports whether l is the layer of the communes: named so, or a
// polygon layer with an INSEE code and a name.
func isCommunes(l schema.Layer) bool {
	if strings.EqualFold(l.Name, communesLayer) {
		return true
	}
	if l.GeometryType != schema.Polygon && l.GeometryType != schema.MultiPolygon {
		return false
	}
	_, hasName := l.Field("nom")
	return inseeField(l) != "" && hasName
}

// inseeField returns the name of l's field holding an INSEE code, "" for none.
func inseeField(l schema.Layer) string {
	for _, name := range inseeFields {
		if fld, ok := l.Field(name); ok && fld.Type == schema.Text {
			return name
		}
	}
	return ""
}

// communeOf makes a commune of a feature of the communes layer.
func communeOf(l schema.Layer, f store.Feature) commune {
	c := commune{name: DisplayName(l, f)}
	if key := inseeField(l); key != "" {
		c.insee, _ = f.Properties[key].(string)
	}
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		c.shape = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		c.shape = g
	}
	c.bound = c.shape.Bound()
	c.words = Words(c.name)
	return c
}

// find returns the index of the commune a feature of layer l lies in: by
// its INSEE code when the layer has one, else the commune that holds its
// representative point; -1 when none.
func (cs communes) find(l schema.Layer, f store.Feature) int {
	if key := inseeField(l); key != "" {
		if code, _ := f.Properties[key].(string); code != "" {
			for i, c := range cs {
				if c.insee == code {
					return i
				}
			}
		}
	}
	p, ok := PointOf(f.Geometry)
	if !ok {
		return -1
	}
	for i, c := range cs {
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.shape, p) {
			return i
		}
	}
	return -1
}

// PointOf is a point that stands for g: the point itself, the middle
// vertex of a line, the centre of a polygon's bounding box.
func PointOf(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.LineString:
		if len(g) > 0 {
			return g[len(g)/2], true
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			return g.Bound().Center(), true
		}
	case orb.MultiPolygon:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	}
	return orb.Point{}, false
}
