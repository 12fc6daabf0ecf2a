package rpqs

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"slices"
	"time"

	"github.com/go-pdf/fpdf"

	"terrimap/dashboard"
	"terrimap/icgp"
	"terrimap/internal/paper"
)

// Meta is what the annex says of itself.
type Meta struct {
	// Territory names the commune or the intercommunality.
	Territory string
	// Date is when the annex is made.
	Date time.Time
}

// A4 in millimetres, and the margin.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
)

// annex is the PDF being written, its fonts' measures and where the next
// line goes.
type annex struct {
	f     *fpdf.Fpdf
	fonts *paper.Fonts
	y     float64
}

// newAnnex starts the PDF of an annex whose title names the territory.
func newAnnex(title string, date time.Time) *annex {
	fonts := paper.NewFonts()
	f := paper.NewPDF(paper.PDFSetup{W: pageW, H: pageH, Title: title, Subject: "Indicateurs de connaissance des réseaux", Date: date, Lang: "fr-FR"}, fonts)
	return &annex{f: f, fonts: fonts}
}

// lines wraps s to w millimetres in the annex's font, at plain spaces
// only: a number keeps its unit (paper.KeepTogether).
func (a *annex) lines(s string, size float64, style string, w float64) []string {
	return a.fonts.Wrap(paper.KeepTogether(paper.Printable(s)), paper.Font{Size: size, Bold: style == "B"}, w)
}

// WritePDF writes the annex: per service, the ICGP table, the renewal rate,
// the inventory tables of stats (when given) and the dashboard's charts.
func WritePDF(w io.Writer, rep *icgp.Report, stats *dashboard.Stats, meta Meta) error {
	title := fmt.Sprintf("Annexe au RPQS %d — %s", rep.Year, meta.Territory)
	a := newAnnex(title, meta.Date)
	f := a.f
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetFont(paper.FontFamily, "", 7)
		f.SetTextColor(110, 110, 110)
		f.Text(margin, pageH-8, paper.Printable(fmt.Sprintf("%s — Terrimap, %s", title, paper.Date(meta.Date))))
		pageNo := fmt.Sprintf("page %d sur {nb}", f.PageNo())
		f.Text(pageW-margin-f.GetStringWidth(pageNo), pageH-8, pageNo)
		f.SetTextColor(0, 0, 0)
	})
	a.page()
	a.text(16, "B", title)
	a.text(9, "", "Indices de connaissance et de gestion patrimoniale des réseaux (arrêté du 2 mai 2007, annexe I, modifié le 2 décembre 2013), calculés par Terrimap le "+paper.Date(meta.Date)+".")
	for _, s := range scores(rep) {
		a.score(s, rep.INSEE == "")
	}
	for _, r := range renewals(rep) {
		a.need(12)
		a.text(12, "B", fmt.Sprintf("%s — taux moyen de renouvellement (%s)", serviceName(r.service), r.indicator))
		a.text(10, "", fmt.Sprintf("%s\u00a0%% par an : %s renouvelés ou réhabilités de %d à %d, branchements exclus, sur %s de réseau (%s).",
			paper.Decimal(r.Rate, 2), paper.Kilometres(r.Renewed), r.FromYear, r.ToYear, paper.Kilometres(r.NetworkLength), paper.Plural(r.Interventions, "intervention", "interventions")))
	}
	if stats != nil {
		a.inventory("Eau potable", stats.Water)
		a.inventory("Assainissement collectif", stats.Sewer)
		if err := a.charts(stats); err != nil {
			return err
		}
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("rpqs: pdf: %w", err)
	}
	return nil
}

func serviceName(s string) string {
	if s == icgp.Sewer {
		return "Assainissement collectif"
	}
	return "Eau potable"
}

func km(m float64) string { return dashboard.Km(m / 1000) }

func (a *annex) page() {
	a.f.AddPage()
	a.y = margin
}

// need starts a new page when h millimetres do not fit.
func (a *annex) need(h float64) {
	if a.y+h > pageH-margin {
		a.page()
	}
}

// text writes a paragraph across the page.
func (a *annex) text(size float64, style, s string) {
	a.f.SetFont(paper.FontFamily, style, size)
	lines := a.lines(s, size, style, pageW-2*margin)
	h := size * 0.45
	a.need(h * float64(len(lines)))
	for _, l := range lines {
		a.f.Text(margin, a.y+h*0.8, l)
		a.y += h
	}
	a.y += 1.5
}

