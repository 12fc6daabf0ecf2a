package icgp

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store"
	"terrimap/store/srs"
)

// layerCommunes is the layer of the communes' territories.
const layerCommunes = "communes"

// commune is one commune's territory in Lambert-93.
type commune struct {
	insee string
	area  orb.MultiPolygon
	bound orb.Bound
}

// territory places features in the communes: a tronçon belongs to the
// commune where the point at half its length lies (a pipe crossing a
// boundary counts once, where most of it is); a point to the one it lies
// in. Geometries are measured in Lambert-93.
type territory struct {
	toL93    func(orb.Point) orb.Point
	communes []commune
	grid     *grid
	buf      []orb.Point
}

func newTerritory(ctx context.Context, ws *store.Workspace) (*territory, error) {
	tr, err := srs.Transformer(srs.WGS84, srs.Lambert93)
	if err != nil {
		return nil, fmt.Errorf("icgp: %w", err)
	}
	t := &territory{toL93: tr}
	err = ws.Scan(ctx, layerCommunes, []string{"insee"}, func(r store.Row) bool {
		insee, _ := r.Values[0].(string)
		if insee == "" {
			return true
		}
		c := commune{insee: insee, area: t.project(r.Geometry)}
		if len(c.area) > 0 {
			c.bound = c.area.Bound()
			t.communes = append(t.communes, c)
		}
		return true
	})
	if err != nil && !errors.Is(err, store.ErrLayerNotFound) {
		return nil, fmt.Errorf("icgp: communes: %w", err)
	}
	t.grid = newGrid(t.communes)
	return t, nil
}

// project turns a polygon or multipolygon in longitude/latitude into
// Lambert-93; any other geometry gives nothing.
func (t *territory) project(g orb.Geometry) orb.MultiPolygon {
	var polys orb.MultiPolygon
	switch x := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{x}
	case orb.MultiPolygon:
		polys = x
	}
	out := make(orb.MultiPolygon, 0, len(polys))
	for _, poly := range polys {
		rings := make(orb.Polygon, 0, len(poly))
		for _, ring := range poly {
			pr := make(orb.Ring, len(ring))
			for i, pt := range ring {
				pr[i] = t.toL93(pt)
			}
			rings = append(rings, pr)
		}
		out = append(out, rings)
	}
	return out
}

// communeOf returns the INSEE code of the commune holding p (Lambert-93),
// or "" when none does.
func (t *territory) communeOf(p orb.Point) string {
	if i, ok := t.grid.lookup(p); ok {
		if i < 0 {
			return ""
		}
		return t.communes[i].insee
	}
	for i := range t.communes {
		c := &t.communes[i]
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.area, p) {
			return c.insee
		}
	}
	return ""
}

// line measures a line in Lambert-93 and returns its length in metres and
// the point at half its length. A multi-line's parts are laid end to end.
func (t *territory) line(g orb.Geometry) (length float64, half orb.Point, ok bool) {
	t.buf = t.buf[:0]
	var parts []orb.LineString
	switch x := g.(type) {
	case orb.LineString:
		parts = []orb.LineString{x}
	case orb.MultiLineString:
		parts = x
	default:
		return 0, orb.Point{}, false
	}
	ends := make([]int, 0, len(parts))
	for _, ls := range parts {
		for _, pt := range ls {
			t.buf = append(t.buf, t.toL93(pt))
		}
		ends = append(ends, len(t.buf))
	}
	start := 0
	for _, end := range ends {
		for i := start + 1; i < end; i++ {
			length += dist(t.buf[i-1], t.buf[i])
		}
		start = end
	}
	if len(t.buf) == 0 || math.IsNaN(length) || math.IsInf(length, 0) {
		return 0, orb.Point{}, false
	}
	walked, start := 0.0, 0
	for _, end := range ends {
		for i := start + 1; i < end; i++ {
			d := dist(t.buf[i-1], t.buf[i])
			if d > 0 && walked+d >= length/2 {
				k := (length/2 - walked) / d
				a, b := t.buf[i-1], t.buf[i]
				return length, orb.Point{a[0] + k*(b[0]-a[0]), a[1] + k*(b[1]-a[1])}, true
			}
			walked += d
		}
		start = end
	}
	return length, t.buf[0], true
}

// point returns a point feature's place in Lambert-93.
func (t *territory) point(g orb.Geometry) (orb.Point, bool) {
	switch x := g.(type) {
	case orb.Point:
		return t.toL93(x), true
	case orb.MultiPoint:
		if len(x) > 0 {
			return t.toL93(x[0]), true
		}
	}
	return orb.Point{}, false
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }

// holds reports whether the workspace's communes include insee.
func (t *territory) holds(insee string) bool {
	for _, c := range t.communes {
		if c.insee == insee {
			return true
		}
	}
	return false
}

// inseeCodes returns the communes' codes.
func (t *territory) inseeCodes() []string {
	out := make([]string, len(t.communes))
	for i, c := range t.communes {
		out[i] = c.insee
	}
	return out
}
