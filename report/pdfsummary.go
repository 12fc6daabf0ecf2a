package report

import (
	"fmt"
	"strings"

	"terrimap/internal/paper"
)

// summary writes the count of features per layer searched: a row per
// layer where some were found, then the layers where none was.
func (d *pdfDoc) summary() {
	f := d.f
	cols := []struct {
		title string
		w     float64
	}{{"Couche", 72}, {"Objets", 18}, {"Classe A", 18}, {"Classe B", 18}, {"Classe C", 18}, {"Inconnue", 18}, {"À investiguer", 20}}
	const rowH = 5.0
	var found []LayerCount
	var empty []string
	for _, lc := range d.sel.Layers {
		if lc.Found > 0 {
			found = append(found, lc)
		} else {
			empty = append(empty, lc.Title)
		}
	}
	d.ensure(8 + rowH*float64(len(found)+2))
	d.font(11, true, ink)
	d.text(marginX, d.y+4, "Synthèse par couche")
	d.y += 7
	if len(found) > 0 {
		d.fill(band)
		f.Rect(marginX, d.y, contentW, rowH, "F")
		d.font(7.5, true, ink)
		x := marginX
		for i, c := range cols {
			tx := x + 1.5
			if i > 0 {
				tx = x + c.w - 1.5 - d.width(c.title)
			}
			d.text(tx, d.y+3.5, c.title)
			x += c.w
		}
		d.y += rowH
	}
	total := LayerCount{Title: "Total", ByClass: map[Class]int{}}
	row := func(lc LayerCount, bold bool) {
		vals := []int{lc.Found, lc.ByClass[ClassA], lc.ByClass[ClassB], lc.ByClass[ClassC], lc.ByClass[ClassUnknown], lc.Investigate}
		d.font(8, bold, ink)
		d.text(marginX+1.5, d.y+3.5, lc.Title)
		x := marginX + cols[0].w
		for i, v := range vals {
			s, c, b := fmt.Sprint(v), ink, bold
			switch {
			case v == 0:
				s, c = "–", grey
			case i == len(vals)-1:
				c, b = alert, true
			}
			d.font(8, b, c)
			d.text(x+cols[i+1].w-1.5-d.width(s), d.y+3.5, s)
			x += cols[i+1].w
		}
		d.draw(rule)
		f.SetLineWidth(0.15)
		f.Line(marginX, d.y+rowH, marginX+contentW, d.y+rowH)
		d.y += rowH
	}
	for _, lc := range found {
		row(lc, false)
		total.Found += lc.Found
		total.Investigate += lc.Investigate
		for c, n := range lc.ByClass {
			total.ByClass[c] += n
		}
	}
	if len(found) > 1 {
		row(total, true)
	}
	if len(empty) > 0 {
		d.y += 1.5
		d.font(7.5, false, grey)
		d.paragraph("Examinées, sans objet dans la zone ni sa marge : "+strings.Join(empty, ", ")+".", marginX, contentW, 7.5)
	}
	d.y += 4
}

// noteParagraphs explain the accuracy classes and the limits of the report.
func (d *pdfDoc) noteParagraphs() []string {
	return []string{
		"Classes de précision de la localisation (arrêté du 15 février 2012 relatif aux travaux à proximité des réseaux) : " +
			"classe A, incertitude inférieure à 40 cm ; classe B, de 40 cm à 1,50 m ; classe C, supérieure à 1,50 m. " +
			"La classe de précision de localisation est celle que le gestionnaire du réseau a renseignée ; pour les points d'eau " +
			"incendie, une précision de 0 à 1 m compte en classe B et au-delà en classe C.",
		SearchedKinds,
		"Un objet de classe C, ou dont la précision n'est pas renseignée, porte la mention « " + investigateMsg + " » : " +
			"il doit être localisé sur place (détection, sondages) avant tout travail à proximité.",
		"Ce rapport recense les objets connus de Terrimap tels qu'ils étaient à la dernière synchronisation, " +
			"à " + paper.Metres(d.sel.Buffer) + " au plus de la zone (distances mesurées en Lambert-93). Il ne remplace ni les " +
			"déclarations DT et DICT auprès du guichet unique ni les réponses des exploitants : les réseaux d'autres exploitants " +
			"(gaz, électricité, télécommunications…) n'y figurent pas.",
	}
}

// noteHeight is the height the note takes, in mm.
func (d *pdfDoc) noteHeight() float64 {
	d.font(7.5, false, ink)
	h := 5.0
	for _, p := range d.noteParagraphs() {
		h += float64(len(d.wrap(p, contentW)))*lineH(7.5) + 1.2
	}
	return h
}

// note writes the note, on a new page if it does not fit on this one.
func (d *pdfDoc) note() {
	d.ensure(d.noteHeight())
	d.font(9, true, ink)
	d.text(marginX, d.y+3.2, "Classes de précision et limites du rapport")
	d.y += 5
	d.font(7.5, false, ink)
	for _, p := range d.noteParagraphs() {
		d.paragraph(p, marginX, contentW, 7.5)
		d.y += 1.2
	}
}
