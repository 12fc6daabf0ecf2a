package export

import (
	"bufio"
	"fmt"
	"image/png"
	"io"

	"terrimap/internal/paper"
)

// writePNG draws the sheet into an image and encodes it.
func writePNG(doc *sheet, w io.Writer) error {
	r := paper.NewRaster(doc.pg.w, doc.pg.h, doc.pg.dpi, doc.fonts())
	if err := doc.draw(r); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(bw, r.Picture()); err != nil {
		return fmt.Errorf("export: png: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: png: %w", err)
	}
	return nil
}
