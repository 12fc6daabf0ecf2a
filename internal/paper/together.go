package paper

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unitWords are the units (and counted durations) a number keeps on its
// line: «1,50 m», «15 jours».
var unitWords = map[string]bool{
	"m": true, "cm": true, "mm": true, "km": true, "m²": true, "m³": true, "m2": true, "km²": true, "ha": true,
	"mètre": true, "mètres": true, "kilomètre": true, "kilomètres": true, "centimètres": true,
	"h": true, "min": true, "heures": true, "heure": true, "jour": true, "jours": true, "semaine": true, "semaines": true,
	"mois": true, "an": true, "ans": true, "kg": true, "bar": true, "bars": true, "Mo": true, "ko": true,
}

// KeepTogether puts no-break spaces (NBSP) where French text must not
// break across lines: between a number and its unit («1,50 m», «3 200 m²»,
// «15 jours», «10 %»), between the groups of a number or a phone number
// («03 85 27 00 20»), after «n°» and «Ø», after «« » and before «:», «;»,
// «!», «?» and «»». Other spaces are left as they are; the text wraps
// (Fonts.Wrap, Flow) only at plain spaces.
func KeepTogether(s string) string {
	if !strings.Contains(s, " ") || !utf8.ValidString(s) {
		return s // nothing to do, or bytes that are not text: left as they are
	}
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && keptTogether(r[:i], r[i+1:]) {
			b.WriteString(NBSP)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// keptTogether tells whether the space between before and after must not
// break.
func keptTogether(before, after []rune) bool {
	p, n := before[len(before)-1], after[0]
	switch {
	case strings.ContainsRune(":;!?»", n) || p == '«':
		return true
	case p == 'Ø' || (p == '°' && len(before) > 1 && before[len(before)-2] == 'n'):
		return unicode.IsDigit(n)
	case !unicode.IsDigit(p):
		return false
	case unicode.IsDigit(n) || n == '%' || n == '°' || n == '€':
		return true
	}
	end := 0
	for end < len(after) && (unicode.IsLetter(after[end]) || after[end] == '²' || after[end] == '³') {
		end++
	}
	if end < len(after) && unicode.IsDigit(after[end]) {
		end++ // «m2»
	}
	return unitWords[string(after[:end])]
}
