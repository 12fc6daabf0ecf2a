package app

import (
	"context"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"terrimap/mapview"
)

// The two sides of a conflict on the map: mine in orange, the platform's
// in blue, colours told apart by most colour-blind eyes too.
var (
	mineColour   = color.NRGBA{R: 0xf5, G: 0x7c, B: 0x00, A: 0xff}
	theirsColour = color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}
)

// conflictMapSize is the size of the little map in the conflict dialog.
var conflictMapSize = fyne.NewSize(420, 260)

// conflictPicture is a conflict's two geometries over the map around them,
// drawn off the UI goroutine.
type conflictPicture struct {
	vp           mapview.Viewport
	background   image.Image
	mine, theirs orb.Geometry
	// mineKey and theirsKey name the two sides in the key; "" leaves a
	// side out of it.
	mineKey, theirsKey string
}

// drawConflict renders the map around both geometries (nil when there is
// no geometry to show); it reads the workspace: run it off the UI goroutine.
func drawConflict(r *mapview.Renderer, layers []mapview.Layer, mine, theirs orb.Geometry) *conflictPicture {
	if r == nil || (mine == nil && theirs == nil) {
		return nil
	}
	b, _ := boundOf(mine, theirs)
	// Some room around, at least a street's width: two points a metre
	// apart are still shown in their street.
	pad := max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1], 0.0004) * 0.4
	b = b.Pad(pad)
	vp := mapview.Viewport{Width: int(conflictMapSize.Width), Height: int(conflictMapSize.Height), Scale: 1}.FitBound(b)
	vp.Zoom = min(vp.Zoom, 19)
	img, err := r.Render(context.Background(), vp, layers, nil)
	if err != nil {
		img = nil
	}
	pic := &conflictPicture{vp: vp, mine: mine, theirs: theirs, mineKey: lang.L("Mine"), theirsKey: lang.L("Theirs (platform)")}
	if img != nil {
		pic.background = img
	}
	return pic
}

// object shows the picture: the map, both geometries over it, a key.
func (pic *conflictPicture) object() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xf2, G: 0xef, B: 0xe9, A: 0xff})
	bg.Resize(conflictMapSize)
	objs := []fyne.CanvasObject{bg}
	if pic.background != nil {
		img := canvas.NewImageFromImage(pic.background)
		img.FillMode = canvas.ImageFillStretch
		img.Resize(conflictMapSize)
		objs = append(objs, img)
	}
	objs = append(objs, pic.shapes(pic.theirs, theirsColour)...)
	objs = append(objs, pic.shapes(pic.mine, mineColour)...)
	plot := container.NewWithoutLayout(objs...)
	frame := container.NewGridWrap(conflictMapSize, plot)
	key := container.NewHBox()
	if pic.mineKey != "" {
		key.Add(swatchOf(mineColour))
		key.Add(widget.NewLabel(pic.mineKey))
	}
	if pic.theirsKey != "" && pic.theirs != nil {
		key.Add(swatchOf(theirsColour))
		key.Add(widget.NewLabel(pic.theirsKey))
	}
	return container.NewVBox(container.NewCenter(frame), container.NewCenter(key))
}

// shapes draws g in col: its lines as strokes, its points as dots.
func (pic *conflictPicture) shapes(g orb.Geometry, col color.Color) []fyne.CanvasObject {
	if g == nil {
		return nil
	}
	var out []fyne.CanvasObject
	at := func(p orb.Point) fyne.Position {
		px := pic.vp.LonLatToPixel(p)
		return fyne.NewPos(float32(px[0]), float32(px[1]))
	}
	mapview.EachPath(g, func(_ int, pts []orb.Point, kind mapview.PathKind) {
		if kind == mapview.PathPoints {
			for _, p := range pts {
				c := canvas.NewCircle(col)
				c.StrokeColor, c.StrokeWidth = color.White, 2
				pos := at(p)
				c.Move(pos.SubtractXY(7, 7))
				c.Resize(fyne.NewSize(14, 14))
				out = append(out, c)
			}
			return
		}
		for i := 1; i < len(pts); i++ {
			l := canvas.NewLine(col)
			l.StrokeWidth = 4
			l.Position1, l.Position2 = at(pts[i-1]), at(pts[i])
			out = append(out, l)
		}
	})
	return out
}

// boundOf is the bound of the geometries that are not nil; ok is false
// when all are.
func boundOf(gs ...orb.Geometry) (b orb.Bound, ok bool) {
	for _, g := range gs {
		if g == nil {
			continue
		}
		if !ok {
			b, ok = g.Bound(), true
		} else {
			b = b.Union(g.Bound())
		}
	}
	return b, ok
}

func swatchOf(c color.Color) fyne.CanvasObject {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(18, 12))
	return container.NewCenter(r)
}
