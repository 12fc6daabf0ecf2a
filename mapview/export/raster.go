package export

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// raster draws the page into an image, k pixels per millimetre.
type raster struct {
	img   *image.RGBA
	k     float64
	dpi   float64
	fonts *fontSet
	faces map[fontSpec]font.Face
	rz    vector.Rasterizer
}

var _ surface = (*raster)(nil)

func newRaster(pg page, fonts *fontSet) *raster {
	k := pg.dpi / mmPerInch
	w, h := int(math.Round(pg.w*k)), int(math.Round(pg.h*k))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	return &raster{img: img, k: k, dpi: pg.dpi, fonts: fonts, faces: map[fontSpec]font.Face{}}
}

// writePNG draws the sheet into an image and encodes it.
func writePNG(doc *sheet, w io.Writer) error {
	r := newRaster(doc.pg, doc.fonts())
	if err := doc.draw(r); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(bw, r.img); err != nil {
		return fmt.Errorf("export: png: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: png: %w", err)
	}
	return nil
}

func (r *raster) px(p pt) (float64, float64) { return p.x * r.k, p.y * r.k }

// fill fills the union of the outlines, all turned the same way so that
// their overlaps add up rather than cancel.
func (r *raster) fill(shapes [][]pt, c color.NRGBA) {
	if c.A == 0 || len(shapes) == 0 {
		return
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range shapes {
		for _, p := range s {
			x, y := r.px(p)
			minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
		}
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(r.img.Bounds())
	if box.Empty() {
		return
	}
	r.rz.Reset(box.Dx(), box.Dy())
	for _, s := range shapes {
		if len(s) < 3 {
			continue
		}
		pts := s
		if signedArea(s) < 0 {
			pts = reversed(s)
		}
		for i, p := range pts {
			x, y := r.px(p)
			fx, fy := float32(x-float64(box.Min.X)), float32(y-float64(box.Min.Y))
			if i == 0 {
				r.rz.MoveTo(fx, fy)
			} else {
				r.rz.LineTo(fx, fy)
			}
		}
		r.rz.ClosePath()
	}
	r.rz.DrawOp = draw.Over
	r.rz.Draw(r.img, box, image.NewUniform(c), image.Point{})
}

func (r *raster) polygon(pts []pt, fill, stroke color.NRGBA, width float64, dash []float64) {
	if len(pts) < 3 {
		return
	}
	r.fill([][]pt{pts}, fill)
	closed := append(append([]pt{}, pts...), pts[0])
	r.polyline(closed, stroke, width, dash, len(dash) == 0)
}

func (r *raster) polyline(pts []pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool) {
	if stroke.A == 0 || width <= 0 || len(pts) < 2 {
		return
	}
	// Hairlines stay visible at least one pixel wide.
	width = math.Max(width, 1/r.k)
	var shapes [][]pt
	for _, part := range dashed(pts, dash) {
		shapes = append(shapes, strokeShapes(part, width/2, roundCap)...)
	}
	r.fill(shapes, stroke)
}

func (r *raster) face(f fontSpec) font.Face {
	if face, ok := r.faces[f]; ok {
		return face
	}
	face, err := opentype.NewFace(r.fonts.fonts[f.bold], &opentype.FaceOptions{Size: f.size, DPI: r.dpi, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for a size of zero or less, which the layout never asks for
	}
	r.faces[f] = face
	return face
}

func (r *raster) text(x, y float64, s string, f fontSpec, c color.NRGBA) {
	if s == "" || f.size <= 0 {
		return
	}
	px, py := r.px(pt{x, y})
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(c), Face: r.face(f),
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(px * 64)), Y: fixed.Int26_6(math.Round(py * 64))}}
	d.DrawString(s)
}

func (r *raster) image(img *image.RGBA, at rect) error {
	x, y := r.px(pt{at.x, at.y})
	x1, y1 := r.px(pt{at.right(), at.bottom()})
	dst := image.Rect(int(math.Round(x)), int(math.Round(y)), int(math.Round(x1)), int(math.Round(y1)))
	if b := img.Bounds(); abs(b.Dx()-dst.Dx()) <= 1 && abs(b.Dy()-dst.Dy()) <= 1 {
		draw.Draw(r.img, b.Add(dst.Min.Sub(b.Min)), img, b.Min, draw.Over)
		return nil
	}
	draw.CatmullRom.Scale(r.img, dst, img, img.Bounds(), draw.Over, nil)
	return nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func signedArea(s []pt) float64 {
	a := 0.0
	for i := range s {
		p, q := s[i], s[(i+1)%len(s)]
		a += p.x*q.y - q.x*p.y
	}
	return a / 2
}

func reversed(s []pt) []pt {
	out := make([]pt, len(s))
	for i, p := range s {
		out[len(s)-1-i] = p
	}
	return out
}

// strokeShapes returns outlines whose union is the line stroked with half
// width hw: a quadrilateral per segment, a disc at each joint (round
// joins) and, for round caps, at both ends.
func strokeShapes(line []pt, hw float64, roundCap bool) [][]pt {
	var out [][]pt
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*hw, dx/l*hw
		out = append(out, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
		if i < len(line)-1 {
			out = append(out, circlePts(b, hw))
		}
	}
	if roundCap || isClosed(line) {
		out = append(out, circlePts(line[0], hw), circlePts(line[len(line)-1], hw))
	}
	return out
}

func isClosed(line []pt) bool { return len(line) > 2 && line[0] == line[len(line)-1] }

// dashed cuts a line into its dashes: dash alternates drawn and skipped
// lengths; none draws it whole.
func dashed(line []pt, dash []float64) [][]pt {
	total := 0.0
	for _, d := range dash {
		total += d
	}
	if len(dash) == 0 || total <= 0 {
		return [][]pt{line}
	}
	var out [][]pt
	i, left, on := 0, dash[0], true
	cur := []pt{line[0]}
	for s := 1; s < len(line); s++ {
		a, b := line[s-1], line[s]
		seg := math.Hypot(b.x-a.x, b.y-a.y)
		pos := 0.0
		for seg-pos > left {
			pos += left
			t := pos / seg
			p := pt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t}
			if on {
				out = append(out, append(cur, p))
			}
			cur = []pt{p}
			on = !on
			i = (i + 1) % len(dash)
			left = dash[i]
		}
		left -= seg - pos
		cur = append(cur, b)
	}
	if on && len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}
