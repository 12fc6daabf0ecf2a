package dtdict

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"terrimap/internal/paper"
	"terrimap/mapview"
)

// verdict writes the third part: concerned or not (and why not), what
// lies in the zone network by network, and a small map of the zone and
// our networks when some lie there.
func (rc *recepisse) verdict(ctx context.Context, r *mapview.Renderer) error {
	a := rc.a
	rc.section(3, "Réponse")
	near := "dans l'emprise des travaux ou à proximité"
	if mg := rc.margins(); mg != "" {
		near += " (à moins de la marge de leur classe de précision — " + mg + ")"
	}
	rc.check(a.Concerned, "Concerné : nos ouvrages sont situés "+near+".", recBold, recRed)
	rc.check(!a.Concerned, "Non concerné : aucun de nos ouvrages n'est situé dans l'emprise des travaux ni à proximité.", recBold, recGreen)
	if !a.Concerned && strings.TrimSpace(a.Reason) != "" {
		rc.row("Motif", a.Reason)
	}
	if a.Concerned {
		for _, o := range a.Ours {
			c := countFor(a.Items, o.Layers)
			if c.lines+c.points == 0 {
				continue
			}
			rc.row(networkClassTitle(o.Class), "ouvrage "+o.Code+", catégorie "+categoryTitle(o.Category)+" : "+c.String())
		}
		rc.note("Classes de précision de la localisation (arrêté du 15 février 2012) : classe A, incertitude inférieure à 40 cm " +
			"(50 cm pour un ouvrage souple) ; classe B, jusqu'à 1,50 m ; classe C, au-delà, ou précision inconnue.")
		rc.siteMeeting()
	}
	if len(a.Items) == 0 || !drawable(a.Declaration.Zone) {
		return nil // a map of nothing of ours tells the declarant nothing
	}
	return rc.zoneMap(ctx, r)
}

// siteMeeting writes the cerfa's box of a meeting on site to locate our
// networks: ticked, with whom to fix it, when the answer offers one.
func (rc *recepisse) siteMeeting() {
	offer := "Rendez-vous sur site proposé pour localiser nos ouvrages avant les travaux"
	contacts := contactsOf(rc.a.Ours)
	if rc.m.SiteMeeting && contacts != "" {
		offer += " ; pour le fixer : " + contacts
	}
	rc.check(rc.m.SiteMeeting, offer, recBody, recInk)
}

// contactsOf names the contacts of our networks for the answer, once
// each.
func contactsOf(ours []Ownership) string {
	var contacts []string
	for _, o := range ours {
		if c := strings.TrimSpace(o.Contact); c != "" && !slices.Contains(contacts, c) {
			contacts = append(contacts, c)
		}
	}
	return strings.Join(contacts, " ; ")
}

// mapScales are the scales the récépissé's map may take, the smallest
// first: the first at which the zone fits is chosen.
var mapScales = append(planScales[:], overviewScales[:]...)

// zoneMap draws the small map of the zone and our networks, and its
// legend.
func (rc *recepisse) zoneMap(ctx context.Context, r *mapview.Renderer) error {
	fl := rc.fl
	legend := planLegend(true)
	const legendK = 0.8
	lh := paper.LegendHeight(fl.Fonts, legend, fl.W, legendK)
	fl.Y += 1.5
	fl.Ensure(recMapH + lh + 2)
	ext, centre := zoneExtent(rc.a.Declaration.Zone)
	scale := mapScales[len(mapScales)-1]
	for _, s := range mapScales {
		if ext.fits(fl.W, recMapH, s) {
			scale = s
			break
		}
	}
	fr := frameAt(paper.Rect{X: fl.X, Y: fl.Y, W: fl.W, H: recMapH}, sheetView{scale: scale, centre: centre}, 0.85)
	pm := &planMap{pdf: fl.PDF, s: fl.S, fonts: fl.Fonts, frame: fr, colour: true, basemap: rc.m.Basemap}
	if err := pm.draw(ctx, r, rc.a); err != nil {
		return err
	}
	fl.Y += fr.Rect.H + 1.5
	paper.DrawLegend(fl.S, fl.Fonts, legend, paper.Rect{X: fl.X, Y: fl.Y, W: fl.W, H: lh}, legendK)
	fl.Y += lh
	if c := pm.credit(); c != "" {
		rc.note(c)
	}
	return nil
}

