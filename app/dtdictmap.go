package app

import (
	"context"
	"image"
	"image/color"
	stddraw "image/draw"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"golang.org/x/image/vector"

	"terrimap/mapview"
	"terrimap/report"
)

// The works zone on a DT-DICT answer's map: yellow outlined in black,
// colours neither a class (report.ClassColour: green, orange, red) nor a
// layer of the map (communal buildings are violet) is drawn in.
var (
	dtZoneColour = color.NRGBA{R: 0x21, G: 0x21, B: 0x21, A: 0xff}
	dtZoneFill   = color.NRGBA{R: 0xff, G: 0xd6, B: 0x00, A: 0x70}
)

// dtMapSize is the size of the map on the answer screen; dtMapSizeShort
// on a screen too short for it (a 1366×768 laptop at 125 %), so that the
// table of the networks found keeps some rows.
var (
	dtMapSize      = fyne.NewSize(520, 300)
	dtMapSizeShort = fyne.NewSize(420, 210)
)

// dtMapSizeFor is the map's size for a window of that height.
func dtMapSizeFor(windowHeight float32) fyne.Size {
	if windowHeight < 700 {
		return dtMapSizeShort
	}
	return dtMapSize
}

// zonePicture is a declaration's works zone and our networks found
// around it over the map, drawn off the UI goroutine: the map (its
// context, our networks faded), then over it one picture of the zone and
// the features found by class — lines and points drawn into the picture,
// so that nothing spills out of the frame.
type zonePicture struct {
	// size is the picture's size on the screen.
	size       fyne.Size
	vp         mapview.Viewport
	background image.Image // nil when the map could not be drawn
	overlay    *image.NRGBA
}

// drawZonePicture renders the map around zone with its context and the
// networks layers faded, and over it the zone and the items found (nil
// when there is no zone); it reads the workspace: run it off the UI
// goroutine.
func drawZonePicture(ctx context.Context, r *mapview.Renderer, size fyne.Size, networks []string, zone orb.MultiPolygon, items []report.Item) *zonePicture {
	if len(zone) == 0 {
		return nil
	}
	// The zone in its street: a third of its size around it, and 20 m.
	b := zone.Bound()
	pad := max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])*0.35 + 0.00025
	b = b.Pad(pad)
	vp := mapview.Viewport{Width: int(size.Width), Height: int(size.Height), Scale: 1}.FitBound(b)
	vp.Zoom = min(vp.Zoom, 19)
	pic := &zonePicture{size: size, vp: vp}
	if r != nil {
		layers := report.PlanLayers(r, networks)
		for i := range layers {
			if slices.Contains(networks, layers[i].Name) {
				layers[i].Opacity = 0.5
			}
		}
		if img, err := r.Render(ctx, vp, layers, nil); err == nil {
			pic.background = img
		}
	}
	pic.overlay = pic.drawOverlay(zone, items)
	return pic
}

// drawOverlay paints the zone (faded, outlined) then the items found, each
// in its class's colour on a white edge, class C and unknown last: they
// are the ones to locate on site.
func (pic *zonePicture) drawOverlay(zone orb.MultiPolygon, items []report.Item) *image.NRGBA {
	w, h := int(pic.size.Width), int(pic.size.Height)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	paint := func(c color.Color, draw func(z *vector.Rasterizer)) {
		z := vector.NewRasterizer(w, h)
		z.DrawOp = stddraw.Over
		draw(z)
		z.Draw(dst, dst.Bounds(), image.NewUniform(c), image.Point{})
	}
	px := func(p orb.Point) orb.Point { return pic.vp.LonLatToPixel(p) }
	paint(dtZoneFill, func(z *vector.Rasterizer) {
		mapview.EachPath(zone, func(_ int, pts []orb.Point, kind mapview.PathKind) {
			for i, p := range pts {
				q := px(p)
				if i == 0 {
					z.MoveTo(float32(q[0]), float32(q[1]))
				} else {
					z.LineTo(float32(q[0]), float32(q[1]))
				}
			}
			z.ClosePath()
		})
	})
	paint(dtZoneColour, func(z *vector.Rasterizer) { strokePaths(z, zone, px, 2, 0) })
	// Every white edge first: a feature is hidden only where another's
	// colour covers it, not by its white edge.
	paint(color.White, func(z *vector.Rasterizer) {
		for _, it := range items {
			strokePaths(z, it.Geometry, px, 7, 8)
		}
	})
	for _, class := range []report.Class{report.ClassA, report.ClassB, report.ClassC} {
		var mine []report.Item
		for _, it := range items {
			if it.Class == class || (class == report.ClassC && it.Class == report.ClassUnknown) {
				mine = append(mine, it)
			}
		}
		paint(report.ClassColour(class), func(z *vector.Rasterizer) {
			for _, it := range mine {
				strokePaths(z, it.Geometry, px, 4, 5.5)
			}
		})
	}
	return dst
}

