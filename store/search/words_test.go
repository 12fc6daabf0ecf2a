package search

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Mairie de Tournus", []string{"mairie", "de", "tournus"}},
		{"ÉGLISE Saint-Valérien", []string{"eglise", "saint", "valerien"}},
		{"l'école", []string{"l", "ecole"}},
		{"l’Œuvre", []string{"l", "oeuvre"}},
		{"St-Gengoux-le-National", []string{"saint", "gengoux", "le", "national"}},
		{"Ste Cécile", []string{"sainte", "cecile"}},
		{"PI-71543-012", []string{"pi", "71543", "012"}},
		{"  ", nil},
		{"", nil},
	} {
		if got := Words(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQueryWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"mairie de tournus", []string{"mairie", "tournus"}},
		{"Mairie  mairie", []string{"mairie"}},
		{"rue de l'église", []string{"rue", "eglise"}},
		{"de la", []string{"de", "la"}}, // nothing but stop words: kept
		{"", nil},
	} {
		if got := queryWords(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("queryWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQuality(t *testing.T) {
	for _, tc := range []struct {
		q, w string
		want int
	}{
		{"tournus", "tournus", whole},
		{"tourn", "tournus", prefix},
		{"nus", "tournus", inside},
		{"us", "tournus", noMatch}, // too short to match inside a word
		{"tournuse", "tournus", noMatch},
	} {
		if got := quality(tc.q, tc.w); got != tc.want {
			t.Errorf("quality(%q, %q) = %d, want %d", tc.q, tc.w, got, tc.want)
		}
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"Mairie de Tournus", "l’Œuvre", "St-Gengoux", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Words(s) {
			if w == "" {
				t.Fatalf("Words(%q) holds an empty word", s)
			}
			if again := Words(w); len(again) != 1 || again[0] != w {
				t.Fatalf("Words(%q) gives %q, which splits again into %q", s, w, again)
			}
		}
	})
}