// attachments writes the fourth part: the plans attached, with their
// references, scales and sizes, the date of the data, the vector files.
func (rc *recepisse) attachments() {
	a, m := rc.a, rc.m
	if len(m.Plans) > 0 { // the title with the table's head and first row
		rc.fl.Ensure(3 + recSectionH + 1.5 + 2*(paper.LineHeight(recBody)+1.4))
	}
	rc.section(4, "Plans et documents joints")
	if len(m.Plans) == 0 {
		rc.row("Plans", "aucun plan joint")
	} else {
		rc.planTable(m.Plans)
	}
	data := "non renseignée"
	if !a.DataDate.IsZero() {
		data = paper.Date(a.DataDate)
	}
	rc.row("Données à jour au", data)
	vector := strings.Join(m.VectorFiles, ", ")
	switch {
	case vector != "":
		vector += " (Lambert-93, EPSG:2154)"
	case a.Declaration.Wishes.Vector:
		vector = "demandés (" + orDash(a.Declaration.Wishes.VectorFormat) + "), non joints"
	default:
		vector = "non demandés"
	}
	rc.row("Fichiers vectoriels", vector)
}

// shortDay writes a day as 06/12/2026; "" for the zero time.
func shortDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// planTable lists the plan sheets: reference, scale, format, sheet, the
// day it was drawn.
func (rc *recepisse) planTable(plans []PlanRef) {
	fl := rc.fl
	cols := []struct {
		title string
		w     float64
	}{{"Référence du plan", 58}, {"Échelle", 26}, {"Format", 34}, {"Feuille", fl.W - 144}, {"Édition", 26}}
	rowH := paper.LineHeight(recBody) + 1.4
	fl.Ensure(2 * rowH)
	head := paper.Rect{X: fl.X, Y: fl.Y, W: fl.W, H: rowH}
	fl.S.Polygon(head.Pts(), recBand, paper.Transparent.NRGBA(), 0, nil)
	base := func(y float64) float64 { return y + rowH/2 + fl.Fonts.CapHeight(recBody)/2 }
	x := fl.X
	for _, c := range cols {
		fl.S.Text(x+1.5, base(fl.Y), c.title, recLabel, recGrey)
		x += c.w
	}
	fl.Y += rowH
	for _, p := range plans {
		fl.Ensure(rowH)
		sheet := strconv.Itoa(p.Sheet) + " / " + strconv.Itoa(p.Sheets)
		if p.Sheets > 1 && p.Sheet == 1 && p.Scale > planScales[len(planScales)-1] {
			sheet += " (vue d'ensemble)"
		}
		cells := []string{p.Reference, paper.ScaleText(float64(p.Scale)), p.Size, sheet, orDash(shortDay(p.Edited))}
		x := fl.X
		for i, c := range cols {
			fl.S.Text(x+1.5, base(fl.Y), fl.Fonts.Ellipsis(cells[i], recBody, c.w-3), recBody, recInk)
			x += c.w
		}
		fl.Y += rowH
		fl.S.Polyline([]paper.Pt{{X: fl.X, Y: fl.Y}, {X: fl.X + fl.W, Y: fl.Y}}, paper.RuleGrey.NRGBA(), 0.15, nil, false)
	}
	fl.Y += 1.5
}

// recommendations writes the fifth part: each network's own, then the
// rules every works near networks follows; none when not concerned.
func (rc *recepisse) recommendations() {
	rc.section(5, "Recommandations techniques")
	if !rc.a.Concerned {
		rc.row("Recommandations", "sans objet : nos ouvrages ne sont pas concernés")
		return
	}
	var seen []string
	for _, o := range rc.a.Ours {
		t := strings.TrimSpace(o.Recommendations)
		if t == "" || slices.Contains(seen, t) {
			continue
		}
		seen = append(seen, t)
		rc.row(networkClassTitle(o.Class), numberedLines(t))
	}
	rc.note("Les ouvrages dont la localisation n'est pas en classe A doivent être localisés avant les travaux : investigations " +
		"complémentaires à la charge du responsable du projet (article R.554-23 du code de l'environnement) ou, à défaut, " +
		"clauses techniques et financières dans le marché de travaux. Le marquage-piquetage des ouvrages est obligatoire avant " +
		"le début des travaux (article R.554-27). Respectez les prescriptions du guide d'application de la réglementation " +
		"anti-endommagement.")
}

