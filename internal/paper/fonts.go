package paper

import (
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Font is a text size in points, regular or bold.
type Font struct {
	Size float64
	Bold bool
}

// PtMM is a typographic point in millimetres.
const PtMM = MMPerInch / 72

// MMPerInch is an inch in millimetres.
const MMPerInch = 25.4

// Fonts holds the Go fonts, which cover French, and measures text with
// them the same way for every surface. Not safe for concurrent use: one
// per page being drawn.
type Fonts struct {
	regular, bold []byte
	parsed        map[bool]*opentype.Font
	measure       map[bool]font.Face // at measureSize
}

// measureSize is the size, in pixels, of the faces text is measured with.
const measureSize = 100

// NewFonts parses the embedded Go fonts.
func NewFonts() *Fonts {
	fs := &Fonts{regular: goregular.TTF, bold: gobold.TTF, parsed: map[bool]*opentype.Font{}, measure: map[bool]font.Face{}}
	for bold, ttf := range map[bool][]byte{false: fs.regular, true: fs.bold} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		fs.parsed[bold] = f
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: measureSize, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			panic(err)
		}
		fs.measure[bold] = face
	}
	return fs
}

// Width returns the width of s, in millimetres.
func (fs *Fonts) Width(s string, f Font) float64 {
	adv := font.MeasureString(fs.measure[f.Bold], s)
	return fix(adv) / measureSize * f.Size * PtMM
}

// CapHeight returns the height of capitals above the baseline, in millimetres.
func (fs *Fonts) CapHeight(f Font) float64 { return 0.72 * f.Size * PtMM }

// LineHeight returns the distance between baselines, in millimetres.
func LineHeight(f Font) float64 { return 1.25 * f.Size * PtMM }

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }

// Wrap breaks s into lines no wider than w millimetres: at spaces, line
// feeds and tabs (never at no-break spaces); a word wider than w is cut
// after a hyphen that leaves a fitting piece, else where it must. Blank s
// gives no line.
func (fs *Fonts) Wrap(s string, f Font, w float64) []string {
	fits := func(t string) bool { return fs.Width(t, f) <= w }
	var lines []string
	line := ""
	for _, word := range splitSpaces(s) {
		if line != "" && fits(line+" "+word) {
			line += " " + word
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for word != "" && !fits(word) {
			cut := fs.cut([]rune(word), fits)
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		line = word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// cut returns the byte length of the longest head of rs that fits: ending
// with a hyphen if one does, else any; one rune at least. A head's width
// grows with it, so the longest that fits is found by halving: a word of
// thousands of letters (outside input) is cut in a few measures, not one
// per letter.
func (fs *Fonts) cut(rs []rune, fits func(string) bool) int {
	best := 1
	for lo, hi := 2, len(rs)-1; lo <= hi; {
		mid := (lo + hi) / 2
		if fits(string(rs[:mid])) {
			best, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	for i := best; i > 1; i-- {
		if rs[i-1] == '-' {
			return len(string(rs[:i]))
		}
	}
	return len(string(rs[:best]))
}

func splitSpaces(s string) []string {
	var out []string
	word := []rune{}
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
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

// Ellipsis shortens s with "…" until it fits in w millimetres.
func (fs *Fonts) Ellipsis(s string, f Font, w float64) string {
	if fs.Width(s, f) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; fs.Width(t, f) <= w {
			return t
		}
	}
	return "…"
}
