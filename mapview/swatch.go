package mapview

import (
	"image"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"terrimap/store/schema"
)

// SwatchKind is the kind of geometry a legend swatch shows.
type SwatchKind uint8

// The kinds of swatches: a point's symbol, a stretch of line, an area.
// They are the renderer's geometry classes, which DrawSwatch and
// SwatchKindOf convert to and from.
const (
	SwatchPoint   = SwatchKind(pointClass)
	SwatchLine    = SwatchKind(lineClass)
	SwatchPolygon = SwatchKind(polygonClass)
)

// DrawSwatch draws the legend swatch of a feature of style st with the
// properties props (nil: the style's base paint), as the map draws it at
// zoom and device scale: the point's symbol, a stretch of the line with
// its width, colour and dashes, or a square of the area with its fill and
// outline. The image is w×h logical pixels times scale; a nil style is the
// engine's default.
func DrawSwatch(st *Style, kind SwatchKind, props map[string]any, zoom float64, w, h int, scale float64) *image.RGBA {
	if !(scale > 0) || math.IsInf(scale, 0) {
		scale = 1
	}
	if st == nil {
		st = &Style{}
	}
	dw, dh := max(1, int(math.Ceil(float64(w)*scale))), max(1, int(math.Ceil(float64(h)*scale)))
	img := image.NewRGBA(image.Rect(0, 0, dw, dh))
	a := attrs{}
	for k, v := range props {
		a.names = append(a.names, k)
		a.vals = append(a.vals, v)
	}
	c := geomClass(kind)
	if kind > SwatchPolygon {
		c = pointClass
	}
	p := newStyler(st, c, zoom, scale).resolve(a)
	// A job whose world is the swatch's pixels: the lines and areas go
	// through the very code that draws the map's.
	j := &drawJob{rect: pixRect{0, 0, dw, dh}, wpx: 1, zoom: zoom}
	j.img = img
	j.cv = newCanvas(img)
	j.dp = simplify.DouglasPeucker(simplifyTolerance)
	defer j.release()
	fw, fh := float64(dw), float64(dh)
	switch c {
	case pointClass:
		makeSprite(p.spriteKey()).drawAt(img, orb.Point{fw / 2, fh / 2})
	case lineClass:
		if p.stroke.A > 0 {
			m := fh / 2
			j.strokeLine(j.cv, []orb.Point{{m * 0.3, fh / 2}, {fw - m*0.3, fh / 2}}, &p, float64(p.width), false)
			j.cv.fill(p.stroke)
		}
	default:
		in := math.Max(1, float64(p.width))
		ring := orb.Ring{{in, in}, {fw - in, in}, {fw - in, fh - in}, {in, fh - in}, {in, in}}
		area := &feature{world: orb.Polygon{ring}}
		j.drawPolygons(j.cv, []group{{p: p, feats: []*feature{area}}})
	}
	return img
}

// SwatchKindOf is the swatch of a layer of geometry type t.
func SwatchKindOf(t schema.GeometryType) SwatchKind { return SwatchKind(schemaClass(t)) }
