package mapview

import (
	"image"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fontSet holds the label fonts, parsed once: the Go fonts, embedded in
// the binary, which cover the accented letters of French names.
type fontSet struct {
	regular, bold *opentype.Font
}

func newFontSet() *fontSet {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic(err)
	}
	return &fontSet{regular: reg, bold: bold}
}

type faceKey struct {
	size float64
	bold bool
}

// faces makes the faces one goroutine needs; a font.Face is not safe for
// concurrent use.
type faces struct {
	fs *fontSet
	m  map[faceKey]font.Face
}

func (fs *fontSet) faces() *faces { return &faces{fs: fs, m: map[faceKey]font.Face{}} }

func (f *faces) get(size float64, bold bool) font.Face {
	k := faceKey{math.Round(size*4) / 4, bold}
	if face, ok := f.m[k]; ok {
		return face
	}
	fnt := f.fs.regular
	if bold {
		fnt = f.fs.bold
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: k.size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for a size of zero or less, which get never asks for
	}
	f.m[k] = face
	return face
}

// textSprite draws text in fg over a halo of radius haloR pixels, on a
// transparent image fitted to it.
func textSprite(face font.Face, text string, fg, halo Color, haloR float64) *image.RGBA {
	m := face.Metrics()
	ascent, descent := m.Ascent.Ceil(), m.Descent.Ceil()
	width := font.MeasureString(face, text).Ceil()
	pad := int(math.Ceil(haloR)) + 1
	w, h := width+2*pad, ascent+descent+2*pad
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(pad, pad+ascent)}
	d.DrawString(text)
	haloMask := dilate(mask, haloR)
	out := image.NewRGBA(mask.Rect)
	for i, ta := range mask.Pix {
		// Text over halo: straight colours in, premultiplied out.
		t := uint32(ta) * uint32(fg.A) / 255
		ha := uint32(haloMask.Pix[i]) * uint32(halo.A) / 255 * (255 - t) / 255
		o := out.Pix[4*i : 4*i+4 : 4*i+4]
		o[0] = uint8((uint32(fg.R)*t + uint32(halo.R)*ha) / 255)
		o[1] = uint8((uint32(fg.G)*t + uint32(halo.G)*ha) / 255)
		o[2] = uint8((uint32(fg.B)*t + uint32(halo.B)*ha) / 255)
		o[3] = uint8(t + ha)
	}
	return out
}

// dilate returns the mask grown by r pixels: each pixel takes the largest
// alpha within the disc of radius r around it.
func dilate(m *image.Alpha, r float64) *image.Alpha {
	out := image.NewAlpha(m.Rect)
	if r <= 0 {
		copy(out.Pix, m.Pix)
		return out
	}
	ri := int(math.Ceil(r))
	type off struct{ dx, dy int }
	var offs []off
	for dy := -ri; dy <= ri; dy++ {
		for dx := -ri; dx <= ri; dx++ {
			if float64(dx*dx+dy*dy) <= r*r+0.5 {
				offs = append(offs, off{dx, dy})
			}
		}
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var best uint8
			for _, o := range offs {
				xx, yy := x+o.dx, y+o.dy
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					continue
				}
				if v := m.Pix[yy*m.Stride+xx]; v > best {
					best = v
					if best == 255 {
						break
					}
				}
			}
			out.Pix[y*out.Stride+x] = best
		}
	}
	return out
}