// strokePaths adds to z the lines and rings of g as strokes width pixels
// wide (round at their joints), and its points as discs of radius dot
// (none when dot is 0). Every shape turns the same way, so that where
// they overlap the paint adds up instead of cancelling out.
func strokePaths(z *vector.Rasterizer, g orb.Geometry, px func(orb.Point) orb.Point, width, dot float64) {
	if g == nil {
		return
	}
	disc := func(c orb.Point, r float64) {
		const n = 16
		for i := 0; i <= n; i++ {
			a := 2 * math.Pi * float64(i) / n
			x, y := float32(c[0]+r*math.Cos(a)), float32(c[1]+r*math.Sin(a))
			if i == 0 {
				z.MoveTo(x, y)
			} else {
				z.LineTo(x, y)
			}
		}
		z.ClosePath()
	}
	half := width / 2
	mapview.EachPath(g, func(_ int, pts []orb.Point, kind mapview.PathKind) {
		if kind == mapview.PathPoints {
			if dot > 0 {
				for _, p := range pts {
					disc(px(p), dot)
				}
			}
			return
		}
		for i := range pts {
			a := px(pts[i])
			disc(a, half)
			if i == 0 {
				continue
			}
			b := px(pts[i-1])
			dx, dy := a[0]-b[0], a[1]-b[1]
			l := math.Hypot(dx, dy)
			if l == 0 {
				continue
			}
			nx, ny := -dy/l*half, dx/l*half
			z.MoveTo(float32(b[0]+nx), float32(b[1]+ny))
			z.LineTo(float32(a[0]+nx), float32(a[1]+ny))
			z.LineTo(float32(a[0]-nx), float32(a[1]-ny))
			z.LineTo(float32(b[0]-nx), float32(b[1]-ny))
			z.ClosePath()
		}
	})
}

// object shows the picture: the map, the zone and the networks found, and
// a key.
func (pic *zonePicture) object() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xf2, G: 0xef, B: 0xe9, A: 0xff})
	bg.Resize(pic.size)
	objs := []fyne.CanvasObject{bg}
	for _, im := range []image.Image{pic.background, pic.overlay} {
		if im == nil {
			continue
		}
		img := canvas.NewImageFromImage(im)
		img.FillMode = canvas.ImageFillStretch
		img.ScaleMode = canvas.ImageScaleFastest
		img.Resize(pic.size)
		objs = append(objs, img)
	}
	frame := container.NewGridWrap(pic.size, container.NewWithoutLayout(objs...))
	key := container.NewHBox(
		swatchOf(dtZoneFill), widget.NewLabel(lang.L("Works zone")),
		swatchOf(report.ClassColour(report.ClassA)), widget.NewLabel(lang.L("Class A")),
		swatchOf(report.ClassColour(report.ClassB)), widget.NewLabel(lang.L("Class B")),
		swatchOf(report.ClassColour(report.ClassC)), widget.NewLabel(lang.L("Class C or unknown")))
	return container.NewVBox(frame, key)
}
