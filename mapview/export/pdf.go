package export

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/go-pdf/fpdf"
)

// pdfFont is the family the Go fonts are embedded under.
const pdfFont = "go"

// pdfSurface draws the page as PDF: vector graphics, real text in the
// embedded Go fonts (so that French accents survive and the text can be
// searched and copied), the map as an image at the export's resolution.
type pdfSurface struct {
	f    *fpdf.Fpdf
	imgs int
}

var _ surface = (*pdfSurface)(nil)

// writePDF draws the sheet on a PDF page and writes the document.
func writePDF(doc *sheet, w io.Writer) error {
	fonts := doc.fonts()
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", OrientationStr: "P", Size: fpdf.SizeType{Wd: doc.pg.w, Ht: doc.pg.h}})
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(doc.date)
	f.SetModificationDate(doc.date)
	f.SetCreator("Terrimap", true)
	f.SetProducer("Terrimap", true)
	if doc.title != "" {
		f.SetTitle(Printable(doc.title), true)
	}
	if doc.subtitle != "" {
		f.SetSubject(Printable(doc.subtitle), true)
	}
	f.AddUTF8FontFromBytes(pdfFont, "", fonts.regular)
	f.AddUTF8FontFromBytes(pdfFont, "B", fonts.bold)
	f.AddPage()
	s := &pdfSurface{f: f}
	if err := doc.draw(s); err != nil {
		return err
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("export: pdf: %w", err)
	}
	return nil
}

func (s *pdfSurface) alpha(c color.NRGBA) { s.f.SetAlpha(float64(c.A)/255, "Normal") }

func (s *pdfSurface) path(pts []pt, closed bool) {
	s.f.MoveTo(pts[0].x, pts[0].y)
	for _, p := range pts[1:] {
		s.f.LineTo(p.x, p.y)
	}
	if closed {
		s.f.ClosePath()
	}
}

func (s *pdfSurface) setStroke(c color.NRGBA, width float64, dash []float64, roundCap bool) {
	s.f.SetDrawColor(int(c.R), int(c.G), int(c.B))
	s.alpha(c)
	s.f.SetLineWidth(width)
	if len(dash) > 0 {
		s.f.SetDashPattern(dash, 0)
	} else {
		s.f.SetDashPattern([]float64{}, 0)
	}
	if roundCap {
		s.f.SetLineCapStyle("round")
	} else {
		s.f.SetLineCapStyle("butt")
	}
	s.f.SetLineJoinStyle("round")
}

func (s *pdfSurface) polygon(pts []pt, fill, stroke color.NRGBA, width float64, dash []float64) {
	if len(pts) < 3 {
		return
	}
	if fill.A > 0 {
		s.f.SetFillColor(int(fill.R), int(fill.G), int(fill.B))
		s.alpha(fill)
		s.path(pts, true)
		s.f.DrawPath("f")
	}
	if stroke.A > 0 && width > 0 {
		s.setStroke(stroke, width, dash, len(dash) == 0)
		s.path(pts, true)
		s.f.DrawPath("D")
	}
	s.f.SetAlpha(1, "Normal")
}

func (s *pdfSurface) polyline(pts []pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool) {
	if stroke.A == 0 || width <= 0 || len(pts) < 2 {
		return
	}
	s.setStroke(stroke, width, dash, roundCap)
	s.path(pts, false)
	s.f.DrawPath("D")
	s.f.SetAlpha(1, "Normal")
}

func (s *pdfSurface) text(x, y float64, str string, f fontSpec, c color.NRGBA) {
	if str == "" {
		return
	}
	style := ""
	if f.bold {
		style = "B"
	}
	s.f.SetFont(pdfFont, style, f.size)
	s.f.SetTextColor(int(c.R), int(c.G), int(c.B))
	s.alpha(c)
	s.f.Text(x, y, Printable(str))
	s.f.SetAlpha(1, "Normal")
}

// image embeds img as a lossless PNG: opaque, so that fpdf copies its
// compressed data as it is.
func (s *pdfSurface) image(img *image.RGBA, r rect) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, opaque(img)); err != nil {
		return fmt.Errorf("export: map image: %w", err)
	}
	s.imgs++
	name := fmt.Sprintf("map%d", s.imgs)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	s.f.RegisterImageOptionsReader(name, opts, &buf)
	s.f.ImageOptions(name, r.x, r.y, r.w, r.h, false, opts, 0, "")
	if err := s.f.Error(); err != nil {
		return fmt.Errorf("export: pdf: %w", err)
	}
	return nil
}

// opaque returns img with every pixel's alpha at 255 (composited over
// white), so that the PNG encoder writes RGB without an alpha channel.
func opaque(img *image.RGBA) *image.RGBA {
	isOpaque := true
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xff {
			isOpaque = false
			break
		}
	}
	if isOpaque {
		return img
	}
	out := image.NewRGBA(img.Rect)
	for i := 0; i < len(img.Pix); i += 4 {
		a := 255 - uint32(img.Pix[i+3])
		out.Pix[i] = uint8(uint32(img.Pix[i]) + a)
		out.Pix[i+1] = uint8(uint32(img.Pix[i+1]) + a)
		out.Pix[i+2] = uint8(uint32(img.Pix[i+2]) + a)
		out.Pix[i+3] = 0xff
	}
	return out
}
