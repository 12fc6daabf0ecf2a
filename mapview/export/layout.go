package export

import (
	"fmt"
	"image"
	"math"
	"strings"
	"time"

	"terrimap/mapview"
)

// A sheet is laid out like a paper plan. On a landscape page: the map on
// the left; on the right a column with the title block at the top, the
// legend, and the cartouche at the bottom (scale, date, sources, Terrimap).
// On a portrait page: the title across the top, the map, then the legend
// and the cartouche side by side along the bottom. The scale bar and the
// north arrow sit in the map's corners.

// layout places the parts of a sheet, in millimetres.
type layout struct {
	pg       page
	k        float64 // size of the decorations, relative to an A4 sheet
	titlePt  float64 // the title's size, fitted to its room
	margin   float64
	gap      float64
	mapOnly  bool
	portrait bool
	frame    rect // the map
	// Landscape: the column on the right. Portrait: header and footer.
	panel          rect
	header, footer rect
	fs             *fontSet
	title, sub     []string // wrapped
}

// The text styles, at k = 1 (an A4 sheet).
func (l *layout) titleFont() fontSpec    { return fontSpec{l.titlePt, true} }
func (l *layout) subtitleFont() fontSpec { return fontSpec{10 * l.k, false} }
func (l *layout) headFont() fontSpec     { return fontSpec{9.5 * l.k, true} }
func (l *layout) infoFont() fontSpec     { return fontSpec{7.5 * l.k, false} }
func (l *layout) smallFont() fontSpec    { return fontSpec{6 * l.k, false} }

func newLayout(pg page, opts Options, fs *fontSet) *layout {
	l := &layout{pg: pg, fs: fs, mapOnly: opts.MapOnly}
	l.k = math.Max(0.7, math.Min(1.6, math.Sqrt(pg.w*pg.h/(210*297))))
	l.margin, l.gap = 8*l.k, 5*l.k
	l.titlePt = 16 * l.k
	W, H := pg.w, pg.h
	if opts.MapOnly {
		l.frame = rect{0, 0, W, H}
		return l
	}
	title, sub := strings.TrimSpace(opts.Title), strings.TrimSpace(opts.Subtitle)
	l.portrait = H > W*1.05
	if !l.portrait {
		pw := math.Min(64*l.k, 0.34*W)
		l.frame = rect{l.margin, l.margin, W - 2*l.margin - l.gap - pw, H - 2*l.margin}
		l.panel = rect{l.frame.right() + l.gap, l.margin, pw, H - 2*l.margin}
		l.fitTitle(title, pw)
		l.sub = fs.wrap(sub, l.subtitleFont(), pw)
		return l
	}
	inner := W - 2*l.margin
	l.fitTitle(title, inner)
	l.sub = fs.wrap(sub, l.subtitleFont(), inner)
	hh := l.titleBlockHeight()
	fh := math.Max(42*l.k, 0.25*H)
	l.header = rect{l.margin, l.margin, inner, hh}
	top := l.margin + hh
	if hh > 0 {
		top += l.gap * 0.6
	}
	l.frame = rect{l.margin, top, inner, H - l.margin - top - l.gap - fh}
	l.footer = rect{l.margin, l.frame.bottom() + l.gap, inner, fh}
	return l
}

// fitTitle wraps the title in width w, at the largest size from 16 down
// to 12 points (at k = 1) at which it takes one line, else two, else at
// 12 points on as many lines as it needs.
func (l *layout) fitTitle(title string, w float64) {
	for _, most := range []int{1, 2} {
		for pt := 16.0; pt >= 12; pt -= 0.5 {
			l.titlePt = pt * l.k
			if l.title = l.fs.wrap(title, l.titleFont(), w); len(l.title) <= most {
				return
			}
		}
	}
}

// titleBlockHeight is the height of the title and subtitle lines.
func (l *layout) titleBlockHeight() float64 {
	h := float64(len(l.title))*lineHeight(l.titleFont()) + float64(len(l.sub))*lineHeight(l.subtitleFont())
	if h > 0 {
		h += 0.25 * lineHeight(l.titleFont())
	}
	return h
}

