package report

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
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
	r            *mapview.Renderer
	frame        paper.MapFrame
	img          *image.RGBA
	layers       []mapview.Layer
	zone, buffer orb.MultiPolygon // the selection's outlines
}

// mapLayers returns the layers the map draws: the layers searched and
// their context (PlanLayers).
func mapLayers(r *mapview.Renderer, sel *Selection) []mapview.Layer {
	searched := make([]string, len(sel.Layers))
	for i, lc := range sel.Layers {
		searched[i] = lc.Layer
	}
	return PlanLayers(r, searched)
}

// PlanLayers returns the layers a plan of the network layers named
// draws, in the renderer's order: those layers and, for context, the
// polygon layers (communes, flood zones, buildings) and the streets. With
// no network named, the context alone, for a plan that draws the networks
// itself (the DT-DICT answer's plans).
func PlanLayers(r *mapview.Renderer, networks []string) []mapview.Layer {
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
			if slices.Contains(networks, l.Name) || isStreets(wl) {
				out = append(out, l)
			}
		}
	}
	return out
}

// drawZoneMap draws the map of the selection in the frame r on the page:
// the zone with its margin and some surroundings, the features found
// highlighted.
func drawZoneMap(ctx context.Context, r *mapview.Renderer, sel *Selection, rect paper.Rect) (*zoneMap, error) {
	zone, buffer := sel.Outlines()
	frame := zoneFrame(sel, buffer, rect)
	m := &zoneMap{r: r, frame: frame, layers: mapLayers(r, sel), zone: zone, buffer: buffer}
	var found []mapview.FeatureRef
	for _, it := range sel.Items {
		found = append(found, mapview.FeatureRef{Layer: it.Layer, FID: it.FID})
	}
	drawn, err := r.Render(ctx, frame.View, m.layers, found)
	if err != nil {
		return nil, fmt.Errorf("report: map: %w", err)
	}
	m.img = image.NewRGBA(drawn.Bounds())
	draw.Draw(m.img, m.img.Bounds(), image.NewUniform(color.RGBA{0xfb, 0xfa, 0xf7, 0xff}), image.Point{}, draw.Src)
	draw.Draw(m.img, m.img.Bounds(), drawn, image.Point{}, draw.Over)
	return m, nil
}

// zoneFrame is the frame of the map of the selection in rect: its view
// shows the zone with its margin (buffer) and some surroundings.
func zoneFrame(sel *Selection, buffer orb.MultiPolygon, rect paper.Rect) paper.MapFrame {
	frame := paper.FitFrame(rect, mapDPI)
	frame.Inset = 3
	frame.View = frame.View.FitBound(mapExtent(sel.Zone.Geometry.Bound(), buffer))
	frame.View.Zoom = math.Min(frame.View.Zoom, maxMapZoom)
	return frame
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
