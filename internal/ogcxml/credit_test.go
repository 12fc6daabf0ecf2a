package ogcxml

import "testing"

// One rule for every service's credit: who, then short conditions of use
// that say something.
func TestCredit(t *testing.T) {
	for _, c := range []struct{ who, terms, want string }{
		{"IGN", "Licence Ouverte 2.0", "IGN, Licence Ouverte 2.0"},
		{"© SDIS 71", "etalab-2.0", "© SDIS 71, etalab-2.0"},
		{"IGN", "NONE", "IGN"},
		{"IGN", "aucune.", "IGN"},
		{"© OpenStreetMap (ODbL)", "ODbL", "© OpenStreetMap (ODbL)"},
		{"", "Licence Ouverte", "Licence Ouverte"},
		{"Mairie", string(make([]byte, 121)), "Mairie"},
		{"", "", ""},
	} {
		if got := Credit(c.who, c.terms); got != c.want {
			t.Errorf("Credit(%q, %q) = %q, want %q", c.who, c.terms, got, c.want)
		}
	}
}
