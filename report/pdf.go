package report

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
)

// Meta is what a report says besides the selection.
type Meta struct {
	// Title heads the report ("Rapport avant travaux" when empty).
	Title string
	// ZoneName names the zone (the zone's own name, else its file name).
	ZoneName string
	// Date is the edition date, now when zero.
	Date time.Time
	// Workspace is the workspace file the data come from; the report
	// names Territory (the commune or the intercommunality whose data the
	// workspace holds, "Tournus") rather than a file.
	Workspace string
	Territory string
	// PlatformURL is the platform the workspace syncs with, and LastSync
	// when it last did; zero when it never did.
	PlatformURL string
	LastSync    time.Time
	// Attributions credit the data shown (export.DataAttributions).
	Attributions []string
}

// The page, in millimetres.
const (
	pageW, pageH   = 210.0, 297.0
	marginX        = 14.0
	marginTop      = 14.0
	footerY        = 287.0
	contentBottom  = 279.0
	contentW       = pageW - 2*marginX
	investigateMsg = "Investigation complémentaire nécessaire avant travaux"
)

// Colours of the report.
var (
	ink      = color.NRGBA{0x21, 0x21, 0x21, 0xff}
	grey     = color.NRGBA{0x6b, 0x6b, 0x6b, 0xff}
	rule     = color.NRGBA{0xc8, 0xc8, 0xc8, 0xff}
	band     = color.NRGBA{0xec, 0xef, 0xf1, 0xff}
	alert    = color.NRGBA{0xc6, 0x28, 0x28, 0xff}
	alertBg  = color.NRGBA{0xfd, 0xec, 0xea, 0xff}
	okGreen  = color.NRGBA{0x2e, 0x7d, 0x32, 0xff}
	okBg     = color.NRGBA{0xe8, 0xf5, 0xe9, 0xff}
	zoneRed  = color.NRGBA{0xd3, 0x2f, 0x2f, 0xff}
	bufferOr = color.NRGBA{0xef, 0x6c, 0x00, 0xff}
	selCyan  = color.NRGBA{0x00, 0xc8, 0xff, 0xff}
)

// pdfDoc writes the report with fpdf, keeping a cursor down the page.
type pdfDoc struct {
	f     *fpdf.Fpdf
	s     *paper.PDFSurface // draws on f
	fonts *paper.Fonts
	sel   *Selection
	meta  Meta
	y     float64
	cur   paper.Font  // the text's font…
	ink   color.NRGBA // …and colour, set by font
}

// WritePDF writes the report of a selection to w as an A4 PDF: title,
// date, where the data come from and when they were last synced, a map
// of the zone with its margin and the features found, a summary per layer,
// the note on accuracy classes, then the table of the features, flagging
// those to investigate before works. r draws the map; it must render the
// workspace the selection was made in.
func WritePDF(ctx context.Context, w io.Writer, r *mapview.Renderer, sel *Selection, meta Meta) error {
	if sel == nil || sel.Zone.Geometry == nil {
		return fmt.Errorf("report: pdf: %w", ErrZoneEmpty)
	}
	if meta.Date.IsZero() {
		meta.Date = time.Now()
	}
	if strings.TrimSpace(meta.Title) == "" {
		meta.Title = "Rapport avant travaux"
	}
	if sel.Zone.Name != "" {
		meta.ZoneName = sel.Zone.Name
	}
	fonts := paper.NewFonts()
	f := paper.NewPDF(paper.PDFSetup{W: pageW, H: pageH, Title: meta.Title + zoneSuffix(meta.ZoneName),
		Subject: "Réseaux connus dans la zone de travaux", Date: meta.Date, Lang: "fr-FR"}, fonts)
	f.AliasNbPages("{nb}")
	d := &pdfDoc{f: f, s: &paper.PDFSurface{F: f}, fonts: fonts, sel: sel, meta: meta}
	f.SetFooterFunc(d.footer)

	f.AddPage()
	d.y = marginTop
	d.heading()
	d.infos()
	d.verdict()
	if err := d.zoneMap(ctx, r); err != nil {
		return err
	}
	d.summary()
	// The note ends the first page when it fits there, else the report.
	noteAfter := d.y+d.noteHeight() > contentBottom
	if !noteAfter {
		d.note()
	}
	d.table(noteAfter)
	if err := f.Error(); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

func zoneSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " – " + name
}

