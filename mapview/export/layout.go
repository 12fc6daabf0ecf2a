package export

import (
	"fmt"
	"image"
	"math"
	"strings"
	"time"

	"terrimap/internal/paper"
	"terrimap/mapview"
)

// A sheet is laid out like a paper plan. On a landscape page: the map on
// the left; on the right a column with the title block at the top, the
// legend, and the cartouche at the bottom (scale, date, sources, Terrimap).
// On a portrait page: the title across the top, the map, then the legend
// and the cartouche side by side along the bottom. The scale bar and the
// north arrow sit in the map's corners (paper.MapFrame).

// layout places the parts of a sheet, in millimetres.
type layout struct {
	pg       page
	k        float64 // size of the decorations, relative to an A4 sheet
	margin   float64
	gap      float64
	mapOnly  bool
	portrait bool
	frame    paper.Rect // the map
	// Landscape: the column on the right. Portrait: header and footer.
	panel          paper.Rect
	header, footer paper.Rect
	fs             *paper.Fonts
	title          paper.TitleBlock
}

// The text styles, at k = 1 (an A4 sheet).
func (l *layout) infoFont() paper.Font  { return paper.Font{Size: 7.5 * l.k} }
func (l *layout) smallFont() paper.Font { return paper.Font{Size: 6 * l.k} }

func newLayout(pg page, opts Options, fs *paper.Fonts) *layout {
	l := &layout{pg: pg, fs: fs, mapOnly: opts.MapOnly}
	l.k = math.Max(0.7, math.Min(1.6, math.Sqrt(pg.w*pg.h/(210*297))))
	l.margin, l.gap = 8*l.k, 5*l.k
	W, H := pg.w, pg.h
	if opts.MapOnly {
		l.frame = paper.Rect{X: 0, Y: 0, W: W, H: H}
		return l
	}
	title, sub := strings.TrimSpace(opts.Title), strings.TrimSpace(opts.Subtitle)
	l.portrait = H > W*1.05
	if !l.portrait {
		pw := math.Min(64*l.k, 0.34*W)
		l.frame = paper.Rect{X: l.margin, Y: l.margin, W: W - 2*l.margin - l.gap - pw, H: H - 2*l.margin}
		l.panel = paper.Rect{X: l.frame.Right() + l.gap, Y: l.margin, W: pw, H: H - 2*l.margin}
		l.title = paper.FitTitle(fs, title, sub, pw, l.k)
		return l
	}
	inner := W - 2*l.margin
	l.title = paper.FitTitle(fs, title, sub, inner, l.k)
	hh := l.title.Height()
	fh := math.Max(42*l.k, 0.25*H)
	l.header = paper.Rect{X: l.margin, Y: l.margin, W: inner, H: hh}
	top := l.margin + hh
	if hh > 0 {
		top += l.gap * 0.6
	}
	l.frame = paper.Rect{X: l.margin, Y: top, W: inner, H: H - l.margin - top - l.gap - fh}
	l.footer = paper.Rect{X: l.margin, Y: l.frame.Bottom() + l.gap, W: inner, H: fh}
	return l
}

// mapFrame returns the map's frame and the view it shows, the frame
// exactly as large as the map image drawn for it.
func (l *layout) mapFrame(opts Options) paper.MapFrame {
	m := paper.FitFrame(l.frame, l.pg.dpi)
	if opts.Viewport != nil {
		m.View.Center, m.View.Zoom = opts.Viewport.Center, math.Max(mapview.MinZoom, math.Min(mapview.MaxZoom, opts.Viewport.Zoom))
	} else {
		m.View = m.View.FitBound(opts.Bound)
	}
	m.K, m.Inset = l.k, 4*l.k
	if l.mapOnly {
		m.Inset = 2.5 * l.k
	}
	l.frame = m.Rect
	return m
}

// sheet is everything drawn on the page.
type sheet struct {
	pg       page
	lay      *layout
	frame    paper.MapFrame
	mapImg   *image.RGBA
	legend   []paper.LegendGroup
	title    string
	subtitle string
	date     time.Time
	credits  []string
	mapOnly  bool
	warn     func(string)
}

func (d *sheet) fonts() *paper.Fonts { return d.lay.fs }

