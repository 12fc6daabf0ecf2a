package dtdict

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/report"
)

// WritePlans writes the plans of an answer to w as one PDF: the works
// zone and our networks (the analysis's items) on the sheet size the
// declarant asked (Wishes.PlanSize, landscape when better), at the
// smallest of 1:200, 1:500, 1:1000 and 1:2000 at which the zone and 10 m
// around it fit (PlanLayout); when none does, several sheets at 1:2000
// after an overview of them. Tronçons and fittings are drawn in their
// location class's colour and line style (in black and white when
// Wishes.Colour is not set: the line styles alone tell the classes apart)
// and labelled; each sheet has a legend, a scale bar, a north arrow and a
// title block with the declaration's number, the sheet's number, the date
// of the data (Analysis.DataDate) and of the answer. r draws the
// background: it must render the workspace analysed. It returns the sheets
// written, for the récépissé.
func WritePlans(ctx context.Context, w io.Writer, r *mapview.Renderer, a *Analysis, m AnswerMeta) ([]PlanRef, error) {
	if a == nil || a.Declaration == nil || !drawable(a.Declaration.Zone) {
		return nil, fmt.Errorf("dtdict: plans: %w", report.ErrZoneEmpty)
	}
	d := a.Declaration
	if m.Answered.IsZero() {
		m.Answered = time.Now()
	}
	ext, centre := zoneExtent(d.Zone)
	if !finite(ext.W) || !finite(ext.H) || !finite(centre[0]) || !finite(centre[1]) {
		return nil, fmt.Errorf("dtdict: plans: %w", report.ErrZoneEmpty)
	}
	lay := PlanLayout(ext, PaperOf(d.Wishes.PlanSize))
	pw, ph := lay.Sheet.Size()
	fonts := paper.NewFonts()
	f := paper.NewPDF(paper.PDFSetup{W: pw, H: ph, Title: "Plans de nos ouvrages – " + kindTitle(d.Kind) + " n° " + d.Number,
		Subject: "Réponse à une déclaration DT-DICT : plans des réseaux", Date: m.Answered, Lang: "fr-FR"}, fonts)
	if lay.Cols*lay.Rows > maxGrid {
		return nil, fmt.Errorf("dtdict: plans: %w", ErrTooManySheets)
	}
	sheets := lay.touching(lay.plan(centre), d.Zone)
	if len(sheets) > maxSheets {
		return nil, fmt.Errorf("dtdict: plans: %w", ErrTooManySheets)
	}
	refs := make([]PlanRef, len(sheets))
	for i, sh := range sheets {
		refs[i] = PlanRef{Reference: planReference(d.Number, i+1), Scale: sh.scale, Size: lay.Sheet.String(), Sheet: i + 1, Sheets: len(sheets), Edited: m.Answered}
	}
	for i, sh := range sheets {
		f.AddPage()
		p := &planPage{pdf: f, s: &paper.PDFSurface{F: f}, fonts: fonts, lay: lay, a: a, m: m, ref: refs[i]}
		if err := p.draw(ctx, r, sh, sheets); err != nil {
			return nil, err
		}
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("dtdict: plans: %w", err)
	}
	if err := f.Output(w); err != nil {
		return nil, fmt.Errorf("dtdict: plans: %w", err)
	}
	return refs, nil
}

// ErrTooManySheets is returned (wrapped) when the zone is too large to be
// printed in plan sheets at 1:2 000: more than maxSheets of them.
var ErrTooManySheets = errors.New("la zone des travaux est trop étendue pour des plans au 1:2 000 (plus de 100 feuilles) : demandez au déclarant de la préciser, ou répondez avec les plans vectoriels")

// maxSheets bounds the sheets of one answer; maxGrid the grid laid over
// the zone's bound before the sheets that show nothing of it are left out.
const (
	maxSheets = 100
	maxGrid   = 10_000
)

