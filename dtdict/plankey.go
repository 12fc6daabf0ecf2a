package dtdict

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
)

// keyMapSize is the most a key map takes on a sheet, in mm times K.
const keyMapSize = 30.0

// keyBox returns where a detailed sheet of a set shows its key map (the
// tableau d'assemblage: every sheet's outline, this one's filled, and the
// zone): in the map's top-left corner, sized to the grid's shape; false
// when the plans are one sheet.
func (p *planPage) keyBox(fr paper.MapFrame, all []sheetView) (paper.Rect, bool) {
	if len(all) < 2 {
		return paper.Rect{}, false
	}
	k := fr.K
	minX, minY, maxX, maxY := p.gridBound(all)
	gw, gh := maxX-minX, maxY-minY
	side := keyMapSize * k
	ratio := side / math.Max(gw, gh)
	pad := 2 * k
	return paper.Rect{X: fr.Rect.X + fr.Inset, Y: fr.Rect.Y + fr.Inset, W: gw*ratio + 2*pad, H: gh*ratio + 2*pad + paper.LineHeight(keyFont(k))}, true
}

// keyFont is the key map's text.
func keyFont(k float64) paper.Font { return paper.Font{Size: 5.5 * k} }

// gridBound returns the bound of the detailed sheets' outlines, in mm on a
// detailed sheet from the zone's centre.
func (p *planPage) gridBound(all []sheetView) (minX, minY, maxX, maxY float64) {
	_, _, w, h := p.lay.Sheet.MapBox()
	minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, sh := range all {
		if sh.overview {
			continue
		}
		minX, maxX = math.Min(minX, sh.dx-w/2), math.Max(maxX, sh.dx+w/2)
		minY, maxY = math.Min(minY, sh.dy-h/2), math.Max(maxY, sh.dy+h/2)
	}
	return minX, minY, maxX, maxY
}

// drawKeyMap draws the key map in box: the sheets' outlines and numbers,
// this sheet's filled, the zone's outline.
func (p *planPage) drawKeyMap(box paper.Rect, fr paper.MapFrame, this sheetView, all []sheetView) {
	k := fr.K
	_, _, w, h := p.lay.Sheet.MapBox()
	minX, minY, maxX, _ := p.gridBound(all)
	pad := 2 * k
	f := keyFont(k)
	ratio := (box.W - 2*pad) / (maxX - minX)
	top := box.Y + pad + paper.LineHeight(f)
	at := func(x, y float64) paper.Pt { return paper.Pt{X: box.X + pad + (x-minX)*ratio, Y: top + (y-minY)*ratio} }
	ink := paper.FrameGrey.NRGBA()
	p.s.Polygon(box.Pts(), paper.BoxWhite.NRGBA(), ink, 0.2*k, nil)
	p.s.Text(box.X+pad, box.Y+pad+p.fonts.CapHeight(f), "Assemblage des feuilles", f, paper.InkGrey.NRGBA())
	// The zone, placed from this sheet: its offset from the zone's centre
	// is this sheet's (dx, dy).
	stroke, _ := zoneStyle(p.a.Declaration.Wishes.Colour)
	cx, cy := fr.Rect.X+fr.Rect.W/2, fr.Rect.Y+fr.Rect.H/2
	for _, poly := range p.a.Declaration.Zone {
		for _, ring := range poly {
			pts := make([]paper.Pt, len(ring))
			for i, ll := range ring {
				q := fr.Page(orb.Point(ll))
				pts[i] = at(q.X-cx+this.dx, q.Y-cy+this.dy)
			}
			p.s.Polygon(pts, paper.Transparent.NRGBA(), stroke, 0.25*k, nil)
		}
	}
	for i, sh := range all {
		if sh.overview {
			continue
		}
		a, b := at(sh.dx-w/2, sh.dy-h/2), at(sh.dx+w/2, sh.dy+h/2)
		r := paper.Rect{X: a.X, Y: a.Y, W: b.X - a.X, H: b.Y - a.Y}
		fill := paper.Transparent.NRGBA()
		if sh == this {
			fill = paper.RuleGrey.NRGBA()
			fill.A = 0xa0
		}
		p.s.Polygon(r.Pts(), fill, ink, 0.2*k, nil)
		n := strconv.Itoa(i + 1)
		p.s.Text(r.X+r.W/2-p.fonts.Width(n, f)/2, r.Y+r.H/2+p.fonts.CapHeight(f)/2, n, f, paper.Black.NRGBA())
	}
}
