package store

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// communesLayerName is the name of the layer of the territory's communes.
const communesLayerName = "communes"

// communeCodeFields are the names a field holding a commune's INSEE code goes by.
var communeCodeFields = []string{"insee", "code_insee", "insee_com", "codeinsee", "inseecom"}

// IsCommunes reports whether l is a layer of communes: named so, or a
// polygon layer with an INSEE code and a name. Text search finds a feature
// by the name of the commune it lies in, read from the first such layer.
func IsCommunes(l schema.Layer) bool {
	if strings.EqualFold(l.Name, communesLayerName) {
		return true
	}
	if l.GeometryType != schema.Polygon && l.GeometryType != schema.MultiPolygon {
		return false
	}
	_, hasName := l.Field("nom")
	return InseeField(l) != "" && hasName
}

// InseeField returns the name of l's text field holding an INSEE code, ""
// for none.
func InseeField(l schema.Layer) string {
	for _, name := range communeCodeFields {
		if fld, ok := l.Field(name); ok && fld.Type == schema.Text {
			return name
		}
	}
	return ""
}

// textCommune is one commune as text search places features in it.
type textCommune struct {
	fid   int64
	insee string
	shape orb.MultiPolygon
	bound orb.Bound
}

// textCommunes are the communes of a workspace, read in a transaction.
type textCommunes []textCommune

// communesLayerOf returns the workspace's layer of communes as the
// transaction sees it; nil for none.
func (tx *Tx) communesLayerOf() *Layer {
	for _, l := range append(tx.ws.Layers(), tx.newLayers...) {
		if l, err := tx.layer(l.Schema.Name); err == nil && IsCommunes(l.Schema) {
			return l
		}
	}
	return nil
}

// readCommunes reads the communes of layer l (nil: none) in the transaction.
func (tx *Tx) readCommunes(l *Layer) (textCommunes, error) {
	if l == nil {
		return nil, nil
	}
	rows, err := tx.tx.QueryContext(tx.ctx, selectSQL(l))
	if err != nil {
		return nil, fmt.Errorf("read the communes: %w", err)
	}
	defer rows.Close()
	var out textCommunes
	key := InseeField(l.Schema)
	for rows.Next() {
		f, err := scanFeature(l, rows)
		if err != nil {
			return nil, fmt.Errorf("read the communes: %w", err)
		}
		c := textCommune{fid: f.FID}
		if key != "" {
			c.insee, _ = f.Properties[key].(string)
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			c.shape = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			c.shape = g
		}
		c.bound = c.shape.Bound()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the communes: %w", err)
	}
	return out, nil
}

// find returns the fid of the commune holding a feature: the one of its
// INSEE code insee when given and known, else the one holding its point
// p (when has); 0 for none.
func (cs textCommunes) find(insee string, p orb.Point, has bool) int64 {
	if insee != "" {
		for _, c := range cs {
			if c.insee == insee {
				return c.fid
			}
		}
	}
	if !has {
		return 0
	}
	for _, c := range cs {
		if c.bound.Contains(p) && multiPolygonHolds(c.shape, p) {
			return c.fid
		}
	}
	return 0
}

// multiPolygonHolds reports whether p lies inside mp (in a polygon, out of
// its holes), counting the crossings of a ray from p with every ring —
// planar.MultiPolygonContains measures each ring's bounds again at every
// call, most of the cost for the thousands of rows of a page.
func multiPolygonHolds(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		inside := false
		for _, ring := range poly {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
					inside = !inside
				}
			}
		}
		if inside {
			return true
		}
	}
	return false
}
