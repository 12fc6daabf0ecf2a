package paper

import (
	"strings"
	"testing"
)

// cutByLetter is cut as it was, trying every head from the longest: the
// reference the halving must agree with.
func cutByLetter(fs *Fonts, rs []rune, fits func(string) bool) int {
	for i := len(rs) - 1; i > 1; i-- {
		if rs[i-1] == '-' && fits(string(rs[:i])) {
			return len(string(rs[:i]))
		}
	}
	for i := len(rs) - 1; i > 0; i-- {
		if fits(string(rs[:i])) {
			return len(string(rs[:i]))
		}
	}
	return len(string(rs[:1]))
}

func TestCutAgreesWithTryingEveryHead(t *testing.T) {
	fs := NewFonts()
	f := Font{Size: 8.5}
	words := []string{
		"anticonstitutionnellement", "Saône-et-Loire-Nord-Est", "-préfixe", "a", "ab", "éèêëàâîïôöûüç",
		"W" + strings.Repeat("i", 60) + "-" + strings.Repeat("M", 30), "x-y-z-" + strings.Repeat("m", 200),
	}
	for _, w := range words {
		rs := []rune(w)
		for width := 0.5; width < 80; width *= 1.3 {
			fits := func(s string) bool { return fs.Width(s, f) <= width }
			if got, want := fs.cut(rs, fits), cutByLetter(fs, rs, fits); got != want {
				t.Errorf("cut(%q) in %.1f mm = %q, trying every head gives %q", w, width, w[:got], w[:want])
			}
		}
	}
}

// BenchmarkWrapLongWord wraps a word of 5 000 letters (a description
// without spaces, from outside) in a column of 120 mm.
func BenchmarkWrapLongWord(b *testing.B) {
	fs := NewFonts()
	word := strings.Repeat("x", 5000)
	b.ReportAllocs()
	for b.Loop() {
		if len(fs.Wrap(word, Font{Size: 8.5}, 120)) == 0 {
			b.Fatal("no line")
		}
	}
}