// drawable reports whether a zone can be drawn: it has a point, and every
// coordinate is a number, not infinite.
func drawable(zone orb.MultiPolygon) bool {
	n := 0
	for _, poly := range zone {
		for _, ring := range poly {
			for _, p := range ring {
				if !finite(p[0]) || !finite(p[1]) {
					return false
				}
				n++
			}
		}
	}
	return n > 0
}

// finite reports whether v is a number, not infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// planReference names a sheet: the declaration's number and the sheet's.
func planReference(number string, sheet int) string {
	if number == "" {
		number = "PLAN"
	}
	return fmt.Sprintf("%s-P%d", number, sheet)
}

// zoneExtent returns the ground a zone covers, in metres, and the middle
// of its bound (in Web Mercator, where the sheets are drawn).
func zoneExtent(zone orb.MultiPolygon) (Extent, orb.Point) {
	vp := mapview.Viewport{Width: 1000, Height: 1000}.FitBound(zone.Bound())
	b := zone.Bound()
	nw := vp.LonLatToPixel(orb.Point{b.Min[0], b.Max[1]})
	se := vp.LonLatToPixel(orb.Point{b.Max[0], b.Min[1]})
	mpp := vp.MetersPerPixel()
	return Extent{W: (se[0] - nw[0]) * mpp, H: (se[1] - nw[1]) * mpp}, vp.Center
}

// sheetView is one sheet of the plans: its scale and the offset of its
// centre from the zone's, in mm on the sheet; an overview shows the
// detailed sheets' outlines.
type sheetView struct {
	scale    int
	dx, dy   float64
	overview bool
	centre   orb.Point
}

// plan returns the sheets of a layout, the overview first, then the
// detailed sheets row by row from the north-west.
func (l Layout) plan(centre orb.Point) []sheetView {
	var out []sheetView
	if l.Overview > 0 {
		out = append(out, sheetView{scale: l.Overview, overview: true, centre: centre})
	}
	_, _, w, h := l.Sheet.MapBox()
	for row := 0; row < l.Rows; row++ {
		for col := 0; col < l.Cols; col++ {
			out = append(out, sheetView{scale: l.Scale, centre: centre,
				dx: (float64(col) - float64(l.Cols-1)/2) * w * (1 - sheetOverlap),
				dy: (float64(row) - float64(l.Rows-1)/2) * h * (1 - sheetOverlap)})
		}
	}
	return out
}

// touching keeps, of a layout's sheets, the overview and the detailed
// sheets that show some of the zone or of the zoneMargin around it: a
// grid over an L-shaped zone leaves out the sheets of its empty corner.
func (l Layout) touching(sheets []sheetView, zone orb.MultiPolygon) []sheetView {
	x, y, w, h := l.Sheet.MapBox()
	var out []sheetView
	for _, sh := range sheets {
		fr := frameAt(paper.Rect{X: x, Y: y, W: w, H: h}, sh, 1)
		if sh.overview || showsZone(fr, zone, groundMM(zoneMargin, sh.scale)) {
			out = append(out, sh)
		}
	}
	return out
}

// showsZone reports whether the frame shows some of the zone, or comes
// within margin mm of it: an edge of the zone crosses the frame grown by
// margin, or the frame's centre lies in the zone.
func showsZone(fr paper.MapFrame, zone orb.MultiPolygon, margin float64) bool {
	grown := inset(fr.Rect, -margin)
	if planar.MultiPolygonContains(zone, fr.View.Center) {
		return true
	}
	for _, poly := range zone {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				if _, _, ok := clip(fr.Page(ring[i-1]), fr.Page(ring[i]), grown); ok {
					return true
				}
			}
		}
	}
	return false
}

// planDPI is the most a plan's background is drawn at; large sheets get
// less, to keep the picture under maxPlanPixels.
const (
	planDPI       = 200
	maxPlanPixels = 16e6
)