// font sets the font and colour of the text written next.
func (d *pdfDoc) font(size float64, bold bool, c color.NRGBA) {
	d.cur, d.ink = paper.Font{Size: size, Bold: bold}, c
}

// text writes s in the current font, its baseline starting at (x, y).
func (d *pdfDoc) text(x, y float64, s string) { d.s.Text(x, y, s, d.cur, d.ink) }

// width is the width of s in the current font, in mm.
func (d *pdfDoc) width(s string) float64 { return d.fonts.Width(s, d.cur) }

func (d *pdfDoc) fill(c color.NRGBA) { d.f.SetFillColor(int(c.R), int(c.G), int(c.B)) }
func (d *pdfDoc) draw(c color.NRGBA) { d.f.SetDrawColor(int(c.R), int(c.G), int(c.B)) }

// lineH is the height of a line of text of size pt, in mm.
func lineH(pt float64) float64 { return pt * 0.3528 * 1.3 }

// wrap breaks s into lines no wider than w mm in the current font
// (paper.Fonts.Wrap); blank s is one empty line.
func (d *pdfDoc) wrap(s string, w float64) []string {
	if lines := d.fonts.Wrap(s, d.cur, w); len(lines) > 0 {
		return lines
	}
	return []string{""}
}

// paragraph writes wrapped text at the cursor and moves it down.
func (d *pdfDoc) paragraph(s string, x, w, pt float64) {
	for _, l := range d.wrap(s, w) {
		d.ensure(lineH(pt))
		d.text(x, d.y+pt*0.3528, l)
		d.y += lineH(pt)
	}
}

// ensure starts a new page when h mm do not fit under the cursor; it
// reports whether it did.
func (d *pdfDoc) ensure(h float64) bool {
	if d.y+h <= contentBottom {
		return false
	}
	d.f.AddPage()
	d.y = marginTop
	return true
}

func (d *pdfDoc) footer() {
	d.font(7, false, grey)
	d.draw(rule)
	d.f.SetLineWidth(0.2)
	d.f.Line(marginX, footerY-4, pageW-marginX, footerY-4)
	left := "Terrimap · " + d.meta.Title + zoneSuffix(d.meta.ZoneName) + " · édité le " + paper.Date(d.meta.Date)
	d.text(marginX, footerY, (left))
	page := fmt.Sprintf("Page %d / {nb}", d.f.PageNo())
	d.text(pageW-marginX-d.width(fmt.Sprintf("Page %d / 00", d.f.PageNo())), footerY, page)
}

