package dtdict

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"terrimap/internal/paper"
	"terrimap/mapview"
)

// The récépissé's page: A4 portrait, in millimetres.
const (
	recW, recH     = 210.0, 297.0
	recMargin      = 15.0
	recTop         = 14.0
	recBottom      = 278.0 // the text's; the footer is under it
	recFooterY     = 287.0
	recLabelW      = 46.0 // the labels' column
	recSectionH    = 6.2  // a section's title band
	recCheckSize   = 3.4  // a box to tick
	recSignatureW  = 72.0
	recSignatureH  = 24.0
	recMapH        = 62.0
	recHeaderBoxW  = 58.0
	recLabelInsetH = 0.8 // under each row
)

// The récépissé's colours and fonts.
var (
	recNavy   = color.NRGBA{0x1f, 0x3a, 0x5f, 0xff}
	recInk    = paper.Black.NRGBA()
	recGrey   = paper.InkGrey.NRGBA()
	recBand   = color.NRGBA{0xec, 0xef, 0xf3, 0xff}
	recGreen  = color.NRGBA{0x2e, 0x7d, 0x32, 0xff}
	recRed    = color.NRGBA{0xc6, 0x28, 0x28, 0xff}
	recBody   = paper.Font{Size: 8.5}
	recBold   = paper.Font{Size: 8.5, Bold: true}
	recLabel  = paper.Font{Size: 8, Bold: true}
	recSmall  = paper.Font{Size: 7}
	recHeadF  = paper.Font{Size: 9.5, Bold: true}
	recNumber = paper.Font{Size: 12, Bold: true}
)

