package paper

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Raster draws a page into an image, white to begin with.
type Raster struct {
	img   *image.RGBA
	k     float64 // pixels per millimetre
	dpi   float64
	fonts *Fonts
	faces map[Font]font.Face
	rz    vector.Rasterizer
}

var _ Surface = (*Raster)(nil)

// NewRaster returns a white page of w × h millimetres at dpi dots per inch.
func NewRaster(w, h, dpi float64, fonts *Fonts) *Raster {
	k := dpi / MMPerInch
	img := image.NewRGBA(image.Rect(0, 0, int(math.Round(w*k)), int(math.Round(h*k))))
	draw.Draw(img, img.Bounds(), image.NewUniform(White.NRGBA()), image.Point{}, draw.Src)
	return &Raster{img: img, k: k, dpi: dpi, fonts: fonts, faces: map[Font]font.Face{}}
}

// Picture returns the page drawn so far.
func (r *Raster) Picture() *image.RGBA { return r.img }

func (r *Raster) px(p Pt) (float64, float64) { return p.X * r.k, p.Y * r.k }

// fill fills the union of the outlines, all turned the same way so that
// their overlaps add up rather than cancel.
func (r *Raster) fill(shapes [][]Pt, c color.NRGBA) {
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

// Polygon fills, then strokes, a closed outline.
func (r *Raster) Polygon(pts []Pt, fill, stroke color.NRGBA, width float64, dash []float64) {
	if len(pts) < 3 {
		return
	}
	r.fill([][]Pt{pts}, fill)
	closed := append(append([]Pt{}, pts...), pts[0])
	r.Polyline(closed, stroke, width, dash, len(dash) == 0)
}

// Polyline strokes an open line.
func (r *Raster) Polyline(pts []Pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool) {
	if stroke.A == 0 || width <= 0 || len(pts) < 2 {
		return
	}
	// Hairlines stay visible at least one pixel wide.
	width = math.Max(width, 1/r.k)
	var shapes [][]Pt
	for _, part := range dashed(pts, dash) {
		shapes = append(shapes, strokeShapes(part, width/2, roundCap)...)
	}
	r.fill(shapes, stroke)
}

func (r *Raster) face(f Font) font.Face {
	if face, ok := r.faces[f]; ok {
		return face
	}
	face, err := opentype.NewFace(r.fonts.parsed[f.Bold], &opentype.FaceOptions{Size: f.Size, DPI: r.dpi, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for a size of zero or less, which the layout never asks for
	}
	r.faces[f] = face
	return face
}

// Text writes s through Printable.
func (r *Raster) Text(x, y float64, s string, f Font, c color.NRGBA) {
	if s == "" || f.Size <= 0 {
		return
	}
	px, py := r.px(Pt{x, y})
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(c), Face: r.face(f),
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(px * 64)), Y: fixed.Int26_6(math.Round(py * 64))}}
	d.DrawString(Printable(s))
}

// Image draws img filling at.
func (r *Raster) Image(img *image.RGBA, at Rect) error {
	x, y := r.px(Pt{at.X, at.Y})
	x1, y1 := r.px(Pt{at.Right(), at.Bottom()})
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

func signedArea(s []Pt) float64 {
	a := 0.0
	for i := range s {
		p, q := s[i], s[(i+1)%len(s)]
		a += p.X*q.Y - q.X*p.Y
	}
	return a / 2
}

func reversed(s []Pt) []Pt {
	out := make([]Pt, len(s))
	for i, p := range s {
		out[len(s)-1-i] = p
	}
	return out
}

// strokeShapes returns outlines whose union is the line stroked with half
// width hw: a quadrilateral per segment, a disc at each joint (round
// joins) and, for round caps, at both ends.
func strokeShapes(line []Pt, hw float64, roundCap bool) [][]Pt {
	var out [][]Pt
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*hw, dx/l*hw
		out = append(out, []Pt{{a.X + nx, a.Y + ny}, {b.X + nx, b.Y + ny}, {b.X - nx, b.Y - ny}, {a.X - nx, a.Y - ny}})
		if i < len(line)-1 {
			out = append(out, CirclePts(b, hw))
		}
	}
	if roundCap || isClosed(line) {
		out = append(out, CirclePts(line[0], hw), CirclePts(line[len(line)-1], hw))
	}
	return out
}

func isClosed(line []Pt) bool { return len(line) > 2 && line[0] == line[len(line)-1] }

// dashed cuts a line into its dashes: dash alternates drawn and skipped
// lengths; none draws it whole.
func dashed(line []Pt, dash []float64) [][]Pt {
	total := 0.0
	for _, d := range dash {
		total += d
	}
	if len(dash) == 0 || total <= 0 {
		return [][]Pt{line}
	}
	var out [][]Pt
	i, left, on := 0, dash[0], true
	cur := []Pt{line[0]}
	for s := 1; s < len(line); s++ {
		a, b := line[s-1], line[s]
		seg := math.Hypot(b.X-a.X, b.Y-a.Y)
		pos := 0.0
		for seg-pos > left {
			pos += left
			t := pos / seg
			p := Pt{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
			if on {
				out = append(out, append(cur, p))
			}
			cur = []Pt{p}
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
