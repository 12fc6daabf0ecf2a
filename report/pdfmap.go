package report

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/export"
)

// zoneMap draws the map with the zone, its margin, a scale bar, a north
// arrow and a legend under it.
func (d *pdfDoc) zoneMap(ctx context.Context, r *mapview.Renderer) error {
	const h = 100.0
	m, err := drawZoneMap(ctx, r, d.sel, paper.Rect{X: marginX, Y: d.y, W: contentW, H: h})
	if err != nil {
		return err
	}
	fr := m.frame
	if err := fr.DrawMap(d.s, m.img, false); err != nil {
		return fmt.Errorf("report: map: %w", err)
	}
	d.f.ClipRect(fr.Rect.X, fr.Rect.Y, fr.Rect.W, fr.Rect.H, false)
	d.overlay(m)
	d.f.ClipEnd()
	fr.DrawOutline(d.s)
	fr.DrawScaleBar(d.s, d.fonts, fr.Scale())
	fr.DrawNorthArrow(d.s, d.fonts)
	d.y += h + 2
	if err := d.legend(ctx, m); err != nil {
		return err
	}
	return nil
}

// overlay draws the margin and the zone over the map.
func (d *pdfDoc) overlay(m *zoneMap) {
	f := d.f
	if d.sel.Buffer > 0 {
		d.area(m.rings(m.buffer), bufferOr, 0.14, 0.45, []float64{1.6, 1.0})
	}
	d.area(m.rings(m.zone), zoneRed, 0.16, 0.6, nil)
	if ml, ok := d.sel.Zone.Geometry.(orb.MultiLineString); ok {
		f.SetLineWidth(0.3)
		f.SetDashPattern([]float64{2, 1, 0.4, 1}, 0)
		for _, ls := range ml {
			d.polyline(m, ls)
		}
		f.SetDashPattern(nil, 0)
	}
	d.markInvestigate(m)
}

// markInvestigate draws over the map, in red, the features to locate on
// site: their lines dashed, a ring around their points.
func (d *pdfDoc) markInvestigate(m *zoneMap) {
	f := d.f
	d.draw(alert)
	for i := range d.sel.Items {
		it := &d.sel.Items[i]
		if !it.Investigate {
			continue
		}
		f.SetLineWidth(0.5)
		f.SetDashPattern([]float64{1.2, 0.8}, 0)
		eachLine(it.Geometry, func(ls orb.LineString) { d.polyline(m, ls) })
		f.SetDashPattern(nil, 0)
		f.SetLineWidth(0.45)
		eachPoint(it.Geometry, func(p orb.Point) {
			at := m.frame.Page(p)
			f.Circle(at.X, at.Y, 1.7, "D")
		})
	}
}

// polyline strokes a line of longitude/latitude on the map.
func (d *pdfDoc) polyline(m *zoneMap, ls orb.LineString) {
	for i, p := range ls {
		at := m.frame.Page(p)
		if i == 0 {
			d.f.MoveTo(at.X, at.Y)
		} else {
			d.f.LineTo(at.X, at.Y)
		}
	}
	d.f.DrawPath("D")
}

// area fills rings (even-odd, holes stay clear) with c faded to alpha,
// then strokes their outlines in c.
func (d *pdfDoc) area(rings [][]paper.Pt, c color.NRGBA, alpha, width float64, dash []float64) {
	if len(rings) == 0 {
		return
	}
	f := d.f
	path := func() {
		for _, r := range rings {
			for i, p := range r {
				if i == 0 {
					f.MoveTo(p.X, p.Y)
				} else {
					f.LineTo(p.X, p.Y)
				}
			}
			f.ClosePath()
		}
	}
	d.fill(c)
	f.SetAlpha(alpha, "Normal")
	path()
	f.DrawPath("f*")
	f.SetAlpha(1, "Normal")
	d.draw(c)
	f.SetLineWidth(width)
	f.SetDashPattern(dash, 0)
	path()
	f.DrawPath("D")
	f.SetDashPattern(nil, 0)
}

// rings places a multipolygon's rings on the page.
func (m *zoneMap) rings(mp orb.MultiPolygon) [][]paper.Pt {
	var out [][]paper.Pt
	for _, poly := range mp {
		for _, r := range poly {
			pts := make([]paper.Pt, len(r))
			for i, p := range r {
				pts[i] = m.frame.Page(p)
			}
			out = append(out, pts)
		}
	}
	return out
}

// legend explains, under the map, its overlay (the zone, its margin, the
// features found and those to investigate), then which line and symbol is
// which network searched — drawn by the print engine as the map export
// draws its legend (export.Legend): the same swatches, from the same
// styles — then credits the data.
func (d *pdfDoc) legend(ctx context.Context, m *zoneMap) error {
	groups := d.overlayLegend()
	searched := map[string]bool{}
	for _, lc := range d.sel.Layers {
		searched[lc.Layer] = true
	}
	var networks []mapview.Layer
	for _, l := range m.layers {
		if searched[l.Name] {
			networks = append(networks, l)
		}
	}
	more, err := export.Legend(ctx, m.r, networks, m.frame.View)
	if err != nil {
		return fmt.Errorf("report: legend: %w", err)
	}
	groups = append(groups, more...)
	h := paper.LegendHeight(d.fonts, groups, contentW, legendK)
	paper.DrawLegend(d.s, d.fonts, groups, paper.Rect{X: marginX, Y: d.y, W: contentW, H: h}, legendK)
	d.y += h
	if len(d.meta.Attributions) > 0 {
		d.font(6.5, false, grey)
		d.paragraph("Sources : "+strings.Join(d.meta.Attributions, " · "), marginX, contentW, 6.5)
	}
	d.y += 3
	return nil
}

// legendK is the size of the legend relative to a map export's on A4: its
// rows at 6.4 points, so that the summary still ends the first page.
const legendK = 0.85

// overlayLegend is the legend of what the report draws over the map, each
// swatch as the overlay draws it (sizes in logical pixels, 1/96 inch).
func (d *pdfDoc) overlayLegend() []paper.LegendGroup {
	mm := func(v float64) float64 { return v / paper.PxMM }
	faded := func(c color.NRGBA, alpha float64) color.NRGBA { c.A = uint8(alpha*255 + 0.5); return c }
	one := func(title string, sw paper.Swatch) paper.LegendGroup {
		return paper.LegendGroup{Title: title, Swatch: &sw}
	}
	zone := "Zone de travaux"
	if d.sel.Zone.IsLine() {
		zone = "Zone de travaux (tracé et largeur)"
	}
	out := []paper.LegendGroup{one(zone, paper.Swatch{Kind: paper.PolygonSwatch, Fill: faded(zoneRed, 0.25), Stroke: zoneRed, Width: mm(0.45)})}
	if d.sel.Buffer > 0 {
		out = append(out, one("Marge de sécurité ("+paper.Metres(d.sel.Buffer)+")", paper.Swatch{Kind: paper.PolygonSwatch,
			Fill: faded(bufferOr, 0.25), Stroke: bufferOr, Width: mm(0.45), Dash: []float64{mm(1.6), mm(1.0)}}))
	}
	out = append(out, one("Objet recensé", paper.Swatch{Kind: paper.LineSwatch, Stroke: selCyan, Width: mm(1.4)}))
	if d.sel.Investigate() > 0 {
		out = append(out, one("À investiguer (classe C ou inconnue)", paper.Swatch{Kind: paper.LineSwatch, Stroke: alert,
			Width: mm(0.5), Dash: []float64{mm(1.2), mm(0.8)}}))
	}
	return out
}
