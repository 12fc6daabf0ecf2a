package dtdict

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"terrimap/internal/paper"
)

// cartouche draws a sheet's title block in the band under the map: what
// the plan answers and for whom (left), the legend (middle), the sheet's
// number, scale, format, reference and dates (right).
func (p *planPage) cartouche(band paper.Rect, sh sheetView) {
	k := p.lay.Sheet.K()
	frame := paper.FrameGrey.NRGBA()
	p.s.Polygon(band.Pts(), paper.Transparent.NRGBA(), frame, 0.3*k, nil)
	left := paper.Rect{X: band.X, Y: band.Y, W: 0.40 * band.W, H: band.H}
	right := paper.Rect{X: band.Right() - 0.29*band.W, Y: band.Y, W: 0.29 * band.W, H: band.H}
	mid := paper.Rect{X: left.Right(), Y: band.Y, W: right.X - left.Right(), H: band.H}
	for _, x := range []float64{left.Right(), right.X} {
		p.s.Polyline([]paper.Pt{{X: x, Y: band.Y}, {X: x, Y: band.Bottom()}}, frame, 0.2*k, nil, false)
	}
	pad := 3 * k
	p.whatFor(inset(left, pad), k)
	paper.DrawLegend(p.s, p.fonts, planLegend(p.a.Declaration.Wishes.Colour), inset(mid, pad), 0.85*k)
	p.sheetFacts(inset(right, pad), sh, k)
}

// whatFor writes the left of the title block: the title, the operator,
// then the works, their place and the declarant, each on a line.
func (p *planPage) whatFor(r paper.Rect, k float64) {
	d := p.a.Declaration
	title := "Plan de nos ouvrages – réponse à " + elide("la", kindTitle(d.Kind)) + " n° " + d.Number
	tb := paper.FitTitle(p.fonts, title, operatorsOf(p.a.Ours), r.W, 0.7*k)
	y := tb.Draw(p.s, r, false) + 0.8*k
	f := paper.Font{Size: 7 * k}
	lines := [][2]string{
		{"Travaux", orDash(d.Works.Description)},
		{"Lieu", worksPlace(d.Place)},
		{"Déclarant", orDash(d.Declarant.Name)},
	}
	for _, l := range lines {
		y += paper.LineHeight(f)
		if y > r.Bottom() {
			return
		}
		bold := paper.Font{Size: f.Size, Bold: true}
		head := l[0] + " : "
		p.s.Text(r.X, y, head, bold, paper.InkGrey.NRGBA())
		hw := p.fonts.Width(head, bold)
		p.s.Text(r.X+hw, y, p.fonts.Ellipsis(l[1], f, r.W-hw), f, paper.Black.NRGBA())
	}
}

// sheetFacts writes the right of the title block.
func (p *planPage) sheetFacts(r paper.Rect, sh sheetView, k float64) {
	big := paper.Font{Size: 12 * k, Bold: true}
	y := r.Y + paper.LineHeight(big)
	p.s.Text(r.X, y, "Feuille "+strconv.Itoa(p.ref.Sheet)+" / "+strconv.Itoa(p.ref.Sheets), big, paper.Black.NRGBA())
	f := paper.Font{Size: 7 * k}
	scale := "Échelle " + paper.ScaleText(float64(sh.scale))
	if sh.overview {
		scale = "Vue d'ensemble des feuilles, échelle " + paper.ScaleText(float64(sh.scale))
	}
	data := "non renseignée"
	if !p.a.DataDate.IsZero() {
		data = paper.Date(p.a.DataDate)
	}
	lines := []string{
		scale + " (format " + p.lay.Sheet.String() + ")",
		"Réf. " + p.ref.Reference,
		"Données à jour au " + data,
		"Réponse du " + paper.Date(p.m.Answered),
	}
	if p.credit != "" {
		lines = append(lines, p.credit)
	}
	y += 0.4 * paper.LineHeight(f)
	for _, l := range lines {
		for _, part := range p.fonts.Wrap(l, f, r.W) {
			y += paper.LineHeight(f)
			if y > r.Bottom() {
				return
			}
			p.s.Text(r.X, y, part, f, paper.Black.NRGBA())
		}
	}
}

// operatorsOf names the operators of our networks consulted, once each,
// on one line (a title, a footer).
func operatorsOf(ours []Ownership) string { return strings.Join(operatorNames(ours), " ; ") }

// operatorLines names the operators of our networks consulted, one a
// line, for a row of the récépissé: joined on one line, a wrap could
// start a line with « ; ».
func operatorLines(ours []Ownership) string { return strings.Join(operatorNames(ours), "\n") }

// operatorNames are the operators of our networks consulted, once each.
func operatorNames(ours []Ownership) []string {
	var names []string
	for _, o := range ours {
		if n := strings.TrimSpace(o.Operator); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// worksPlace writes where the works are: "12 rue …, Tournus (71543)";
// the commune's name once, when the address already gives it.
func worksPlace(pl Place) string {
	addr := strings.TrimSpace(pl.Address)
	commune := strings.TrimSpace(pl.Commune)
	if commune != "" && strings.Contains(strings.ToLower(addr), strings.ToLower(commune)) {
		commune = ""
	}
	if pl.INSEE != "" {
		switch {
		case commune != "":
			commune += " (" + pl.INSEE + ")"
		case addr != "":
			addr += " (" + pl.INSEE + ")"
		default:
			commune = "commune " + pl.INSEE
		}
	}
	return orDash(joinNonEmpty(", ", addr, commune))
}

// orDash is s, or a dash when s is blank.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// dateOrDash writes a date in French, or a dash when it is zero.
func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return paper.Date(t)
}
