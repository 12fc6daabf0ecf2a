package store

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldReference is Fold as it was written first, by whole-text
// normalization: the fast Fold must give the same text.
func foldReference(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae").Replace(out))
}

var foldCases = []string{
	"", "Église", "MÂCON", "rue de l'Église", "Cœur ŒUVRE Æther", "Fontaine; « place »", "m³/h", "n° 10",
	"e\u0301glise", "ÇA ÿ Ÿ ß ẞ İ ı", "한국어", "Ǆ ǅ", "ﬁ", "\xff\xfeabc", "Ｅｇｌｉｓｅ", "Å Ω K",
}

// Fold lower-cases and drops accents as the reference does, ligatures
// œ and æ written out.
func TestFold(t *testing.T) {
	for _, s := range foldCases {
		if got, want := Fold(s), foldReference(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
	if got := Fold("Cœur de l'Église de Mâcon"); got != "coeur de l'eglise de macon" {
		t.Errorf("Fold = %q", got)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range foldCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldReference(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Fold("CPT-0000123\\n12 rue de l'Église\\nEn service\\n15/06/2020\\n1234,5")
	}
}
