package paper

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/go-pdf/fpdf"
)

// FontFamily is the family the Go fonts are embedded under in a PDF made
// by NewPDF: "" regular, "B" bold.
const FontFamily = "go"

// PDFSetup is what a PDF says of itself.
type PDFSetup struct {
	// W and H are the page's size in millimetres.
	W, H float64
	// Title and Subject are the document's metadata; left out when blank.
	Title, Subject string
	// Date is the document's creation date.
	Date time.Time
	// Lang is the text's language ("fr-FR"); none when blank.
	Lang string
}

// NewPDF returns a PDF document of pages of s.W × s.H millimetres,
// measured in millimetres, without automatic page breaks nor margins, its
// streams compressed, its metadata set (Terrimap as creator and producer,
// s's title, subject, date and language) and the Go fonts embedded under
// FontFamily, so that French accents survive and text can be searched and
// copied. It has no page yet.
func NewPDF(s PDFSetup, fonts *Fonts) *fpdf.Fpdf {
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", OrientationStr: "P", Size: fpdf.SizeType{Wd: s.W, Ht: s.H}})
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(s.Date)
	f.SetModificationDate(s.Date)
	f.SetCreator("Terrimap", true)
	f.SetProducer("Terrimap", true)
	if s.Title != "" {
		f.SetTitle(Printable(s.Title), true)
	}
	if s.Subject != "" {
		f.SetSubject(Printable(s.Subject), true)
	}
	if s.Lang != "" {
		f.SetLang(s.Lang)
	}
	f.AddUTF8FontFromBytes(FontFamily, "", fonts.regular)
	f.AddUTF8FontFromBytes(FontFamily, "B", fonts.bold)
	return f
}

// PDFSurface draws on the current page of a PDF made by NewPDF: vector
// graphics, real text in the embedded Go fonts, images as lossless PNG.
type PDFSurface struct {
	F    *fpdf.Fpdf
	imgs int
}

var _ Surface = (*PDFSurface)(nil)

func (s *PDFSurface) alpha(c color.NRGBA) { s.F.SetAlpha(float64(c.A)/255, "Normal") }

func (s *PDFSurface) path(pts []Pt, closed bool) {
	s.F.MoveTo(pts[0].X, pts[0].Y)
	for _, p := range pts[1:] {
		s.F.LineTo(p.X, p.Y)
	}
	if closed {
		s.F.ClosePath()
	}
}

func (s *PDFSurface) setStroke(c color.NRGBA, width float64, dash []float64, roundCap bool) {
	s.F.SetDrawColor(int(c.R), int(c.G), int(c.B))
	s.alpha(c)
	s.F.SetLineWidth(width)
	if len(dash) > 0 {
		s.F.SetDashPattern(dash, 0)
	} else {
		s.F.SetDashPattern([]float64{}, 0)
	}
	if roundCap {
		s.F.SetLineCapStyle("round")
	} else {
		s.F.SetLineCapStyle("butt")
	}
	s.F.SetLineJoinStyle("round")
}

// Polygon fills, then strokes, a closed outline.
func (s *PDFSurface) Polygon(pts []Pt, fill, stroke color.NRGBA, width float64, dash []float64) {
	if len(pts) < 3 {
		return
	}
	if fill.A > 0 {
		s.F.SetFillColor(int(fill.R), int(fill.G), int(fill.B))
		s.alpha(fill)
		s.path(pts, true)
		s.F.DrawPath("f")
	}
	if stroke.A > 0 && width > 0 {
		s.setStroke(stroke, width, dash, len(dash) == 0)
		s.path(pts, true)
		s.F.DrawPath("D")
	}
	s.F.SetAlpha(1, "Normal")
	s.F.SetDashPattern([]float64{}, 0)
}

// Polyline strokes an open line.
func (s *PDFSurface) Polyline(pts []Pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool) {
	if stroke.A == 0 || width <= 0 || len(pts) < 2 {
		return
	}
	s.setStroke(stroke, width, dash, roundCap)
	s.path(pts, false)
	s.F.DrawPath("D")
	s.F.SetAlpha(1, "Normal")
	s.F.SetDashPattern([]float64{}, 0)
}

// Text writes s through Printable.
func (s *PDFSurface) Text(x, y float64, str string, f Font, c color.NRGBA) {
	if str == "" {
		return
	}
	style := ""
	if f.Bold {
		style = "B"
	}
	s.F.SetFont(FontFamily, style, f.Size)
	s.F.SetTextColor(int(c.R), int(c.G), int(c.B))
	s.alpha(c)
	s.F.Text(x, y, Printable(str))
	s.F.SetAlpha(1, "Normal")
}

// Image embeds img as a lossless PNG: opaque (composited over white), so
// that fpdf copies its compressed data as it is.
func (s *PDFSurface) Image(img *image.RGBA, r Rect) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, opaque(img)); err != nil {
		return fmt.Errorf("paper: image: %w", err)
	}
	s.imgs++
	name := fmt.Sprintf("img%d", s.imgs)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	s.F.RegisterImageOptionsReader(name, opts, &buf)
	s.F.ImageOptions(name, r.X, r.Y, r.W, r.H, false, opts, 0, "")
	if err := s.F.Error(); err != nil {
		return fmt.Errorf("paper: pdf: %w", err)
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
