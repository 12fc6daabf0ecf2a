package store

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"
)

// overviewTolerance is how far, in pixels of its level, a simplified line
// may stray from the feature's: an eighth of a pixel, so that the map's
// own simplification when it draws (half a pixel) decides what is seen,
// and dashes fall where they would on the feature.
const overviewTolerance = 0.125

// LevelPixels is the width of the world in pixels at an overview level.
func LevelPixels(level int) float64 { return 256 * math.Exp2(float64(level)) }

// OverviewSubpixels is how many steps of an OverviewPoint make a pixel of
// its level: a line snapped to a quarter of a pixel is where it was.
const OverviewSubpixels = 4

// worldOf returns the Web Mercator world fraction (x east, y south, both
// in [0, 1]) of a longitude/latitude point.
func worldOf(ll orb.Point) orb.Point {
	const half = orb.EarthRadius * math.Pi
	m := project.WGS84.ToMercator(ll)
	return orb.Point{(m[0] + half) / (2 * half), (half - m[1]) / (2 * half)}
}

// blockWorld returns the world-fraction bound of tile (x, y) of a zoom's
// grid (a block or a piece).
func blockWorld(zoom, x, y int) orb.Bound {
	n := math.Exp2(float64(zoom))
	return orb.Bound{Min: orb.Point{float64(x) / n, float64(y) / n}, Max: orb.Point{float64(x+1) / n, float64(y+1) / n}}
}

// blockLonLat returns the longitude/latitude bound of tile (x, y) of a
// zoom's grid.
func blockLonLat(zoom, x, y int) orb.Bound {
	w := blockWorld(zoom, x, y)
	const half = orb.EarthRadius * math.Pi
	ll := func(p orb.Point) orb.Point {
		return project.Mercator.ToWGS84(orb.Point{p[0]*2*half - half, half - p[1]*2*half})
	}
	nw, se := ll(w.Min), ll(w.Max)
	return orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}
}

// blockRange returns the tiles of a zoom's grid a longitude/latitude box
// meets.
func blockRange(zoom int, min, max [2]float32) (x0, y0, x1, y1 int) {
	n := math.Exp2(float64(zoom))
	clampLat := func(v float32) float64 { return math.Max(-85.05, math.Min(85.05, float64(v))) }
	clampLon := func(v float32) float64 { return math.Max(-180, math.Min(179.9999, float64(v))) }
	a := worldOf(orb.Point{clampLon(min[0]), clampLat(max[1])})
	b := worldOf(orb.Point{clampLon(max[0]), clampLat(min[1])})
	cell := func(f float64) int { return int(math.Min(n-1, math.Max(0, math.Floor(f*n)))) }
	return cell(a[0]), cell(a[1]), cell(b[0]), cell(b[1])
}

// levelBuilder generalizes the features of one piece for one level,
// grouped by key.
type levelBuilder struct {
	level  int
	scale  float64   // pixels per world fraction
	px     orb.Bound // the piece, in pixels
	keys   []string  // in the order first met
	groups map[string]*shapeSet
	dp     *simplify.DouglasPeuckerSimplifier
}

type shapeSet struct {
	OverviewShapes
	points, dots map[OverviewPoint]bool // the pixels taken
}

func newLevelBuilder(level, zoom, x, y int) *levelBuilder {
	s := LevelPixels(level)
	w := blockWorld(zoom, x, y)
	px := orb.Bound{Min: orb.Point{w.Min[0] * s, w.Min[1] * s}, Max: orb.Point{w.Max[0] * s, w.Max[1] * s}}
	return &levelBuilder{level: level, scale: s, px: px,
		groups: map[string]*shapeSet{}, dp: simplify.DouglasPeucker(overviewTolerance)}
}

func (lb *levelBuilder) group(key string) *shapeSet {
	g, ok := lb.groups[key]
	if !ok {
		g = &shapeSet{points: map[OverviewPoint]bool{}, dots: map[OverviewPoint]bool{}}
		lb.groups[key] = g
		lb.keys = append(lb.keys, key)
	}
	return g
}

