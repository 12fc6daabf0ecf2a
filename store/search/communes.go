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

// PointOf is a point that stands for g, on it where it can be: the point
// itself (the first of several), the point halfway along a line (of its
// first part), a polygon's centroid when it lies inside, else its first
// vertex (of its first part); false for a geometry with no point. The app
// anchors interventions and places features in communes by the same point.
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
			return halfway(g), true
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	case orb.Polygon:
		if c, _ := planar.CentroidArea(g); planar.PolygonContains(g, c) {
			return c, true
		}
		if len(g) > 0 && len(g[0]) > 0 {
			return g[0][0], true
		}
	case orb.MultiPolygon:
		if len(g) > 0 {
			return PointOf(g[0])
		}
	case nil:
		return orb.Point{}, false
	default: // a collection: the centre of its bounds
		return g.Bound().Center(), true
	}
	return orb.Point{}, false
}

// halfway returns the point of a line halfway along it (measured in
// degrees: only where the point falls, not a distance, is asked of it).
func halfway(ls orb.LineString) orb.Point {
	rest := planar.Length(ls) / 2
	for i := 1; i < len(ls); i++ {
		d := planar.Distance(ls[i-1], ls[i])
		if d >= rest && d > 0 {
			t := rest / d
			return orb.Point{ls[i-1][0] + t*(ls[i][0]-ls[i-1][0]), ls[i-1][1] + t*(ls[i][1]-ls[i-1][1])}
		}
		rest -= d
	}
	return ls[0]
}