// worksPlanned writes the sixth part: whether works on our networks are
// planned in the zone.
func (rc *recepisse) worksPlanned() {
	rc.section(6, "Travaux prévus sur nos ouvrages")
	rc.check(rc.m.WorksPlanned, "Oui : une modification ou une extension de nos ouvrages est prévue dans la zone dans les trois mois ; contactez-nous pour coordonner les chantiers.", recBody, recInk)
	rc.check(!rc.m.WorksPlanned, "Non : aucuns travaux ne sont prévus sur nos ouvrages dans la zone.", recBody, recInk)
}

// emergency writes the seventh part: whom to call on damage or danger.
func (rc *recepisse) emergency() {
	rc.section(7, "En cas de dommage ou d'urgence")
	// One line per number: who answers it, for which networks.
	var phones []string
	whose := map[string][]string{}   // by number: the operators
	what := map[[2]string][]string{} // by number and operator: the networks
	for _, o := range rc.a.Ours {
		p := strings.TrimSpace(o.EmergencyPhone)
		if p == "" {
			continue
		}
		if !slices.Contains(phones, p) {
			phones = append(phones, p)
		}
		op := orDash(strings.TrimSpace(o.Operator))
		if !slices.Contains(whose[p], op) {
			whose[p] = append(whose[p], op)
		}
		key := [2]string{p, op}
		if n := strings.ToLower(networkClassTitle(o.Class)); !slices.Contains(what[key], n) {
			what[key] = append(what[key], n)
		}
	}
	for _, p := range phones {
		var who []string
		for _, op := range whose[p] {
			who = append(who, op+" ("+strings.Join(what[[2]string{p, op}], ", ")+")")
		}
		rc.rowInk("Dommage à nos ouvrages", p+" — "+strings.Join(who, " ; "), recRed)
	}
	if len(phones) == 0 {
		rc.rowInk("Dommage à nos ouvrages", "appelez l'exploitant au numéro de contact ci-dessus", recRed)
	}
	rc.row("Danger immédiat", "arrêtez le chantier, mettez les personnes à l'abri et appelez les secours : 18 ou 112, puis l'exploitant.")
	rc.note("Tout dommage, même léger, à un ouvrage doit être signalé sans délai à son exploitant (article R.554-31 du code de l'environnement) ; ne remblayez pas une canalisation endommagée.")
}

// signature writes the last part: the date, the signatory and a box to
// sign in.
func (rc *recepisse) signature() {
	fl := rc.fl
	fl.Ensure(3 + recSectionH + 1.5 + recSignatureH + 2) // the title with the box to sign
	rc.section(8, "Date et signature")
	top, w := fl.Y, fl.W
	fl.W -= recSignatureW + 4 // the rows keep left of the box
	rc.row("Fait le", paper.Date(rc.m.Answered))
	rc.row("Signataire", rc.m.Signatory)
	rc.row("Pour l'exploitant", operatorLines(rc.a.Ours))
	fl.W = w
	box := paper.Rect{X: fl.X + fl.W - recSignatureW, Y: top, W: recSignatureW, H: recSignatureH}
	fl.S.Polygon(box.Pts(), paper.Transparent.NRGBA(), paper.RuleGrey.NRGBA(), 0.3, nil)
	fl.S.Text(box.X+2, box.Y+3.5, "Signature et cachet", recSmall, recGrey)
	fl.Y = max(fl.Y, box.Bottom()) + 1
}

// numberedItem finds "1. ", "2. "… in a text written as one paragraph.
var numberedItem = regexp.MustCompile(`(^|\s)(\d{1,2})\.\s`)

// numberedLines puts each item of a numbered list written as one
// paragraph ("… : 1. Avant tout … 2. La position …") on its own line: the
// items numbered 1, 2, 3… in turn, when there are two at least.
func numberedLines(s string) string {
	var cuts []int
	next := 1
	for _, m := range numberedItem.FindAllStringSubmatchIndex(s, -1) {
		if n, _ := strconv.Atoi(s[m[4]:m[5]]); n == next {
			cuts = append(cuts, m[4])
			next++
		}
	}
	if len(cuts) < 2 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		b.WriteString(strings.TrimSpace(s[last:c]))
		if c > 0 {
			b.WriteString("\n")
		}
		last = c
	}
	b.WriteString(strings.TrimSpace(s[last:]))
	return strings.TrimLeft(b.String(), "\n")
}
