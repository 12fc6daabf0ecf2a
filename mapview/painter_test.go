package mapview

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"
)

// The canvas lays colours as the rasterizer itself does over an RGBA
// image, to the rounding of an 8-bit coverage.
func TestCanvasFillMatchesRasterizer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 100 {
		w, h := 1+rng.IntN(200), 1+rng.IntN(200)
		bg := image.NewRGBA(image.Rect(0, 0, w, h))
		for p := range bg.Pix {
			bg.Pix[p] = uint8(rng.IntN(256))
		}
		for p := 0; p < len(bg.Pix); p += 4 { // premultiplied: no channel over alpha
			for c := range 3 {
				bg.Pix[p+c] = min(bg.Pix[p+c], bg.Pix[p+3])
			}
		}
		var polys [][]orb.Point
		for range 1 + rng.IntN(6) {
			var pts []orb.Point
			for range 3 + rng.IntN(4) {
				pts = append(pts, orb.Point{rng.Float64()*float64(w+40) - 20, rng.Float64()*float64(h+40) - 20})
			}
			polys = append(polys, pts)
		}
		col := Color{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
		if i%3 == 0 {
			col.A = 0xff
		}

		got := image.NewRGBA(bg.Rect)
		copy(got.Pix, bg.Pix)
		cv := newCanvas(got)
		for _, p := range polys {
			cv.polygon(p, false)
		}
		// The canvas fills the box of what was added, the rasterizer the
		// whole image: outside the polygons both leave the image alone.
		cv.fill(col)
		cv.release()

		want := image.NewRGBA(bg.Rect)
		copy(want.Pix, bg.Pix)
		ref := newCanvas(want) // for its orientation of the polygons
		for _, p := range polys {
			ref.polygon(p, false)
		}
		var rz vector.Rasterizer
		rz.Reset(w, h)
		start := 0
		for _, end := range ref.ends {
			rz.MoveTo(ref.xy[2*start], ref.xy[2*start+1])
			for k := start + 1; k < end; k++ {
				rz.LineTo(ref.xy[2*k], ref.xy[2*k+1])
			}
			rz.ClosePath()
			start = end
		}
		rz.Draw(want, want.Rect, image.NewUniform(color.NRGBA(col)), image.Point{})
		ref.release()

		for p := range got.Pix {
			if d := int(got.Pix[p]) - int(want.Pix[p]); d < -1 || d > 1 {
				t.Fatalf("case %d (%dx%d, colour %v): byte %d is %d, the rasterizer's %d", i, w, h, col, p, got.Pix[p], want.Pix[p])
			}
		}
	}
}
