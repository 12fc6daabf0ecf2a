package dtdict

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/export"
	"terrimap/mapview/tiles"
	"terrimap/report"
)

// planMap draws, in a frame of a PDF page, the works zone and our
// networks over a faded background of the streets and buildings: each
// tronçon and fitting in its class's style (lineStyle), labelled when
// labels is set.
type planMap struct {
	pdf    *fpdf.Fpdf
	s      *paper.PDFSurface
	fonts  *paper.Fonts
	frame  paper.MapFrame
	colour bool
	labels bool
	// basemap, when not nil, is drawn under the rest; basemapDrawn tells
	// whether any of its tiles was, to credit it.
	basemap      tiles.Source
	basemapDrawn bool
	// furniture are the boxes the scale bar and the north arrow take,
	// where no label goes; reserved adds the caller's (a key map).
	furniture, reserved []paper.Rect
}

// draw draws the map, its outline, scale bar and north arrow.
func (m *planMap) draw(ctx context.Context, r *mapview.Renderer, a *Analysis) error {
	img, err := m.background(ctx, r)
	if err != nil {
		return err
	}
	if err := m.frame.DrawMap(m.s, img, false); err != nil {
		return fmt.Errorf("dtdict: plan: %w", err)
	}
	fr, k := m.frame.Rect, m.frame.K
	m.furniture = []paper.Rect{
		{X: fr.X, Y: fr.Bottom() - 22*k, W: 75 * k, H: 22 * k},
		{X: fr.Right() - 14*k, Y: fr.Y, W: 14 * k, H: 26 * k}}
	m.furniture = append(m.furniture, m.reserved...)
	m.pdf.ClipRect(fr.X, fr.Y, fr.W, fr.H, false)
	m.drawZone(a.Declaration.Zone)
	for i := range a.Items {
		m.drawItem(&a.Items[i])
	}
	if m.labels {
		m.drawLabels(a.Items)
	}
	m.pdf.ClipEnd()
	m.frame.DrawOutline(m.s)
	m.frame.DrawScaleBar(m.s, m.fonts, m.frame.Scale())
	m.frame.DrawNorthArrow(m.s, m.fonts)
	return nil
}

// background draws the plan's context — the basemap when there is one,
// then the streets, buildings and other surfaces of the workspace
// (report.PlanLayers), not the networks, which the plan draws itself —
// washed out towards white so that the networks stand out; in grey for a
// black-and-white plan.
func (m *planMap) background(ctx context.Context, r *mapview.Renderer) (*image.RGBA, error) {
	vp := m.frame.View
	size := vp.DeviceSize()
	img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper.White.NRGBA()), image.Point{}, draw.Src)
	if m.basemap != nil {
		n, err := export.DrawBasemap(ctx, img, m.basemap, vp, export.DefaultBasemapTimeout, func(string) {})
		if err != nil {
			return nil, fmt.Errorf("dtdict: plan: %w", err)
		}
		m.basemapDrawn = n > 0
	}
	drawn, err := r.Render(ctx, vp, report.PlanLayers(r, nil), nil)
	if err != nil {
		return nil, fmt.Errorf("dtdict: plan: %w", err)
	}
	draw.Draw(img, img.Bounds(), drawn, drawn.Bounds().Min, draw.Over)
	const keep = 0.55 // of the background's contrast
	for i := 0; i < len(img.Pix); i += 4 {
		r, g, b := float64(img.Pix[i]), float64(img.Pix[i+1]), float64(img.Pix[i+2])
		if !m.colour {
			y := 0.299*r + 0.587*g + 0.114*b
			r, g, b = y, y, y
		}
		img.Pix[i] = uint8(255 - keep*(255-r))
		img.Pix[i+1] = uint8(255 - keep*(255-g))
		img.Pix[i+2] = uint8(255 - keep*(255-b))
	}
	return img, nil
}