// inBlock reports whether a pixel position belongs to this piece (and not
// its neighbours): what is stored once is drawn once.
func (lb *levelBuilder) inBlock(p orb.Point) bool {
	return p[0] >= lb.px.Min[0] && p[0] < lb.px.Max[0] && p[1] >= lb.px.Min[1] && p[1] < lb.px.Max[1]
}

// pixels returns the points of a longitude/latitude path in level pixels.
func (lb *levelBuilder) pixels(pts []orb.Point) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		w := worldOf(p)
		out[i] = orb.Point{w[0] * lb.scale, w[1] * lb.scale}
	}
	return out
}

// dot records a feature smaller than a pixel, as the map draws it: the
// pixel under its centre.
func (lb *levelBuilder) dot(g *shapeSet, b orb.Bound) {
	c := b.Center()
	if !lb.inBlock(c) {
		return
	}
	cell := OverviewPoint{int32(math.Floor(c[0])), int32(math.Floor(c[1]))}
	if !g.dots[cell] {
		g.dots[cell] = true
		g.Dots = append(g.Dots, sub(c))
	}
}

// sub returns a pixel position in steps of OverviewSubpixels.
func sub(p orb.Point) OverviewPoint {
	return OverviewPoint{int32(math.Round(p[0] * OverviewSubpixels)), int32(math.Round(p[1] * OverviewSubpixels))}
}

// snap rounds a simplified path to the level's subpixels, without repeats.
func snap(pts []orb.Point) []OverviewPoint {
	out := make([]OverviewPoint, 0, len(pts))
	for _, p := range pts {
		q := sub(p)
		if len(out) == 0 || out[len(out)-1] != q {
			out = append(out, q)
		}
	}
	return out
}

func tiny(b orb.Bound) bool { return b.Max[0]-b.Min[0] < 1 && b.Max[1]-b.Min[1] < 1 }

// add generalizes one feature (longitude/latitude geometry) into the group
// of its key.
func (lb *levelBuilder) add(key string, geom orb.Geometry) {
	g := lb.group(key)
	switch geom := geom.(type) {
	case orb.Point:
		lb.addPoint(g, geom)
	case orb.MultiPoint:
		for _, p := range geom {
			lb.addPoint(g, p)
		}
	case orb.LineString:
		lb.addLine(g, geom)
	case orb.MultiLineString:
		for _, ls := range geom {
			lb.addLine(g, ls)
		}
	case orb.Polygon:
		lb.addPolygon(g, geom)
	case orb.MultiPolygon:
		for _, p := range geom {
			lb.addPolygon(g, p)
		}
	}
}

func (lb *levelBuilder) addPoint(g *shapeSet, ll orb.Point) {
	p := lb.pixels([]orb.Point{ll})[0]
	if !lb.inBlock(p) {
		return
	}
	cell := OverviewPoint{int32(math.Floor(p[0])), int32(math.Floor(p[1]))}
	if !g.points[cell] {
		g.points[cell] = true
		g.Points = append(g.Points, sub(p))
	}
}

func (lb *levelBuilder) addLine(g *shapeSet, ls orb.LineString) {
	if len(ls) == 0 {
		return
	}
	pts := orb.LineString(lb.pixels(ls))
	b := pts.Bound()
	if tiny(b) {
		lb.dot(g, b)
		return
	}
	if len(pts) > 2 {
		pts = lb.dp.LineString(pts)
	}
	// Whole, not clipped: every piece the line meets holds the same, and
	// the block keeps it once.
	if s := snap(pts); len(s) >= 2 {
		g.Lines = append(g.Lines, s)
	}
}

