package report

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

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
	d.text(marginX, footerY, left)
	page := fmt.Sprintf("Page %d / {nb}", d.f.PageNo())
	d.text(pageW-marginX-d.width(fmt.Sprintf("Page %d / 00", d.f.PageNo())), footerY, page)
}
