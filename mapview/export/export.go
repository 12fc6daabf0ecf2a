// Package export prints the map: any extent, at any size and resolution,
// to a PNG image or a PDF page laid out as a paper plan — the map in its
// frame, a title block, the legend of the layers shown, a scale bar, a
// north arrow, the date and the sources. The map itself is drawn by the
// same engine as the screen (mapview.Renderer.Render), so what the user
// sees is what is printed. The package is headless: no Fyne.
package export

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/tiles"
)

// ErrInvalidOptions is returned (wrapped) for options an export cannot use.
var ErrInvalidOptions = errors.New("export: invalid options")

// Format is the file format written.
type Format string

// The formats Export writes.
const (
	PNG Format = "png"
	PDF Format = "pdf"
)

// Paper is a standard paper size.
type Paper string

// The paper sizes Export knows.
const (
	A4 Paper = "A4"
	A3 Paper = "A3"
)

// size returns the paper's width and height in millimetres, portrait.
func (p Paper) size() (w, h float64, ok bool) {
	switch Paper(strings.ToUpper(string(p))) {
	case A4:
		return 210, 297, true
	case A3:
		return 297, 420, true
	}
	return 0, 0, false
}

// Orientation turns the paper.
type Orientation int

// The orientations of a page.
const (
	Portrait Orientation = iota
	Landscape
)

// Default resolutions, in dots per inch.
const (
	// PaperDPI is the resolution of the map on paper when Options.DPI is 0.
	PaperDPI = 300
	// ScreenDPI is that of an image given in pixels: one pixel is one
	// logical pixel of the screen.
	ScreenDPI = paper.ScreenDPI
)

// DefaultBasemapTimeout bounds the fetching of the basemap's tiles.
const DefaultBasemapTimeout = 30 * time.Second

// maxPixels bounds the size of the page drawn, in pixels.
const maxPixels = 120_000_000

// Options say what to export and how.
type Options struct {
	// Bound is the extent to show, in longitude/latitude: the map is fitted
	// to it (it shows all of it, and more on one side when the frame's
	// proportions differ).
	Bound orb.Bound
	// Viewport, when set, is used instead of Bound: its centre and zoom are
	// kept (so is its scale on screen); its size and device scale are not,
	// the page decides them.
	Viewport *mapview.Viewport

	// Size is the size of the whole picture in pixels, for a picture that
	// is not a sheet of paper (1920×1080: a slide). Ignored when Paper is set.
	Size image.Point
	// Paper, A4 or A3, makes a page of that size in Orientation.
	Paper       Paper
	Orientation Orientation
	// DPI is the resolution: PaperDPI on paper and ScreenDPI for Size when 0.
	// Symbols, lines and labels keep their size on paper whatever the DPI.
	DPI float64

	// Title and Subtitle head the title block; Date is printed in French
	// ("26 novembre 2026"), today when zero.
	Title, Subtitle string
	Date            time.Time

	// Layers are drawn, bottom first, and listed in the legend when they
	// show something in the extent. A layer without a style is drawn with
	// mapview.DefaultStyles()' style for its name, or PlainStyle.
	Layers []mapview.Layer

	// Basemap, when not nil, is drawn under the layers, its tiles fetched
	// within BasemapTimeout (DefaultBasemapTimeout when 0); tiles it lacks
	// come from lower zooms, and a basemap that cannot be had is left out
	// with a warning, the export going on.
	Basemap        tiles.Source
	BasemapTimeout time.Duration

	// Attributions credit the data ("© IGN – Admin Express (Licence
	// Ouverte)"); the basemap's own attribution is added to them when at
	// least one of its tiles is on the map.
	Attributions []string

	// MapOnly draws the map alone over the whole picture, with its scale
	// bar, north arrow and attributions but no title block nor legend.
	MapOnly bool

	// Out receives the file, in Format.
	Out    io.Writer
	Format Format

	// Warn, when not nil, is told what the export had to do without (a
	// basemap unreachable, a legend cut short), in one sentence each.
	Warn func(string)
}

// page is a checked export: the page in millimetres and its resolution.
type page struct {
	w, h  float64 // millimetres
	dpi   float64
	paper bool // a real sheet: print the numeric scale
}

