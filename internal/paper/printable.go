package paper

import (
	"strings"
	"unicode"
)

// Printable makes text safe for the embedded font: control characters
// become spaces, and characters beyond the Basic Multilingual Plane (an
// emoji typed in a title), which the font cannot hold and on which the PDF
// writer panics, a question mark. The surfaces pass every text through it.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r > 0xffff || r == unicode.ReplacementChar:
			return '?'
		}
		return r
	}, s)
}