// WriteRecepisse writes the récépissé of an answer to w as an A4 PDF in
// French: what the cerfa 14435 (récépissé de DT/DICT, the operator's part)
// asks of an operator — the declaration (number, kind, dates, declarant,
// place, works) and the operator (its name, address and contact, from
// Analysis.Ours); concerned or not, and why not; the category and class of
// the networks concerned and how many of their tronçons and fittings lie
// in the zone, by location class, on a small map of the zone; the plans
// attached (AnswerMeta.Plans: reference, scale, sheet size) and the vector
// files; the technical recommendations (when concerned); whether works on our networks are
// planned; whom to call on damage or danger; the date and the signatory,
// with room to sign. r draws the map: it must render the workspace
// analysed.
func WriteRecepisse(ctx context.Context, w io.Writer, r *mapview.Renderer, a *Analysis, m AnswerMeta) error {
	if a == nil || a.Declaration == nil {
		return fmt.Errorf("dtdict: récépissé: %w", ErrNoAnalysis)
	}
	if m.Answered.IsZero() {
		m.Answered = time.Now()
	}
	d := a.Declaration
	fonts := paper.NewFonts()
	f := paper.NewPDF(paper.PDFSetup{W: recW, H: recH, Title: "Récépissé " + elide("de", kindTitle(d.Kind)) + " n° " + d.Number,
		Subject: "Réponse de l'exploitant à une déclaration de travaux à proximité des réseaux", Date: m.Answered, Lang: "fr-FR"}, fonts)
	f.AliasNbPages("{nb}")
	rc := &recepisse{a: a, m: m}
	f.SetFooterFunc(func() { rc.footer() })
	rc.fl = paper.NewFlow(f, fonts, recMargin, recW-2*recMargin, recTop, recBottom)
	rc.header()
	rc.declaration()
	rc.operator()
	if err := rc.verdict(ctx, r); err != nil {
		return err
	}
	rc.attachments()
	rc.recommendations()
	rc.worksPlanned()
	rc.emergency()
	rc.signature()
	if err := f.Error(); err != nil {
		return fmt.Errorf("dtdict: récépissé: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("dtdict: récépissé: %w", err)
	}
	return nil
}

// ErrNoAnalysis is returned (wrapped) when there is no analysis, or no
// declaration in it, to answer.
var ErrNoAnalysis = errors.New("dtdict: no declaration analysed to answer")

// recepisse writes one récépissé down its pages.
type recepisse struct {
	fl *paper.Flow
	a  *Analysis
	m  AnswerMeta
}

// header writes the title, the rules it answers to and, in a box on the
// right, the consultation number.
func (rc *recepisse) header() {
	fl, d := rc.fl, rc.a.Declaration
	fl.S.Text(fl.X, fl.Y+2.5, "Travaux à proximité des réseaux — articles L.554-1 à L.554-5 et R.554-1 et suivants du code de l'environnement", recSmall, recGrey)
	fl.Y += 5
	top := fl.Y
	titleW := fl.W - recHeaderBoxW - 5
	tb := paper.FitTitle(fl.Fonts, "Récépissé "+elide("de", kindLong(d.Kind)), "Réponse de l'exploitant — établie d'après le formulaire cerfa n° 14435", titleW, 1)
	y := tb.Draw(fl.S, paper.Rect{X: fl.X, Y: top, W: titleW}, false)
	box := paper.Rect{X: fl.X + fl.W - recHeaderBoxW, Y: top + 1, W: recHeaderBoxW, H: 17}
	fl.S.Polygon(box.Pts(), recBand, recNavy, 0.4, nil)
	fl.S.Text(box.X+3, box.Y+5, "N° de consultation du téléservice", recSmall, recGrey)
	num := fl.Fonts.Ellipsis(orDash(d.Number), recNumber, box.W-6)
	fl.S.Text(box.X+3, box.Y+11.5, num, recNumber, recNavy)
	fl.S.Text(box.X+3, box.Y+15.3, kindTitle(d.Kind)+" · schéma "+orDash(d.SchemaVersion), recSmall, recGrey)
	fl.Y = max(y, box.Bottom()) + 2
	fl.S.Polyline([]paper.Pt{{X: fl.X, Y: fl.Y}, {X: fl.X + fl.W, Y: fl.Y}}, recNavy, 0.6, nil, false)
	fl.Y += 1
}

// footer writes, under every page, what the page belongs to and its
// number.
func (rc *recepisse) footer() {
	fl, d := rc.fl, rc.a.Declaration
	y := recFooterY
	fl.S.Polyline([]paper.Pt{{X: fl.X, Y: y - 4}, {X: fl.X + fl.W, Y: y - 4}}, paper.RuleGrey.NRGBA(), 0.2, nil, false)
	left := "Récépissé " + elide("de", kindTitle(d.Kind)) + " n° " + orDash(d.Number)
	if ops := operatorsOf(rc.a.Ours); ops != "" {
		left += " · " + ops
	}
	fl.S.Text(fl.X, y, fl.Fonts.Ellipsis(left, recSmall, fl.W-30), recSmall, recGrey)
	page := fmt.Sprintf("Page %d / {nb}", fl.PDF.PageNo())
	fl.S.Text(fl.X+fl.W-fl.Fonts.Width(fmt.Sprintf("Page %d / 00", fl.PDF.PageNo()), recSmall), y, page, recSmall, recGrey)
}

// section writes a section's title band, numbered as the form's parts
// are; it keeps the band with the first lines under it.
func (rc *recepisse) section(n int, title string) {
	fl := rc.fl
	fl.Y += 3
	fl.Ensure(recSectionH + 3*paper.LineHeight(recBody))
	band := paper.Rect{X: fl.X, Y: fl.Y, W: fl.W, H: recSectionH}
	fl.S.Polygon(band.Pts(), recNavy, paper.Transparent.NRGBA(), 0, nil)
	fl.S.Text(band.X+2.5, band.Y+band.H/2+fl.Fonts.CapHeight(recHeadF)/2, fmt.Sprintf("%d. %s", n, title), recHeadF, paper.White.NRGBA())
	fl.Y += recSectionH + 1.5
}

// row writes a label and its value, the value wrapped in its column.
func (rc *recepisse) row(label, value string) {
	rc.rowInk(label, value, recInk)
}

// rowInk writes a row with its value in ink; a line feed in the value
// starts a new line. The label is kept with the value's first lines; a
// long value goes on over the page.
func (rc *recepisse) rowInk(label, value string, ink color.NRGBA) {
	fl := rc.fl
	var lines []string
	for _, para := range strings.Split(paper.KeepTogether(orDash(value)), "\n") {
		lines = append(lines, fl.Lines(para, recBody, fl.W-recLabelW)...)
	}
	labels := fl.Lines(paper.KeepTogether(label), recLabel, recLabelW-2)
	fl.Ensure(paper.TextHeight(min(max(len(lines), len(labels)), 4), recBody))
	y := fl.Y
	fl.Write(labels, fl.X, recLabel, recGrey)
	fl.Y = y
	fl.Write(lines, fl.X+recLabelW, recBody, ink)
	fl.Y = max(fl.Y, y+paper.TextHeight(len(labels), recLabel)) + recLabelInsetH
}

// check writes a box, ticked or not, and its text beside it, wrapped.
func (rc *recepisse) check(ticked bool, text string, f paper.Font, ink color.NRGBA) {
	fl := rc.fl
	x := fl.X + 2
	tx := x + recCheckSize + 2.5
	if !ticked {
		f.Bold = false
	}
	lines := fl.Lines(paper.KeepTogether(text), f, fl.X+fl.W-tx)
	fl.Ensure(paper.TextHeight(len(lines), f) + 1)
	y := fl.Y + 0.6
	box := paper.Rect{X: x, Y: y, W: recCheckSize, H: recCheckSize}
	fl.S.Polygon(box.Pts(), paper.White.NRGBA(), recInk, 0.3, nil)
	if !ticked {
		ink = recGrey
	}
	if ticked {
		fl.S.Polyline([]paper.Pt{{X: box.X + 0.7, Y: box.Y + 0.7}, {X: box.Right() - 0.7, Y: box.Bottom() - 0.7}}, ink, 0.55, nil, true)
		fl.S.Polyline([]paper.Pt{{X: box.Right() - 0.7, Y: box.Y + 0.7}, {X: box.X + 0.7, Y: box.Bottom() - 0.7}}, ink, 0.55, nil, true)
	}
	fl.Write(lines, tx, f, ink)
	fl.Y = max(fl.Y, y+recCheckSize) + 1.2
}

// note writes a paragraph in small grey text.
func (rc *recepisse) note(s string) {
	rc.fl.Paragraph(paper.KeepTogether(s), recSmall, recGrey)
	rc.fl.Y += 0.8
}
