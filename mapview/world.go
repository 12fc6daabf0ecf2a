package mapview

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// The world is the Web Mercator square. Positions inside it are kept as
// fractions of its side, x to the east and y to the south, both in [0, 1];
// a zoom z puts TileSize·2^z pixels across it.

// earthHalf is half the side of the Web Mercator square, in metres.
const earthHalf = orb.EarthRadius * math.Pi

// TileSize is the side of a map tile at zoom level z, in pixels, when the
// world is TileSize·2^z pixels wide.
const TileSize = 256

// toWorld returns the world fraction of a longitude/latitude point.
func toWorld(ll orb.Point) orb.Point {
	m := project.WGS84.ToMercator(ll)
	return orb.Point{(m[0] + earthHalf) / (2 * earthHalf), (earthHalf - m[1]) / (2 * earthHalf)}
}

// worldX returns toWorld's x of a longitude, to the bit, without its y.
func worldX(lon float64) float64 {
	return (earthHalf/180*lon + earthHalf) / (2 * earthHalf)
}

// fromWorld returns the longitude/latitude of a world fraction.
func fromWorld(w orb.Point) orb.Point {
	return project.Mercator.ToWGS84(orb.Point{w[0]*2*earthHalf - earthHalf, earthHalf - w[1]*2*earthHalf})
}

// worldBound returns the world-fraction bound of a longitude/latitude bound.
func worldBound(b orb.Bound) orb.Bound {
	lo, hi := toWorld(orb.Point{b.Min[0], b.Max[1]}), toWorld(orb.Point{b.Max[0], b.Min[1]})
	return orb.Bound{Min: lo, Max: hi}
}

// lonLatBound returns the longitude/latitude bound of a world-fraction bound.
func lonLatBound(w orb.Bound) orb.Bound {
	nw, se := fromWorld(w.Min), fromWorld(w.Max)
	return orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}
}

// toWorldInPlace turns a longitude/latitude geometry into world fractions,
// reusing its points, and returns it. Collections and unknown types give
// nil.
func toWorldInPlace(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return toWorld(g)
	case orb.MultiPoint, orb.LineString, orb.MultiLineString, orb.Ring, orb.Polygon, orb.MultiPolygon:
		EachPath(g, func(_ int, pts []orb.Point, _ PathKind) {
			for i, p := range pts {
				pts[i] = toWorld(p)
			}
		})
		return g
	}
	return nil
}

// level is a device zoom quantised to 1/levelSteps: tiles rendered for one
// level serve every viewport whose device zoom rounds to it.
type level int32

const levelSteps = 4096

func levelOf(deviceZoom float64) level { return level(math.Round(deviceZoom * levelSteps)) }

// zoom returns the level's device zoom.
func (lv level) zoom() float64 { return float64(lv) / levelSteps }

// tileZoom returns the integer zoom of the tile grid used at this level:
// the level's zoom rounded, so that tiles are drawn at 0.71 to 1.41 times
// their nominal TileSize.
func (lv level) tileZoom() int { return int(math.Floor(lv.zoom() + 0.5)) }

// worldPixels returns the width of the world in pixels at this level.
func (lv level) worldPixels() float64 { return TileSize * math.Exp2(lv.zoom()) }

// tilePixels returns the width, in pixels, of one tile of the level's grid.
func (lv level) tilePixels() float64 { return lv.worldPixels() / math.Exp2(float64(lv.tileZoom())) }

// tileEdge returns the pixel where tile column (or row) i of the level's
// grid starts; tile i covers [tileEdge(i), tileEdge(i+1)).
func (lv level) tileEdge(i int) int {
	return int(math.Floor(float64(i)*lv.tilePixels() + 1e-7))
}

// tileRect returns the world-pixel rectangle of tile (x, y) at this level.
func (lv level) tileRect(x, y int) pixRect {
	return pixRect{lv.tileEdge(x), lv.tileEdge(y), lv.tileEdge(x + 1), lv.tileEdge(y + 1)}
}

// tileAt returns the tile column (or row) holding world pixel px.
func (lv level) tileAt(px int) int {
	i := int(math.Floor(float64(px) / lv.tilePixels()))
	for lv.tileEdge(i) > px {
		i--
	}
	for lv.tileEdge(i+1) <= px {
		i++
	}
	return i
}

// pixRect is a rectangle of world pixels at some level, Max excluded.
type pixRect struct{ x0, y0, x1, y1 int }

func (r pixRect) empty() bool { return r.x1 <= r.x0 || r.y1 <= r.y0 }
func (r pixRect) dx() int     { return r.x1 - r.x0 }
func (r pixRect) dy() int     { return r.y1 - r.y0 }

func (r pixRect) intersect(o pixRect) pixRect {
	return pixRect{max(r.x0, o.x0), max(r.y0, o.y0), min(r.x1, o.x1), min(r.y1, o.y1)}
}

func (r pixRect) contains(o pixRect) bool {
	return o.x0 >= r.x0 && o.y0 >= r.y0 && o.x1 <= r.x1 && o.y1 <= r.y1
}

// worldBound returns the world-fraction bound of a pixel rectangle at lv.
func (r pixRect) worldBound(lv level) orb.Bound {
	w := lv.worldPixels()
	return orb.Bound{Min: orb.Point{float64(r.x0) / w, float64(r.y0) / w}, Max: orb.Point{float64(r.x1) / w, float64(r.y1) / w}}
}
