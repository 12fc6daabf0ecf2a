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
// a plan: the map frame (FitFrame, MapFrame.DrawMap), the scale bar, the
// north arrow, the credits, the title block (FitTitle) and the legend
// (DrawLegend, LegendHeight, DrawSwatch).
//
// A new printed document (a DT-DICT answer plan, an annex) lays its page
// out in millimetres, draws its map with mapview.Renderer into a MapFrame,
// and writes everything through a Surface: NewPDF and PDFSurface for a
// PDF, NewRaster for an image.
//
// It is headless: no Fyne.
package paper
