package report

import (
	"fmt"
	"strings"
	"time"

	"terrimap/internal/paper"
)

// titleK is the size of the report's title block relative to a map
// export's on A4: an 18-point title over an 11-point subtitle.
const titleK = 1.125

// heading writes the title block (the print engine's: a long title
// wraps), then the zone's name.
func (d *pdfDoc) heading() {
	tb := paper.FitTitle(d.fonts, d.meta.Title, "Réseaux connus sous la zone de travaux et à ses abords", contentW, titleK)
	d.y = tb.Draw(d.s, paper.Rect{X: marginX, Y: d.y, W: contentW}, false) + 1
	if d.meta.ZoneName != "" {
		d.font(11, true, ink)
		d.paragraph("Zone : "+d.meta.ZoneName, marginX, contentW, 11)
	}
	d.y += 2
	d.draw(rule)
	d.f.SetLineWidth(0.3)
	d.f.Line(marginX, d.y, pageW-marginX, d.y)
	d.y += 3
}

// infos writes what the zone is and where the data come from.
func (d *pdfDoc) infos() {
	sel, m := d.sel, d.meta
	zone := "polygone de " + paper.Decimal(sel.Area, 0) + paper.NBSP + "m²"
	if sel.Zone.IsLine() {
		zone = fmt.Sprintf("tracé de %s sur %s de large (%s%sm²)", paper.Metres(sel.Length), paper.Metres(sel.Zone.Width), paper.Decimal(sel.Area, 0), paper.NBSP)
	}
	sync := "jamais synchronisé avec la plateforme : les données peuvent être incomplètes ou anciennes"
	syncWarn := true
	if !m.LastSync.IsZero() {
		sync = paper.DateTime(m.LastSync.In(m.Date.Location()))
		if m.PlatformURL != "" {
			sync += ", avec la plateforme " + m.PlatformURL
		}
		syncWarn = m.Date.Sub(m.LastSync) > 30*24*time.Hour
		if syncWarn {
			sync += " (il y a plus d'un mois : synchronisez avant de vous fier à ce rapport)"
		}
	}
	rows := [][2]string{
		{"Zone de travaux", zone},
		{"Marge de sécurité", paper.Metres(sel.Buffer) + " autour de la zone"},
		{"Édité le", paper.DateTime(m.Date)},
		{"Données", dataOf(m)},
		{"Dernière synchronisation", sync},
	}
	if m.Workspace == "" && m.Territory == "" {
		rows = append(rows[:3], rows[4])
	}
	const labelW = 42.0
	for _, r := range rows {
		d.font(8.5, true, grey)
		d.text(marginX, d.y+3, r[0])
		c := ink
		if r[0] == "Dernière synchronisation" && syncWarn {
			c = alert
		}
		d.font(8.5, false, c)
		d.paragraph(r[1], marginX+labelW, contentW-labelW, 8.5)
		d.y += 0.6
	}
	d.y += 2
}

// dataOf says where the data come from, as a contractor reads it: the
// territory's networks known to Terrimap, never a file's name.
func dataOf(m Meta) string {
	if t := strings.TrimSpace(m.Territory); t != "" {
		return "réseaux de " + t + " connus de Terrimap"
	}
	return "réseaux connus de Terrimap sur ce poste"
}

// verdict writes the answer in one box: how many features, how many to
// investigate.
func (d *pdfDoc) verdict() {
	sel := d.sel
	n, k := len(sel.Items), sel.Investigate()
	where := "dans la zone ou à moins de " + paper.Metres(sel.Buffer) + " de celle-ci"
	if sel.Buffer == 0 {
		where = "dans la zone"
	}
	var head, detail string
	bg, fg := okBg, okGreen
	switch {
	case n == 0:
		head = "Aucun réseau connu " + where + "."
		detail = "Seuls les réseaux de cet espace de travail sont connus ici : consultez les autres exploitants (déclarations DT-DICT) avant de commencer."
	case k == 0:
		head = paper.Plural(n, "objet de réseau", "objets de réseau") + " " + where + ", tous localisés en classe A ou B."
		detail = "Respectez les distances et les précautions indiquées par les exploitants."
	default:
		bg, fg = alertBg, alert
		head = paper.Plural(n, "objet de réseau", "objets de réseau") + " " + where + ", dont " + fmt.Sprint(k) + " à localiser avant travaux."
		detail = paper.Plural(k, "objet est", "objets sont") + " en classe C ou de précision inconnue : " + strings.ToLower(investigateMsg[:1]) + investigateMsg[1:] + "."
	}
	d.font(10.5, true, fg)
	headLines := d.wrap(head, contentW-8)
	d.font(8.5, false, ink)
	detailLines := d.wrap(detail, contentW-8)
	h := 3 + float64(len(headLines))*lineH(10.5) + float64(len(detailLines))*lineH(8.5) + 2
	d.fill(bg)
	d.f.Rect(marginX, d.y, contentW, h, "F")
	d.fill(fg)
	d.f.Rect(marginX, d.y, 1.6, h, "F")
	y := d.y + 2
	d.font(10.5, true, fg)
	for _, l := range headLines {
		d.text(marginX+5, y+3.7, l)
		y += lineH(10.5)
	}
	d.font(8.5, false, ink)
	for _, l := range detailLines {
		d.text(marginX+5, y+3, l)
		y += lineH(8.5)
	}
	d.y += h + 4
}