// heading writes the title and the zone's name.
func (d *pdfDoc) heading() {
	d.font(18, true, ink)
	d.text(marginX, d.y+6, (d.meta.Title))
	d.y += 9
	d.font(11, false, grey)
	sub := "Réseaux connus sous la zone de travaux et à ses abords"
	d.text(marginX, d.y+4, sub)
	d.y += 6
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

// operatorOf is who runs a feature's network, as the table prints it.
func operatorOf(it *Item) string {
	if it.Operator != "" {
		return it.Operator
	}
	return "non renseigné"
}

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
		d.text(marginX+1.5, d.y+3.5, (lc.Title))
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

// column is one column of the table of features.
type column struct {
	title string
	w     float64
	right bool
	value func(it *Item) string
}

// tableColumns are the columns of the table; the layer heads each group.
func tableColumns() []column {
	num := func(v float64, digits int) string {
		if v <= 0 {
			return "–"
		}
		return paper.Decimal(v, digits)
	}
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	return []column{
		{"Identifiant", 29, false, func(it *Item) string { return it.ID }},
		{"Type", 26, false, func(it *Item) string { return dash(it.Type) }},
		{"Matériau", 22, false, func(it *Item) string { return dash(it.Material) }},
		{"Ø (mm)", 11, true, func(it *Item) string { return num(it.Diameter, 0) }},
		{"Prof. (m)", 12, true, func(it *Item) string { return num(it.Depth, 2) }},
		{"Classe", 15, false, func(it *Item) string { return it.Class.Label() }},
		{"Exploitant", 55, false, func(it *Item) string { return operatorOf(it) }},
		{"Dist. (m)", 12, true, func(it *Item) string { return paper.Decimal(it.Distance, 1) }},
	}
}

// classColumn is the index of the class in tableColumns.
const classColumn = 5

// table writes the features, grouped by layer, on as many pages as needed,
// the column titles repeated on each; a feature to investigate has a red
// background, its class in red and the flag written under it. The note
// follows the table when it did not fit on the first page.
func (d *pdfDoc) table(noteAfter bool) {
	if len(d.sel.Items) == 0 {
		if noteAfter {
			d.note()
		}
		return
	}
	f := d.f
	cols := tableColumns()
	const pt, pad, headH = 7.0, 1.2, 5.5
	f.AddPage()
	d.y = marginTop
	d.font(13, true, ink)
	d.text(marginX, d.y+5, "Objets recensés dans la zone et sa marge")
	d.y += 8
	d.font(7.5, false, grey)
	d.paragraph("Par couche, du plus proche au plus éloigné de la zone ; distance 0 : dans la zone. "+
		"Les lignes sur fond rouge sont à localiser sur place avant travaux.", marginX, contentW, 7.5)
	d.y += 2
	header := func() {
		d.fill(ink)
		f.Rect(marginX, d.y, contentW, headH, "F")
		d.font(7, true, color.NRGBA{0xff, 0xff, 0xff, 0xff})
		x := marginX
		for _, c := range cols {
			tx := x + pad
			if c.right {
				tx = x + c.w - pad - d.width(c.title)
			}
			d.text(tx, d.y+3.8, c.title)
			x += c.w
		}
		d.y += headH
	}
	counts := map[string]LayerCount{}
	for _, lc := range d.sel.Layers {
		counts[lc.Layer] = lc
	}
	group := func(layer string, more bool) {
		lc := counts[layer]
		d.fill(band)
		f.Rect(marginX, d.y, contentW, headH, "F")
		d.font(8, true, ink)
		title := (lc.Title)
		if more {
			title += " (suite)"
		}
		d.text(marginX+pad, d.y+3.9, title)
		count := paper.Plural(lc.Found, "objet", "objets")
		if lc.Investigate > 0 {
			count += ", dont " + fmt.Sprint(lc.Investigate) + " à investiguer"
		}
		d.font(7.5, false, grey)
		d.text(marginX+contentW-pad-d.width(count), d.y+3.9, count)
		d.y += headH
	}
	header()
	current := ""
	for i := range d.sel.Items {
		it := &d.sel.Items[i]
		cells := make([][]string, len(cols))
		lines := 1
		for j, c := range cols {
			d.font(pt, j == 0 || (j == classColumn && it.Investigate), ink)
			cells[j] = d.wrap(c.value(it), c.w-2*pad)
			lines = max(lines, len(cells[j]))
		}
		h := float64(lines)*lineH(pt) + 1.6
		if it.Investigate {
			h += lineH(pt)
		}
		newGroup := it.Layer != current
		need := h
		if newGroup {
			need += headH
		}
		if d.ensure(need) {
			header()
			if !newGroup {
				group(it.Layer, true)
			}
		}
		if newGroup {
			group(it.Layer, false)
			current = it.Layer
		}
		if it.Investigate {
			d.fill(alertBg)
			f.Rect(marginX, d.y, contentW, h, "F")
			d.fill(alert)
			f.Rect(marginX, d.y, 0.8, h, "F")
		}
		x := marginX
		for j, c := range cols {
			color, bold := ink, j == 0
			switch {
			case j == classColumn && it.Investigate:
				color, bold = alert, true
			case cells[j][0] == "–":
				color = grey
			}
			d.font(pt, bold, color)
			for k, l := range cells[j] {
				tx := x + pad
				if c.right {
					tx = x + c.w - pad - d.width(l)
				}
				d.text(tx, d.y+0.8+float64(k)*lineH(pt)+pt*0.3528, l)
			}
			x += c.w
		}
		if it.Investigate {
			d.font(pt, true, alert)
			d.text(marginX+cols[0].w+pad, d.y+0.8+float64(lines)*lineH(pt)+pt*0.3528, "▲ "+investigateMsg)
		}
		d.draw(rule)
		f.SetLineWidth(0.1)
		f.Line(marginX, d.y+h, marginX+contentW, d.y+h)
		d.y += h
	}
	if noteAfter {
		d.y += 6
		d.note()
	}
}
