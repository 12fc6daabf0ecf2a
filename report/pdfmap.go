package report

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
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
	if err := d.legend(m); err != nil {
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

// legend explains the map's overlay under it, then which line is which
// network.
func (d *pdfDoc) legend(m *zoneMap) error {
	f := d.f
	x, y := marginX, d.y
	d.font(7.5, false, ink)
	swatch := func(fill, stroke color.NRGBA, dash []float64, label string) {
		d.fill(fill)
		f.SetAlpha(0.25, "Normal")
		f.Rect(x, y+0.6, 6, 3, "F")
		f.SetAlpha(1, "Normal")
		d.draw(stroke)
		f.SetLineWidth(0.45)
		f.SetDashPattern(dash, 0)
		f.Rect(x, y+0.6, 6, 3, "D")
		f.SetDashPattern(nil, 0)
		d.text(x+7.5, y+3.2, label)
		x += 7.5 + d.width(label) + 6
	}
	zone := "Zone de travaux"
	if d.sel.Zone.IsLine() {
		zone = "Zone de travaux (tracé et largeur)"
	}
	swatch(zoneRed, zoneRed, nil, zone)
	if d.sel.Buffer > 0 {
		swatch(bufferOr, bufferOr, []float64{1.6, 1.0}, "Marge de sécurité ("+paper.Metres(d.sel.Buffer)+")")
	}
	d.draw(selCyan)
	f.SetLineWidth(1.4)
	f.Line(x, y+2.1, x+6, y+2.1)
	d.text(x+7.5, y+3.2, "Objet recensé")
	x += 7.5 + d.width("Objet recensé") + 6
	if d.sel.Investigate() > 0 {
		d.draw(alert)
		f.SetLineWidth(0.5)
		f.SetDashPattern([]float64{1.2, 0.8}, 0)
		f.Line(x, y+2.1, x+6, y+2.1)
		f.SetDashPattern(nil, 0)
		d.text(x+7.5, y+3.2, "À investiguer (classe C ou inconnue)")
	}
	d.y += 5
	if err := d.networkLegend(m); err != nil {
		return err
	}
	if len(d.meta.Attributions) > 0 {
		d.font(6.5, false, grey)
		d.paragraph("Sources : "+strings.Join(d.meta.Attributions, " · "), marginX, contentW, 6.5)
	}
	d.y += 3
	return nil
}

// Size of a network's swatch in the legend, in mm, and the zoom its line
// is drawn at.
const (
	netSwatchW, netSwatchH = 8.0, 3.0
	netSwatchZoom          = 17
)

// networkLegend says, under the map, which line and symbol is which
// network (eau potable, assainissement…): each searched layer the map
// draws, with its swatch drawn by the map engine as on the map (colour,
// dashes, symbol).
func (d *pdfDoc) networkLegend(m *zoneMap) error {
	searched := map[string]string{}
	for _, lc := range d.sel.Layers {
		searched[lc.Layer] = lc.Title
	}
	f := d.f
	x, y := marginX, d.y
	d.font(7.5, false, ink)
	for i := len(m.layers) - 1; i >= 0; i-- { // top of the map first
		l := m.layers[i]
		title, ok := searched[l.Name]
		if !ok {
			continue
		}
		wl, err := m.r.Workspace().Layer(l.Name)
		if err != nil {
			continue
		}
		px := func(mm float64) int { return int(math.Round(mm / 25.4 * 96)) }
		img := mapview.DrawSwatch(m.r.StyleOf(l), mapview.SwatchKindOf(wl.Schema.GeometryType), nil, netSwatchZoom,
			px(netSwatchW), px(netSwatchH), float64(mapDPI)/96)
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
			return fmt.Errorf("report: legend: %w", err)
		}
		w := netSwatchW + 1.5 + d.width(title) + 5
		if x+w > marginX+contentW {
			x, y = marginX, y+4.5
		}
		opts := fpdf.ImageOptions{ImageType: "PNG"}
		name := "swatch-" + l.Name
		f.RegisterImageOptionsReader(name, opts, &buf)
		f.ImageOptions(name, x, y+0.6, netSwatchW, netSwatchH, false, opts, 0, "")
		d.text(x+netSwatchW+1.5, y+3.2, title)
		x += w
	}
	if x > marginX || y > d.y {
		d.y = y + 5
	}
	return nil
}
