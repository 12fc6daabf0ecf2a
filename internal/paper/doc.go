// Package paper is Terrimap's print engine: what every printed page of
// Terrimap shares, whatever it prints — the map export (mapview/export),
// the before-works report (report), and what comes next (DT-DICT answer
// plans, the annual report's annex).
//
// It holds the page set-up of a PDF (NewPDF: size, metadata, the embedded
// Go fonts), two surfaces that draw a page laid out in millimetres from its
// top-left corner, y down — PDF vector graphics and text (PDFSurface) or an
// image (Raster) — the fonts that measure and wrap text the same way for
// both (Fonts), the guard for characters the font lacks (Printable), French
// numbers, lengths, dates and map scales (Decimal, Length, Date, ScaleText:
// one scale rounding rule, the screen's status bar's too), and the parts of
// a plan: the map frame (FrameViewport, DrawMap), the scale bar, the north
// arrow, the title block and the legend's box.
//
// It is headless: no Fyne.
package paper