// row writes one line of a table: cells of the given widths, the text
// wrapped within each, the columns of right flushed right (numbers).
func (a *annex) row(size float64, style string, widths []float64, cells []string, right ...int) {
	a.f.SetFont(paper.FontFamily, style, size)
	h := size * 0.42
	split := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		split[i] = a.lines(c, size, style, widths[i]-2)
		n = max(n, len(split[i]))
	}
	a.need(h*float64(n) + 1)
	x := margin
	for i, lines := range split {
		for k, l := range lines {
			lx := x + 1
			if slices.Contains(right, i) {
				lx = x + widths[i] - 1 - a.f.GetStringWidth(l)
			}
			a.f.Text(lx, a.y+h*float64(k)+h*0.8, l)
		}
		x += widths[i]
	}
	a.y += h*float64(n) + 1
	a.f.SetDrawColor(200, 200, 200)
	a.f.Line(margin, a.y-0.5, pageW-margin, a.y-0.5)
}

// score writes a service's ICGP table; whole says it is the whole
// intercommunality's.
func (a *annex) score(s *icgp.Score, whole bool) {
	a.need(30)
	a.y += 3
	a.text(13, "B", fmt.Sprintf("%s — indice %s : %d points sur 120", serviceName(s.Service), s.Indicator, s.Total))
	desc := fmt.Sprintf("non : %d points de plan et d'inventaire sur les 40 requis, les points de la partie C ne comptent pas", s.PlanAndInventoryPoints())
	if s.PlanPoints() < icgp.PlanGate {
		desc = fmt.Sprintf("non : le plan n'a que %d de ses 15 points, ni l'inventaire ni la partie C ne comptent", s.PlanPoints())
	}
	if s.DescriptifDetaille {
		desc = "oui (au moins 40 points de plan et d'inventaire)"
	}
	a.text(9, "", fmt.Sprintf("Linéaire : %s, branchements exclus ; classe de précision de la localisation connue sur %s\u00a0%% du linéaire. Descriptif détaillé des réseaux : %s.",
		paper.Kilometres(s.Length), paper.Decimal(s.LocationClassPercent, 1), desc))
	widths := []float64{11, 71, 20, 46, 32}
	// The heading and the first row (three lines of 8 points) together.
	a.need(4*8*0.42 + 2)
	a.row(8, "B", widths, []string{"Part.", "Élément", "Points", "Constat", "Source"})
	for _, it := range s.Items {
		points := fmt.Sprintf("%d / %d", it.Points, it.Max)
		if it.Gated {
			points += " (non compté)"
		}
		a.row(8, "", widths, []string{it.Part, it.Label, points, finding(it), source(it, whole)})
	}
	if len(s.Blockers) > 0 {
		a.y += 2
		a.text(10, "B", "Pour gagner des points")
		for i, b := range s.Blockers {
			if i == 5 {
				break
			}
			line := "• " + b.Message
			if len(b.Features) > 0 {
				line += fmt.Sprintf(" (%s à compléter)", paper.Plural(len(b.Features), "tronçon", "tronçons"))
			}
			a.text(9, "", line)
		}
	}
}

// inventory writes a network's tables: km by material, diameter, decade.
func (a *annex) inventory(title string, n dashboard.Network) {
	if n.Length == 0 {
		return
	}
	a.need(40)
	a.y += 3
	a.text(12, "B", "Inventaire — "+title+" ("+paper.Kilometres(n.Length)+")")
	for _, t := range []struct {
		head   string
		shares []dashboard.Share
	}{{"Matériau", n.ByMaterial}, {"Diamètre", n.ByDiameter}, {"Décennie de pose", n.ByDecade}} {
		widths := []float64{90, 40, 30}
		// The heading and its first row together.
		a.need(2 * (8*0.42 + 1))
		a.row(8, "B", widths, []string{t.head, "Longueur", "Part"}, 1, 2)
		for _, sh := range t.shares {
			a.row(8, "", widths, []string{sh.Label, km(sh.Length), dashboard.Percent(sh.Length / n.Length)}, 1, 2)
		}
		a.y += 2
	}
}

// charts draws the dashboard's charts two by two.
func (a *annex) charts(stats *dashboard.Stats) error {
	charts, err := dashboard.Charts(stats, image.Point{X: 900, Y: 600})
	if err != nil {
		return fmt.Errorf("rpqs: charts: %w", err)
	}
	a.page()
	a.text(13, "B", "Graphiques")
	w := (pageW - 2*margin - 5) / 2
	h := w * 600 / 900
	for i, c := range charts {
		if i%2 == 0 {
			a.need(h + 4)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, c.Image); err != nil {
			return fmt.Errorf("rpqs: chart %s: %w", c.Key, err)
		}
		name := "chart-" + c.Key
		a.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
		x := margin + float64(i%2)*(w+5)
		a.f.ImageOptions(name, x, a.y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		if i%2 == 1 || i == len(charts)-1 {
			a.y += h + 4
		}
	}
	return nil
}