// frameAt returns the map frame of a sheet: the box rect, at the sheet's
// scale, centred on its part of the zone.
func frameAt(rect paper.Rect, sh sheetView, k float64) paper.MapFrame {
	sq := rect.W / paper.MMPerInch * rect.H / paper.MMPerInch
	fr := paper.FitFrame(rect, math.Min(planDPI, math.Sqrt(maxPlanPixels/sq)))
	fr.K = k
	fr.Inset = 3 * k
	fr.View.Center = sh.centre
	fr.View.Zoom = 0
	fr.View.Zoom = math.Log2(fr.View.ScaleDenominator() / float64(sh.scale))
	fr.View = fr.View.Pan(-sh.dx/paper.PxMM, -sh.dy/paper.PxMM)
	return fr
}

// planPage draws one sheet of the plans.
type planPage struct {
	pdf   *fpdf.Fpdf
	s     *paper.PDFSurface
	fonts *paper.Fonts
	lay   Layout
	a     *Analysis
	m     AnswerMeta
	ref   PlanRef
	// credit names the basemap drawn, "" for none.
	credit string
}

func (p *planPage) draw(ctx context.Context, r *mapview.Renderer, sh sheetView, all []sheetView) error {
	k := p.lay.Sheet.K()
	x, y, w, h := p.lay.Sheet.MapBox()
	fr := frameAt(paper.Rect{X: x, Y: y, W: w, H: h}, sh, k)
	colour := p.a.Declaration.Wishes.Colour
	pm := &planMap{pdf: p.pdf, s: p.s, fonts: p.fonts, frame: fr, colour: colour, labels: !sh.overview, basemap: p.m.Basemap}
	key, withKey := p.keyBox(fr, all)
	if withKey && !sh.overview {
		pm.reserved = []paper.Rect{key}
	}
	if err := pm.draw(ctx, r, p.a); err != nil {
		return err
	}
	p.credit = pm.credit()
	if sh.overview {
		p.drawSheetOutlines(fr, sh, all)
	} else if withKey {
		p.drawKeyMap(key, fr, sh, all)
	}
	p.cartouche(paper.Rect{X: x, Y: y + h + sheetGap*k, W: w, H: cartoucheH * k}, sh)
	return nil
}

// drawSheetOutlines draws, on the overview, the outline and number of
// each detailed sheet.
func (p *planPage) drawSheetOutlines(fr paper.MapFrame, ov sheetView, all []sheetView) {
	k := fr.K
	_, _, w, h := p.lay.Sheet.MapBox()
	ink := paper.FrameGrey.NRGBA()
	font := paper.Font{Size: 12 * k, Bold: true}
	p.pdf.ClipRect(fr.Rect.X, fr.Rect.Y, fr.Rect.W, fr.Rect.H, false)
	for i, sh := range all {
		if sh.overview {
			continue
		}
		ratio := float64(sh.scale) / float64(ov.scale)
		cx := fr.Rect.X + fr.Rect.W/2 + sh.dx*ratio
		cy := fr.Rect.Y + fr.Rect.H/2 + sh.dy*ratio
		box := paper.Rect{X: cx - w*ratio/2, Y: cy - h*ratio/2, W: w * ratio, H: h * ratio}
		p.s.Polygon(box.Pts(), paper.Transparent.NRGBA(), ink, 0.4*k, nil)
		n := fmt.Sprint(i + 1)
		tw := p.fonts.Width(n, font)
		veil := paper.Rect{X: cx - tw/2 - 1.5*k, Y: cy - p.fonts.CapHeight(font)/2 - 1.5*k, W: tw + 3*k, H: p.fonts.CapHeight(font) + 3*k}
		p.s.Polygon(veil.Pts(), paper.BoxWhite.NRGBA(), ink, 0.2*k, nil)
		p.s.Text(cx-tw/2, cy+p.fonts.CapHeight(font)/2, n, font, paper.Black.NRGBA())
	}
	p.pdf.ClipEnd()
}
