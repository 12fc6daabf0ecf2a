package export

import (
	"fmt"
	"io"

	"terrimap/internal/paper"
)

// writePDF draws the sheet on a PDF page and writes the document.
func writePDF(doc *sheet, w io.Writer) error {
	f := paper.NewPDF(paper.PDFSetup{W: doc.pg.w, H: doc.pg.h, Title: doc.title, Subject: doc.subtitle, Date: doc.date}, doc.fonts())
	f.AddPage()
	if err := doc.draw(&paper.PDFSurface{F: f}); err != nil {
		return err
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("export: pdf: %w", err)
	}
	return nil
}
