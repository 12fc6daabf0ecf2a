package export

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The page is laid out in millimetres from its top-left corner, y down;
// a surface draws it: as PDF vector graphics and text (pdf.go) or into an
// image (raster.go). Text uses the Go fonts in both, which cover French.

type pt struct{ x, y float64 }

type rect struct{ x, y, w, h float64 }

func (r rect) right() float64  { return r.x + r.w }
func (r rect) bottom() float64 { return r.y + r.h }

// fontSpec is a text size in points, regular or bold.
type fontSpec struct {
	size float64
	bold bool
}

// ptMM is a typographic point in millimetres.
const ptMM = mmPerInch / 72

// surface draws the page.
type surface interface {
	// polygon fills the closed outline pts with fill, then strokes it
	// with stroke: a transparent colour skips either.
	polygon(pts []pt, fill, stroke color.NRGBA, width float64, dash []float64)
	// polyline strokes an open line, its ends round or cut square.
	polyline(pts []pt, stroke color.NRGBA, width float64, dash []float64, roundCap bool)
	// text writes s with its baseline starting at (x, y).
	text(x, y float64, s string, f fontSpec, c color.NRGBA)
	// image draws img filling r.
	image(img *image.RGBA, r rect) error
}

// fontSet holds the Go fonts and measures text with them, the same way
// for every surface.
type fontSet struct {
	regular, bold []byte
	fonts         map[bool]*opentype.Font
	measure       map[bool]font.Face // at measureSize
}

// measureSize is the size, in pixels, of the faces text is measured with.
const measureSize = 100

func newFontSet() *fontSet {
	fs := &fontSet{regular: goregular.TTF, bold: gobold.TTF, fonts: map[bool]*opentype.Font{}, measure: map[bool]font.Face{}}
	for bold, ttf := range map[bool][]byte{false: fs.regular, true: fs.bold} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		fs.fonts[bold] = f
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: measureSize, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			panic(err)
		}
		fs.measure[bold] = face
	}
	return fs
}

// width returns the width of s, in millimetres.
func (fs *fontSet) width(s string, f fontSpec) float64 {
	adv := font.MeasureString(fs.measure[f.bold], s)
	return fix(adv) / measureSize * f.size * ptMM
}

// capHeight returns the height of capitals above the baseline, in millimetres.
func (fs *fontSet) capHeight(f fontSpec) float64 { return 0.72 * f.size * ptMM }

// lineHeight returns the distance between baselines, in millimetres.
func lineHeight(f fontSpec) float64 { return 1.25 * f.size * ptMM }

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }

// wrap breaks s into lines no wider than w, at spaces (not at no-break
// spaces); a word wider than w gets a line of its own.
func (fs *fontSet) wrap(s string, f fontSpec, w float64) []string {
	var lines []string
	line := ""
	for _, word := range splitSpaces(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && fs.width(try, f) > w {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func splitSpaces(s string) []string {
	var out []string
	word := []rune{}
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' {
			if len(word) > 0 {
				out = append(out, string(word))
				word = word[:0]
			}
			continue
		}
		word = append(word, r)
	}
	if len(word) > 0 {
		out = append(out, string(word))
	}
	return out
}

// ellipsis shortens s with "…" until it fits in w.
func (fs *fontSet) ellipsis(s string, f fontSpec, w float64) string {
	if fs.width(s, f) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; fs.width(t, f) <= w {
			return t
		}
	}
	return "…"
}

// circlePts returns a circle as a closed outline.
func circlePts(c pt, r float64) []pt {
	n := 48
	out := make([]pt, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return out
}

func rectPts(r rect) []pt {
	return []pt{{r.x, r.y}, {r.right(), r.y}, {r.right(), r.bottom()}, {r.x, r.bottom()}}
}

var (
	transparent = color.NRGBA{}
	black       = color.NRGBA{0x1a, 0x1a, 0x1a, 0xff}
	inkGrey     = color.NRGBA{0x55, 0x55, 0x55, 0xff}
	frameGrey   = color.NRGBA{0x33, 0x33, 0x33, 0xff}
	ruleGrey    = color.NRGBA{0xb0, 0xb0, 0xb0, 0xff}
	white       = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	// boxWhite is the veil under what is written on the map.
	boxWhite = color.NRGBA{0xff, 0xff, 0xff, 0xd9}
	// paperMap is the map's ground where nothing is drawn, as on screen.
	paperMap = color.NRGBA{0xf4, 0xf2, 0xee, 0xff}
)