func (o *Options) check() (page, error) {
	var pg page
	if o.Out == nil {
		return pg, fmt.Errorf("%w: no output", ErrInvalidOptions)
	}
	switch o.Format {
	case PNG, PDF:
	default:
		return pg, fmt.Errorf("%w: format %q: use png or pdf", ErrInvalidOptions, o.Format)
	}
	if o.Viewport == nil {
		b := o.Bound
		if !finitePoint(b.Min) || !finitePoint(b.Max) || b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] ||
			b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -85.06 || b.Max[1] > 85.06 {
			return pg, fmt.Errorf("%w: the extent %v is not min < max within longitude ±180 and latitude ±85", ErrInvalidOptions, b)
		}
	} else if !finitePoint(o.Viewport.Center) || math.IsNaN(o.Viewport.Zoom) {
		return pg, fmt.Errorf("%w: the viewport has no valid centre or zoom", ErrInvalidOptions)
	}
	pg.dpi = o.DPI
	if pg.dpi != 0 && (math.IsNaN(pg.dpi) || pg.dpi < 36 || pg.dpi > 1200) {
		return pg, fmt.Errorf("%w: %g dpi: use 36 to 1200", ErrInvalidOptions, o.DPI)
	}
	if o.Paper != "" {
		w, h, ok := o.Paper.size()
		if !ok {
			return pg, fmt.Errorf("%w: paper %q: use A4 or A3", ErrInvalidOptions, o.Paper)
		}
		if o.Orientation == Landscape {
			w, h = h, w
		}
		if pg.dpi == 0 {
			pg.dpi = PaperDPI
		}
		pg.w, pg.h, pg.paper = w, h, true
	} else {
		if o.Size.X < 64 || o.Size.Y < 64 {
			return pg, fmt.Errorf("%w: size %dx%d: give a paper or a size of at least 64x64 pixels", ErrInvalidOptions, o.Size.X, o.Size.Y)
		}
		if pg.dpi == 0 {
			pg.dpi = ScreenDPI
		}
		pg.w, pg.h = float64(o.Size.X)*paper.MMPerInch/pg.dpi, float64(o.Size.Y)*paper.MMPerInch/pg.dpi
	}
	if px := pg.w / paper.MMPerInch * pg.dpi * pg.h / paper.MMPerInch * pg.dpi; px > maxPixels {
		return pg, fmt.Errorf("%w: %.0f million pixels is too large: lower the DPI or the size", ErrInvalidOptions, px/1e6)
	}
	return pg, nil
}

func finitePoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// Export draws the map as opts say and writes it to opts.Out.
func Export(ctx context.Context, r *mapview.Renderer, opts Options) error {
	pg, err := opts.check()
	if err != nil {
		return err
	}
	if opts.Date.IsZero() {
		opts.Date = time.Now()
	}
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	layers := resolveStyles(r, opts.Layers)

	// Lay the page out: the frame is fixed first, the legend fitted after.
	lay := newLayout(pg, opts, paper.NewFonts())
	frame := lay.mapFrame(opts)
	vp := frame.View

	mapImg, drawn, err := drawMap(ctx, r, vp, layers, opts, warn)
	if err != nil {
		return err
	}
	credits := mapview.Credits(opts.Attributions, drawn...)
	var legend []paper.LegendGroup
	if !opts.MapOnly {
		if legend, err = buildLegend(ctx, r.Workspace(), layers, vp); err != nil {
			return err
		}
	}
	doc := &sheet{
		pg: pg, lay: lay, frame: frame, mapImg: mapImg, legend: legend,
		title: strings.TrimSpace(opts.Title), subtitle: strings.TrimSpace(opts.Subtitle),
		date: opts.Date, credits: credits, mapOnly: opts.MapOnly, warn: warn,
	}
	switch opts.Format {
	case PDF:
		return writePDF(doc, opts.Out)
	default:
		return writePNG(doc, opts.Out)
	}
}

// resolveStyles gives every layer the style it is drawn with, so that the
// legend describes exactly what the renderer draws.
// Layers the workspace lacks are left out, as the renderer leaves them.
func resolveStyles(r *mapview.Renderer, in []mapview.Layer) []mapview.Layer {
	out := make([]mapview.Layer, 0, len(in))
	for _, l := range in {
		if _, err := r.Workspace().Layer(l.Name); err != nil {
			continue
		}
		l.Style = r.StyleOf(l)
		out = append(out, l)
	}
	return out
}