// viewport returns the view the frame shows, and makes the frame exactly
// as large as the map image drawn for it.
func (l *layout) viewport(opts Options) mapview.Viewport {
	scale := l.pg.dpi / ScreenDPI
	devW := math.Max(1, math.Round(l.frame.w/mmPerInch*l.pg.dpi))
	devH := math.Max(1, math.Round(l.frame.h/mmPerInch*l.pg.dpi))
	vp := mapview.Viewport{Width: max(1, int(math.Round(devW/scale))), Height: max(1, int(math.Round(devH/scale))), Scale: scale}
	if opts.Viewport != nil {
		vp.Center, vp.Zoom = opts.Viewport.Center, math.Max(mapview.MinZoom, math.Min(mapview.MaxZoom, opts.Viewport.Zoom))
	} else {
		vp = vp.FitBound(opts.Bound)
	}
	ds := vp.DeviceSize()
	l.frame.w = float64(ds.X) / l.pg.dpi * mmPerInch
	l.frame.h = float64(ds.Y) / l.pg.dpi * mmPerInch
	return vp
}

// sheet is everything drawn on the page.
type sheet struct {
	pg       page
	lay      *layout
	vp       mapview.Viewport
	mapImg   *image.RGBA
	legend   []legendGroup
	title    string
	subtitle string
	date     time.Time
	credits  []string
	mapOnly  bool
	warn     func(string)
}

func (d *sheet) fonts() *fontSet { return d.lay.fs }

// draw draws the sheet on a surface.
func (d *sheet) draw(s surface) error {
	l := d.lay
	if err := s.image(d.mapImg, l.frame); err != nil {
		return err
	}
	k := l.k
	if !d.mapOnly {
		s.polygon(rectPts(l.frame), transparent, frameGrey, 0.3*k, nil)
	}
	d.drawScaleBar(s)
	d.drawNorthArrow(s)
	if d.mapOnly {
		d.drawMapCredits(s)
		return nil
	}
	if l.portrait {
		d.drawTitle(s, l.header)
		legendBox := rect{l.footer.x, l.footer.y, l.footer.w * 0.66, l.footer.h}
		cart := rect{l.footer.x + l.footer.w*0.70, l.footer.y, l.footer.w * 0.30, l.footer.h}
		d.drawLegend(s, legendBox)
		d.drawCartouche(s, cart)
		return nil
	}
	p := l.panel
	y := d.drawTitle(s, p)
	top := d.drawCartouche(s, p)
	d.drawLegend(s, rect{p.x, y, p.w, top - y - l.gap*0.6})
	return nil
}

// drawTitle writes the title and subtitle at the top of r and returns
// where what follows may start.
func (d *sheet) drawTitle(s surface, r rect) float64 {
	l := d.lay
	y := r.y
	for _, line := range l.title {
		y += lineHeight(l.titleFont())
		s.text(r.x, y-0.22*lineHeight(l.titleFont()), line, l.titleFont(), black)
	}
	for _, line := range l.sub {
		y += lineHeight(l.subtitleFont())
		s.text(r.x, y-0.22*lineHeight(l.subtitleFont()), line, l.subtitleFont(), inkGrey)
	}
	if y > r.y && !l.portrait {
		y += 0.35 * lineHeight(l.subtitleFont())
		s.polyline([]pt{{r.x, y}, {r.right(), y}}, ruleGrey, 0.25*l.k, nil, false)
		y += 0.6 * lineHeight(l.subtitleFont())
	}
	return y
}

// cartoucheLine is a line of the cartouche.
type cartoucheLine struct {
	text string
	f    fontSpec
}