// draw draws the sheet on a surface.
func (d *sheet) draw(s paper.Surface) error {
	l := d.lay
	if err := d.frame.DrawMap(s, d.mapImg, !d.mapOnly); err != nil {
		return err
	}
	d.frame.DrawScaleBar(s, l.fs, "")
	d.frame.DrawNorthArrow(s, l.fs)
	if d.mapOnly {
		d.frame.DrawCredits(s, l.fs, d.credits)
		return nil
	}
	if l.portrait {
		l.title.Draw(s, l.header, false)
		legendBox := paper.Rect{X: l.footer.X, Y: l.footer.Y, W: l.footer.W * 0.66, H: l.footer.H}
		cart := paper.Rect{X: l.footer.X + l.footer.W*0.70, Y: l.footer.Y, W: l.footer.W * 0.30, H: l.footer.H}
		d.drawLegend(s, legendBox)
		d.drawCartouche(s, cart)
		return nil
	}
	p := l.panel
	y := l.title.Draw(s, p, true)
	top := d.drawCartouche(s, p)
	d.drawLegend(s, paper.Rect{X: p.X, Y: y, W: p.W, H: top - y - l.gap*0.6})
	return nil
}

// cartoucheLine is a line of the cartouche.
type cartoucheLine struct {
	text string
	f    paper.Font
}

// drawCartouche writes, at the bottom of r: the scale, the date, the
// sources and the Terrimap mention; it returns the top of what it drew.
func (d *sheet) drawCartouche(s paper.Surface, r paper.Rect) float64 {
	l := d.lay
	var lines []cartoucheLine
	info, small := l.infoFont(), l.smallFont()
	if d.pg.paper {
		if scale := d.frame.Scale(); scale != "" {
			lines = append(lines, cartoucheLine{text: "Échelle " + scale + " (format " + paperName(d.pg) + ")", f: info})
		}
	}
	lines = append(lines, cartoucheLine{text: "Édité le " + paper.Date(d.date), f: info})
	if len(d.credits) > 0 {
		for _, w := range l.fs.Wrap("Sources : "+strings.Join(d.credits, " ; "), small, r.W) {
			lines = append(lines, cartoucheLine{text: w, f: small})
		}
	}
	lines = append(lines, cartoucheLine{text: "Projection Web Mercator (EPSG:3857)", f: small})
	lines = append(lines, cartoucheLine{text: "Carte réalisée avec Terrimap", f: paper.Font{Size: small.Size, Bold: true}})
	h := 0.0
	for _, c := range lines {
		h += paper.LineHeight(c.f)
	}
	top := r.Bottom() - h
	y := top
	for _, c := range lines {
		y += paper.LineHeight(c.f)
		col := paper.InkGrey
		if c.f == info {
			col = paper.Black
		}
		s.Text(r.X, y-0.22*paper.LineHeight(c.f), c.text, c.f, col.NRGBA())
	}
	rule := top - 0.5*paper.LineHeight(info)
	s.Polyline([]paper.Pt{{X: r.X, Y: rule}, {X: r.Right(), Y: rule}}, paper.RuleGrey.NRGBA(), 0.25*l.k, nil, false)
	return rule
}

// drawLegend writes the legend in box, and warns of the rows it lacks
// room for.
func (d *sheet) drawLegend(s paper.Surface, box paper.Rect) {
	if dropped, rows := paper.DrawLegend(s, d.lay.fs, d.legend, box, d.lay.k); dropped > 0 {
		d.warn(fmt.Sprintf("the legend lacks room for %d of its %d lines: choose a larger paper or fewer layers", dropped, rows))
	}
}

// paperName names the sheet: "A3 paysage".
func paperName(pg page) string {
	w, h := math.Min(pg.w, pg.h), math.Max(pg.w, pg.h)
	name := fmt.Sprintf("%.0f×%.0f mm", pg.w, pg.h)
	for _, p := range []Paper{A4, A3} {
		pw, ph, _ := p.size()
		if math.Abs(pw-w) < 1 && math.Abs(ph-h) < 1 {
			name = string(p)
		}
	}
	if pg.w > pg.h {
		return name + " paysage"
	}
	return name + " portrait"
}
