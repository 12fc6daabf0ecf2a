package mapview

import (
	"encoding/binary"
	"image"
	"image/color"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// fillRect paints r of dst in an opaque colour, a row copied down.
func fillRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	i0 := dst.PixOffset(r.Min.X, r.Min.Y)
	row := dst.Pix[i0 : i0+4*r.Dx()]
	for i := 0; i < len(row); i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		i := dst.PixOffset(r.Min.X, y)
		copy(dst.Pix[i:i+len(row)], row)
	}
}

// blitOver lays src, its top-left corner at `at`, over dst within clip.
// Transparent pixels are skipped and opaque ones copied: vector tiles are
// mostly one or the other.
func blitOver(dst, src *image.RGBA, at image.Point, clip image.Rectangle) {
	blend(dst, src, at, clip, nil)
}

// blitOverColor lays src, its top-left corner at `at`, over the opaque
// colour bg into dst within clip: fillRect then blitOver in one pass.
func blitOverColor(dst, src *image.RGBA, at image.Point, clip image.Rectangle, bg color.RGBA) {
	u := underColor{px: uint64(binary.LittleEndian.Uint32([]byte{bg.R, bg.G, bg.B, 0xff})) * (1<<32 + 1)}
	for a := range 256 {
		k := uint32(255 - a)
		u.by[0][a] = uint8((uint32(bg.R)*k + 127) / 255)
		u.by[1][a] = uint8((uint32(bg.G)*k + 127) / 255)
		u.by[2][a] = uint8((uint32(bg.B)*k + 127) / 255)
	}
	blend(dst, src, at, clip, &u)
}

// underColor is an opaque colour a tile is laid over.
type underColor struct {
	px uint64        // two pixels of it
	by [3][256]uint8 // what shows of each channel under a pixel of each alpha
}

// blend lays src over dst, or over bg when not nil.
func blend(dst, src *image.RGBA, at image.Point, clip image.Rectangle, bg *underColor) {
	r := src.Bounds().Add(at).Intersect(clip).Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	sp := r.Min.Sub(at)
	w := 4 * r.Dx()
	var bg2 uint64
	if bg != nil {
		bg2 = bg.px
	}
	for y := 0; y < r.Dy(); y++ {
		di := dst.PixOffset(r.Min.X, r.Min.Y+y)
		si := src.PixOffset(sp.X, sp.Y+y)
		d := dst.Pix[di : di+w : di+w]
		s := src.Pix[si : si+w : si+w]
		for i := 0; i < w; i += 4 {
			// Transparent pixels (all zero, premultiplied), four at a time.
			if i&15 == 0 && i+16 <= w && binary.LittleEndian.Uint64(s[i:]) == 0 && binary.LittleEndian.Uint64(s[i+8:]) == 0 {
				if bg != nil {
					binary.LittleEndian.PutUint64(d[i:], bg2)
					binary.LittleEndian.PutUint64(d[i+8:], bg2)
				}
				i += 12
				continue
			}
			a := uint32(s[i+3])
			switch {
			case a == 255:
				binary.LittleEndian.PutUint32(d[i:], binary.LittleEndian.Uint32(s[i:]))
			case a == 0:
				if bg != nil {
					binary.LittleEndian.PutUint32(d[i:], uint32(bg2))
				}
			case bg != nil:
				d[i] = s[i] + bg.by[0][a]
				d[i+1] = s[i+1] + bg.by[1][a]
				d[i+2] = s[i+2] + bg.by[2][a]
				d[i+3] = 0xff
			default:
				k := 255 - a
				d[i] = uint8(uint32(s[i]) + (uint32(d[i])*k+127)/255)
				d[i+1] = uint8(uint32(s[i+1]) + (uint32(d[i+1])*k+127)/255)
				d[i+2] = uint8(uint32(s[i+2]) + (uint32(d[i+2])*k+127)/255)
				d[i+3] = uint8(a + (uint32(d[i+3])*k+127)/255)
			}
		}
	}
}

// blitCopy copies src, its top-left corner at `at`, into dst within clip.
func blitCopy(dst, src *image.RGBA, at image.Point, clip image.Rectangle) {
	r := src.Bounds().Add(at).Intersect(clip).Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	sp := r.Min.Sub(at)
	w := 4 * r.Dx()
	for y := 0; y < r.Dy(); y++ {
		di := dst.PixOffset(r.Min.X, r.Min.Y+y)
		si := src.PixOffset(sp.X, sp.Y+y)
		copy(dst.Pix[di:di+w], src.Pix[si:si+w])
	}
}

// drawScaled lays src over dst within clip, scaled by f with its top-left
// corner at (tx, ty), smoothed bilinearly.
func drawScaled(dst, src *image.RGBA, f, tx, ty float64, clip image.Rectangle, op draw.Op) {
	clip = clip.Intersect(dst.Bounds())
	if clip.Empty() {
		return
	}
	sub := dst.SubImage(clip).(*image.RGBA)
	draw.ApproxBiLinear.Transform(sub, f64.Aff3{f, 0, tx, 0, f, ty}, src, src.Bounds(), op, nil)
}