// drawCartouche writes, at the bottom of r: the scale, the date, the
// sources and the Terrimap mention; it returns the top of what it drew.
func (d *sheet) drawCartouche(s surface, r rect) float64 {
	l := d.lay
	var lines []cartoucheLine
	info, small := l.infoFont(), l.smallFont()
	if d.pg.paper {
		if n := roundScale(d.vp.ScaleDenominator()); n > 0 {
			lines = append(lines, cartoucheLine{text: "Échelle 1:" + frenchInt(n) + " (format " + paperName(d.pg) + ")", f: info})
		}
	}
	lines = append(lines, cartoucheLine{text: "Édité le " + FrenchDate(d.date), f: info})
	if len(d.credits) > 0 {
		for _, w := range l.fs.wrap("Sources : "+strings.Join(d.credits, " ; "), small, r.w) {
			lines = append(lines, cartoucheLine{text: w, f: small})
		}
	}
	lines = append(lines, cartoucheLine{text: "Projection Web Mercator (EPSG:3857)", f: small})
	lines = append(lines, cartoucheLine{text: "Carte réalisée avec Terrimap", f: fontSpec{small.size, true}})
	h := 0.0
	for _, c := range lines {
		h += lineHeight(c.f)
	}
	top := r.bottom() - h
	y := top
	for _, c := range lines {
		y += lineHeight(c.f)
		col := inkGrey
		if c.f == info {
			col = black
		}
		s.text(r.x, y-0.22*lineHeight(c.f), c.text, c.f, col)
	}
	rule := top - 0.5*lineHeight(info)
	s.polyline([]pt{{r.x, rule}, {r.right(), rule}}, ruleGrey, 0.25*l.k, nil, false)
	return rule
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

// drawScaleBar draws the scale bar in the map's bottom-left corner.
func (d *sheet) drawScaleBar(s surface) {
	l, k := d.lay, d.lay.k
	f := l.frame
	sb := newScaleBar(d.vp, math.Max(12*k, math.Min(0.22*f.w, 60*k)))
	if sb.mm <= 0 {
		return
	}
	font := fontSpec{6.5 * k, false}
	pad, barH := 1.8*k, 1.3*k
	endLabel := formatLength(sb.metres)
	w0, wEnd := l.fs.width("0", font), l.fs.width(endLabel, font)
	boxW := pad + w0/2 + sb.mm + wEnd/2 + pad
	boxH := pad + l.fs.capHeight(font) + 1.2*k + barH + pad
	inset := 4 * k
	if d.mapOnly {
		inset = 2.5 * k
	}
	box := rect{f.x + inset, f.bottom() - inset - boxH, boxW, boxH}
	s.polygon(rectPts(box), boxWhite, transparent, 0, nil)
	x0 := box.x + pad + w0/2
	barY := box.bottom() - pad - barH
	seg := sb.mm / float64(sb.segments)
	for i := 0; i < sb.segments; i++ {
		c := frameGrey
		if i%2 == 1 {
			c = white
		}
		s.polygon(rectPts(rect{x0 + float64(i)*seg, barY, seg, barH}), c, transparent, 0, nil)
	}
	s.polygon(rectPts(rect{x0, barY, sb.mm, barH}), transparent, frameGrey, 0.2*k, nil)
	ly := barY - 1.0*k
	s.text(x0-w0/2, ly, "0", font, black)
	if sb.segments == 4 {
		mid := formatLength(sb.metres / 2)
		s.text(x0+sb.mm/2-l.fs.width(mid, font)/2, ly, mid, font, black)
	}
	s.text(x0+sb.mm-wEnd/2, ly, endLabel, font, black)
}

// drawNorthArrow draws the north arrow in the map's top-right corner: in
// Web Mercator, north is up everywhere.
func (d *sheet) drawNorthArrow(s surface) {
	l, k := d.lay, d.lay.k
	f := l.frame
	a := 9 * k // the arrow's height
	font := fontSpec{7.5 * k, true}
	pad := 1.8 * k
	bw := 0.56*a + 2*pad
	bh := pad + l.fs.capHeight(font) + 1.2*k + a + pad
	inset := 4 * k
	if d.mapOnly {
		inset = 2.5 * k
	}
	box := rect{f.right() - inset - bw, f.y + inset, bw, bh}
	s.polygon(rectPts(box), boxWhite, transparent, 0, nil)
	cx := box.x + bw/2
	nw := l.fs.width("N", font)
	s.text(cx-nw/2, box.y+pad+l.fs.capHeight(font), "N", font, black)
	top := box.y + pad + l.fs.capHeight(font) + 1.2*k
	bottom := top + a
	notch := bottom - 0.25*a
	s.polygon([]pt{{cx, top}, {cx - 0.28*a, bottom}, {cx, notch}}, frameGrey, frameGrey, 0.15*k, nil)
	s.polygon([]pt{{cx, top}, {cx, notch}, {cx + 0.28*a, bottom}}, white, frameGrey, 0.15*k, nil)
}

// drawMapCredits writes the sources in the map's bottom-right corner, for
// a map without its cartouche.
func (d *sheet) drawMapCredits(s surface) {
	if len(d.credits) == 0 {
		return
	}
	l, k := d.lay, d.lay.k
	f := l.frame
	font := l.smallFont()
	pad := 1.2 * k
	text := l.fs.ellipsis(strings.Join(d.credits, " · "), font, 0.6*f.w)
	w := l.fs.width(text, font)
	h := lineHeight(font) + pad
	box := rect{f.right() - w - 2*pad, f.bottom() - h, w + 2*pad, h}
	s.polygon(rectPts(box), boxWhite, transparent, 0, nil)
	s.text(box.x+pad, box.bottom()-pad/2-0.3*lineHeight(font), text, font, inkGrey)
}
