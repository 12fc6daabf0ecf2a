package report

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/paulmach/orb"

	"terrimap/mapview"
	"terrimap/store/schema"
)

// mapDPI is the resolution the map is drawn at on the page.
const mapDPI = 200

// maxMapZoom keeps a small zone from being drawn at a scale where a pipe
// is a ribbon: about 1:1 000 on paper.
const maxMapZoom = 19.5

// zoneMap is the map of the zone: its view, its picture, and how a
// longitude/latitude lands on the page.
type zoneMap struct {
	r                *mapview.Renderer
	vp               mapview.Viewport
	img              *image.RGBA
	x, y, w, h       float64 // frame on the page, mm
	layers           []mapview.Layer
	zone, buffer     orb.MultiPolygon // the selection's outlines
	mmPerPx          float64
	scaleMetres      float64 // the scale bar's length
	scaleBarMM       float64
	scaleDenominator float64
}

// page returns where a longitude/latitude lies on the page, in mm.
func (m *zoneMap) page(ll orb.Point) (float64, float64) {
	p := m.vp.LonLatToPixel(ll)
	return m.x + p[0]*m.mmPerPx, m.y + p[1]*m.mmPerPx
}

// mapLayers returns the layers the map draws, in the renderer's order: the
// layers searched and, for context, the polygon layers (communes, flood
// zones, buildings) and the streets.
func mapLayers(r *mapview.Renderer, sel *Selection) []mapview.Layer {
	searched := map[string]bool{}
	for _, lc := range sel.Layers {
		searched[lc.Layer] = true
	}
	var out []mapview.Layer
	for _, l := range mapview.DefaultLayers(r.Workspace(), nil) {
		wl, err := r.Workspace().Layer(l.Name)
		if err != nil {
			continue
		}
		switch wl.Schema.GeometryType {
		case schema.Polygon, schema.MultiPolygon:
			out = append(out, l)
		default:
			if searched[l.Name] || isStreets(wl) {
				out = append(out, l)
			}
		}
	}
	return out
}

// drawZoneMap draws the map of the selection in a frame of w × h mm at
// (x, y): the zone with its margin and some surroundings, the features
// found highlighted.
func drawZoneMap(ctx context.Context, r *mapview.Renderer, sel *Selection, x, y, w, h float64) (*zoneMap, error) {
	scale := float64(mapDPI) / 96
	vp := mapview.Viewport{
		Width:  int(math.Round(w / 25.4 * 96)),
		Height: int(math.Round(h / 25.4 * 96)),
		Scale:  scale,
	}
	zone, buffer := sel.Outlines()
	vp = vp.FitBound(mapExtent(sel.Zone.Geometry.Bound(), buffer))
	vp.Zoom = math.Min(vp.Zoom, maxMapZoom)
	m := &zoneMap{r: r, vp: vp, x: x, y: y, w: w, h: h, layers: mapLayers(r, sel), mmPerPx: w / float64(vp.Width),
		zone: zone, buffer: buffer}
	var found []mapview.FeatureRef
	for _, it := range sel.Items {
		found = append(found, mapview.FeatureRef{Layer: it.Layer, FID: it.FID})
	}
	drawn, err := r.Render(ctx, vp, m.layers, found)
	if err != nil {
		return nil, fmt.Errorf("report: map: %w", err)
	}
	m.img = image.NewRGBA(drawn.Bounds())
	draw.Draw(m.img, m.img.Bounds(), image.NewUniform(color.RGBA{0xfb, 0xfa, 0xf7, 0xff}), image.Point{}, draw.Src)
	draw.Draw(m.img, m.img.Bounds(), drawn, image.Point{}, draw.Over)
	metresLen, px := vp.ScaleBar(0.3 * float64(vp.Width))
	m.scaleMetres, m.scaleBarMM = metresLen, px*m.mmPerPx
	// On paper, a logical pixel is mmPerPx millimetres, not 1/96 inch.
	m.scaleDenominator = vp.MetersPerPixel() / (m.mmPerPx / 1000)
	return m, nil
}

// mapExtent is what the map must show: the zone with its margin, and as
// much again around it (20 m at least) to see where it lies.
func mapExtent(b orb.Bound, buffer orb.MultiPolygon) orb.Bound {
	if len(buffer) > 0 {
		b = b.Union(buffer.Bound())
	}
	c := b.Center()
	wide := (b.Max[0] - b.Min[0]) * 111_320 * math.Cos(c[1]*math.Pi/180)
	high := (b.Max[1] - b.Min[1]) * 110_574
	return padDegrees(b, math.Max(20, 0.25*math.Max(wide, high)))
}
