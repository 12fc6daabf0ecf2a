package dashboard

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"terrimap/store"
	"terrimap/store/srs"
)

// Commune is one commune of the workspace's communes layer.
type Commune struct {
	INSEE, Name string
}

// Communes returns the communes of the workspace, sorted by name, for a
// commune chooser. A workspace without a communes layer has none.
func Communes(ctx context.Context, ws *store.Workspace) ([]Commune, error) {
	var out []Commune
	err := eachRow(ctx, ws, layerCommunes, []string{"insee", "nom_officiel", "nom"}, func(r row) {
		c := Commune{INSEE: text(r.vals[0]), Name: text(r.vals[1])}
		if c.Name == "" {
			c.Name = text(r.vals[2])
		}
		if c.INSEE != "" {
			out = append(out, c)
		}
	})
	if err != nil {
		return nil, err
	}
	c := collate.New(language.French, collate.Loose)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out, nil
}

// place decides which features count: those of a commune's polygon, or
// every feature for the whole intercommunality (area nil). Geometries are
// projected to Lambert-93 with toL93.
type place struct {
	area  orb.MultiPolygon // Lambert-93; nil: everywhere
	bound orb.Bound
	toL93 func(orb.Point) orb.Point
}

// newPlace prepares the commune of the INSEE code ("" for everywhere) and
// returns its official name.
func newPlace(ctx context.Context, ws *store.Workspace, insee string) (*place, string, error) {
	tr, err := srs.Transformer(srs.WGS84, srs.Lambert93)
	if err != nil {
		return nil, "", fmt.Errorf("dashboard: %w", err)
	}
	p := &place{toL93: tr}
	if insee == "" {
		return p, "", nil
	}
	var name string
	found := false
	err = eachRow(ctx, ws, layerCommunes, []string{"insee", "nom_officiel", "nom"}, func(r row) {
		if found || text(r.vals[0]) != insee {
			return
		}
		found = true
		name = text(r.vals[1])
		if name == "" {
			name = text(r.vals[2])
		}
		p.area = p.project(r.geom)
	})
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", fmt.Errorf("%w: %q", ErrUnknownCommune, insee)
	}
	p.bound = p.area.Bound()
	return p, name, nil
}

// project turns a polygon or multipolygon in longitude/latitude into a
// Lambert-93 multipolygon; any other geometry gives an empty area.
func (p *place) project(g orb.Geometry) orb.MultiPolygon {
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
				pr[i] = p.toL93(pt)
			}
			rings = append(rings, pr)
		}
		out = append(out, rings)
	}
	return out
}

// holds reports whether a point in Lambert-93 counts for the place.
func (p *place) holds(pt orb.Point) bool {
	if p.area == nil {
		return true
	}
	return p.bound.Contains(pt) && planar.MultiPolygonContains(p.area, pt)
}

// point returns where a point feature stands, in Lambert-93.
func (p *place) point(g orb.Geometry) (orb.Point, bool) {
	switch x := g.(type) {
	case orb.Point:
		q := p.toL93(x)
		return q, finite(q)
	case orb.MultiPoint:
		if len(x) > 0 {
			q := p.toL93(x[0])
			return q, finite(q)
		}
	}
	return orb.Point{}, false
}

// line measures a line feature in Lambert-93 and tells whether it counts
// for the place: a tronçon crossing a commune's boundary counts where the
// midpoint of its length lies. A multi-line's midpoint is that of its
// parts laid end to end.
func (p *place) line(g orb.Geometry, buf []orb.Point) (length float64, counts bool, _ []orb.Point) {
	buf = buf[:0]
	var parts []int // end index of each part in buf
	switch x := g.(type) {
	case orb.LineString:
		for _, pt := range x {
			buf = append(buf, p.toL93(pt))
		}
		parts = append(parts, len(buf))
	case orb.MultiLineString:
		for _, ls := range x {
			for _, pt := range ls {
				buf = append(buf, p.toL93(pt))
			}
			parts = append(parts, len(buf))
		}
	default:
		return 0, false, buf
	}
	start := 0
	for _, end := range parts {
		for i := start + 1; i < end; i++ {
			length += dist(buf[i-1], buf[i])
		}
		start = end
	}
	if math.IsNaN(length) || math.IsInf(length, 0) || len(buf) == 0 {
		return 0, false, buf
	}
	if p.area == nil {
		return length, true, buf
	}
	return length, p.holds(midpoint(buf, parts, length)), buf
}

// midpoint returns the point halfway along the parts' length.
func midpoint(pts []orb.Point, parts []int, length float64) orb.Point {
	half := length / 2
	walked := 0.0
	start := 0
	for _, end := range parts {
		for i := start + 1; i < end; i++ {
			d := dist(pts[i-1], pts[i])
			if d > 0 && walked+d >= half {
				t := (half - walked) / d
				a, b := pts[i-1], pts[i]
				return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
			}
			walked += d
		}
		start = end
	}
	return pts[0]
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}