func (lb *levelBuilder) addPolygon(g *shapeSet, poly orb.Polygon) {
	if len(poly) == 0 || len(poly[0]) == 0 {
		return
	}
	outer := orb.Ring(lb.pixels(poly[0]))
	b := outer.Bound()
	if tiny(b) {
		lb.dot(g, b)
		return
	}
	var rings [][]OverviewPoint
	for i, r := range poly {
		pr := outer
		if i > 0 {
			pr = orb.Ring(lb.pixels(r))
		}
		if len(pr) > 4 {
			pr = lb.dp.Ring(pr)
		}
		s := snap(pr)
		if len(s) < 4 {
			if i == 0 {
				lb.dot(g, b) // a sliver: as wide as a pixel, never empty
				return
			}
			continue
		}
		rings = append(rings, s)
	}
	g.Polygons = append(g.Polygons, rings)
}

// encode writes the block, its groups ordered by key; nil when empty.
func (lb *levelBuilder) encode() []byte {
	keys := slices.Clone(lb.keys)
	slices.Sort(keys)
	var kb [][]byte
	var shapes []*OverviewShapes
	for _, k := range keys {
		g := lb.groups[k]
		if len(g.Lines)+len(g.Polygons)+len(g.Points)+len(g.Dots) == 0 {
			continue
		}
		kb = append(kb, []byte(k))
		shapes = append(shapes, &g.OverviewShapes)
	}
	if len(kb) == 0 {
		return nil
	}
	return encodeOverviewBlock(kb, shapes)
}

// blockMerger puts together the pieces of a block: lines and polygons
// as they are (one met by several pieces once), points and dots thinned
// again to one per pixel.
type blockMerger struct {
	keys   []string
	groups map[string]*mergeSet
}

type mergeSet struct {
	OverviewShapes
	shapes       map[string]bool        // the lines and polygons kept, encoded
	points, dots map[OverviewPoint]bool // the pixels taken
}

func (m *blockMerger) add(data []byte) error {
	groups, err := DecodeOverview(data)
	if err != nil {
		return err
	}
	if m.groups == nil {
		m.groups = map[string]*mergeSet{}
	}
	for _, g := range groups {
		s, err := g.Shapes()
		if err != nil {
			return err
		}
		key := string(appendOverviewKey(nil, g.Key))
		ms, ok := m.groups[key]
		if !ok {
			ms = &mergeSet{shapes: map[string]bool{}, points: map[OverviewPoint]bool{}, dots: map[OverviewPoint]bool{}}
			m.groups[key] = ms
			m.keys = append(m.keys, key)
		}
		for _, l := range s.Lines {
			var prev OverviewPoint
			if id := string(appendPoints(nil, l, &prev)); !ms.shapes[id] {
				ms.shapes[id] = true
				ms.Lines = append(ms.Lines, l)
			}
		}
		for _, p := range s.Polygons {
			var prev OverviewPoint
			id := []byte{'p'}
			for _, r := range p {
				id = appendPoints(id, r, &prev)
			}
			if !ms.shapes[string(id)] {
				ms.shapes[string(id)] = true
				ms.Polygons = append(ms.Polygons, p)
			}
		}
		ms.Points = thinInto(ms.Points, ms.points, s.Points)
		ms.Dots = thinInto(ms.Dots, ms.dots, s.Dots)
	}
	return nil
}

// thinInto appends the points whose pixel is not taken yet.
func thinInto(dst []OverviewPoint, taken map[OverviewPoint]bool, pts []OverviewPoint) []OverviewPoint {
	for _, p := range pts {
		cell := OverviewPoint{p.X / OverviewSubpixels, p.Y / OverviewSubpixels}
		if !taken[cell] {
			taken[cell] = true
			dst = append(dst, p)
		}
	}
	return dst
}

// encode writes the block, its groups ordered by key; nil when empty.
func (m *blockMerger) encode() []byte {
	keys := slices.Clone(m.keys)
	slices.Sort(keys)
	var kb [][]byte
	var shapes []*OverviewShapes
	for _, k := range keys {
		kb = append(kb, []byte(k))
		shapes = append(shapes, &m.groups[k].OverviewShapes)
	}
	if len(kb) == 0 {
		return nil
	}
	return encodeOverviewBlock(kb, shapes)
}
