package paper

import (
	"image/color"

	"github.com/go-pdf/fpdf"
)

// Flow writes a document down its pages, a cursor moving from the top of
// the text area: for a form or a letter whose length the text decides (a
// DT-DICT récépissé). A block that does not fit under the cursor goes to a
// new page.
type Flow struct {
	PDF   *fpdf.Fpdf
	S     *PDFSurface
	Fonts *Fonts
	// X and W are the text area's left edge and width; Top and Bottom its
	// top and bottom on every page, in mm from the page's top.
	X, W, Top, Bottom float64
	// Y is where the next block starts.
	Y float64
}

// NewFlow returns a flow on f's pages, its first page added.
func NewFlow(f *fpdf.Fpdf, fonts *Fonts, x, w, top, bottom float64) *Flow {
	fl := &Flow{PDF: f, S: &PDFSurface{F: f}, Fonts: fonts, X: x, W: w, Top: top, Bottom: bottom}
	fl.NewPage()
	return fl
}

// NewPage starts a page and puts the cursor at its top.
func (fl *Flow) NewPage() {
	fl.PDF.AddPage()
	fl.Y = fl.Top
}

// Ensure starts a new page when h mm do not fit under the cursor; it
// reports whether it did.
func (fl *Flow) Ensure(h float64) bool {
	if fl.Y+h <= fl.Bottom || fl.Y == fl.Top {
		return false
	}
	fl.NewPage()
	return true
}

// Lines returns s wrapped in width w (the text area's when 0).
func (fl *Flow) Lines(s string, f Font, w float64) []string {
	if w <= 0 {
		w = fl.W
	}
	return fl.Fonts.Wrap(s, f, w)
}

// TextHeight is the height of lines of text in f.
func TextHeight(lines int, f Font) float64 { return float64(lines) * LineHeight(f) }

// Write writes lines of text in f from x at the cursor, a line under the
// other, and moves the cursor under them; a line that does not fit on the
// page goes to the next.
func (fl *Flow) Write(lines []string, x float64, f Font, c color.NRGBA) {
	for _, l := range lines {
		fl.Ensure(LineHeight(f))
		fl.Y += LineHeight(f)
		fl.S.Text(x, fl.Y-0.25*LineHeight(f), l, f, c)
	}
}

// Paragraph wraps s in the text area's width from its left edge, writes
// it and moves the cursor under it.
func (fl *Flow) Paragraph(s string, f Font, c color.NRGBA) {
	fl.Write(fl.Lines(s, f, fl.W), fl.X, f, c)
}
