package paper

import (
	"strings"
	"testing"
)

func TestKeepTogether(t *testing.T) {
	n := NBSP
	for _, tc := range []struct{ in, want string }{
		{"classe B, jusqu'à 1,50 m ; classe C", "classe B, jusqu'à 1,50" + n + "m" + n + "; classe C"},
		{"à moins de 40 cm ou 0,5 m", "à moins de 40" + n + "cm ou 0,5" + n + "m"},
		{"une zone de 3 200 m² sur 2 km", "une zone de 3" + n + "200" + n + "m² sur 2" + n + "km"},
		{"durée 15 jours, 3 mois", "durée 15" + n + "jours, 3" + n + "mois"},
		{"Ø 300 mm, n° 14435", "Ø" + n + "300" + n + "mm, n°" + n + "14435"},
		{"Appelez le 03 85 27 00 20", "Appelez le 03" + n + "85" + n + "27" + n + "00" + n + "20"},
		{"Concerné : oui ; « Tournus » ?", "Concerné" + n + ": oui" + n + "; «" + n + "Tournus" + n + "»" + n + "?"},
		// Not units: a word that begins with a unit's letters, a number and a word.
		{"2 maisons, 5 mètres, 12 rue du Midi, 1 / 1", "2 maisons, 5" + n + "mètres, 12 rue du Midi, 1 / 1"},
		{"http://x.fr, 1:500, 10 % et 2 h", "http://x.fr, 1:500, 10" + n + "% et 2" + n + "h"},
		{"", ""},
	} {
		if got := KeepTogether(tc.in); got != tc.want {
			t.Errorf("KeepTogether(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// KeepTogether only turns plain spaces into no-break spaces: the text is
// otherwise the same, whatever it holds.
func FuzzKeepTogether(f *testing.F) {
	for _, s := range []string{"jusqu'à 1,50 m ; classe C", "n° 14435", "« Tournus » ?", "3 200 m²", " 5 ", "\xff 1 m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := KeepTogether(s)
		if strings.ReplaceAll(got, NBSP, " ") != strings.ReplaceAll(s, NBSP, " ") {
			t.Errorf("KeepTogether(%q) = %q: more than spaces changed", s, got)
		}
		if KeepTogether(got) != got {
			t.Errorf("KeepTogether(%q) = %q, then %q", s, got, KeepTogether(got))
		}
	})
}