// credit names the basemap drawn, for the plan to credit it: "Fond de
// plan : © …"; "" when none of its tiles was drawn.
func (m *planMap) credit() string {
	if m.basemap == nil || !m.basemapDrawn {
		return ""
	}
	info := m.basemap.Info()
	return "Fond de plan : " + joinNonEmpty(", ", info.Title, info.Attribution)
}

// rings places a multipolygon's rings on the page.
func (m *planMap) rings(mp orb.MultiPolygon) [][]paper.Pt {
	var out [][]paper.Pt
	for _, poly := range mp {
		for _, ring := range poly {
			out = append(out, m.line(orb.LineString(ring)))
		}
	}
	return out
}

// line places a line on the page.
func (m *planMap) line(ls orb.LineString) []paper.Pt {
	pts := make([]paper.Pt, len(ls))
	for i, p := range ls {
		pts[i] = m.frame.Page(p)
	}
	return pts
}

// drawZone fills the zone (its holes left clear) and outlines it.
func (m *planMap) drawZone(zone orb.MultiPolygon) {
	rings := m.rings(zone)
	if len(rings) == 0 {
		return
	}
	stroke, fill := zoneStyle(m.colour)
	f := m.pdf
	f.SetFillColor(int(fill.R), int(fill.G), int(fill.B))
	f.SetAlpha(float64(fill.A)/255, "Normal")
	for _, r := range rings {
		if len(r) < 3 {
			continue
		}
		f.MoveTo(r[0].X, r[0].Y)
		for _, p := range r[1:] {
			f.LineTo(p.X, p.Y)
		}
		f.ClosePath()
	}
	f.DrawPath("f*")
	f.SetAlpha(1, "Normal")
	k := m.frame.K
	for _, r := range rings {
		m.s.Polygon(r, paper.Transparent.NRGBA(), stroke, 0.5*k, scaled(zoneDash, k))
	}
}

// scaled returns a dash pattern times k.
func scaled(dash []float64, k float64) []float64 {
	out := make([]float64, len(dash))
	for i, v := range dash {
		out[i] = v * k
	}
	return out
}

// drawItem draws a tronçon or a fitting in its class's style, a tronçon
// on a white casing that keeps it clear of the background.
func (m *planMap) drawItem(it *report.Item) {
	st := styleOf(it.Class, m.colour)
	k := m.frame.K
	white := paper.White.NRGBA()
	for _, ls := range linesOf(it.Geometry) {
		pts := m.line(ls)
		m.s.Polyline(pts, white, (st.Width+0.5)*k, nil, true)
		m.s.Polyline(pts, st.Stroke, st.Width*k, scaled(st.Dash, k), len(st.Dash) == 0)
	}
	for _, p := range pointsOf(it.Geometry) {
		fill := st.Stroke
		if !m.colour && it.Class != report.ClassA {
			fill = white // in black and white: A filled, B and C open
		}
		m.s.Polygon(paper.CirclePts(m.frame.Page(p), 1.1*k), fill, st.Stroke, 0.4*k, nil)
	}
}

// linesOf returns the lines of a geometry.
func linesOf(g orb.Geometry) []orb.LineString {
	switch g := g.(type) {
	case orb.LineString:
		return []orb.LineString{g}
	case orb.MultiLineString:
		return g
	case orb.Collection:
		var out []orb.LineString
		for _, part := range g {
			out = append(out, linesOf(part)...)
		}
		return out
	}
	return nil
}

// pointsOf returns the points of a geometry.
func pointsOf(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.Collection:
		var out []orb.Point
		for _, part := range g {
			out = append(out, pointsOf(part)...)
		}
		return out
	}
	return nil
}

// labelInk is the colour of the labels: the class's in colour, black else.
func (m *planMap) labelInk(c report.Class) color.NRGBA {
	if !m.colour {
		return paper.Black.NRGBA()
	}
	return darker(report.ClassColour(c))
}

// darker returns c darkened, for text in a class's colour to read well.
func darker(c color.NRGBA) color.NRGBA {
	return color.NRGBA{uint8(float64(c.R) * 0.7), uint8(float64(c.G) * 0.7), uint8(float64(c.B) * 0.7), c.A}
}
