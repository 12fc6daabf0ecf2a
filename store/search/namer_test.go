package search

import (
	"context"
	"slices"
	"testing"

	"terrimap/store"
	"terrimap/store/schema"
)

// An index made with a Namer names its results by it; a feature the namer
// leaves unnamed keeps its DisplayName, and the search still finds features
// by their own words.
func TestNamerNamesResults(t *testing.T) {
	ix := NewNamed(smallWorkspace(t), func(l schema.Layer, f store.Feature) string {
		if l.Name != "pei" {
			return ""
		}
		return "Poteau n° " + f.Properties["id_sdis"].(string)[9:]
	})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"71543-012", []string{"Poteau n° 012 @Tournus"}},
		{"poteau lacrost", []string{"Poteau n° 003 @Lacrost"}},
		{"mairie tournus", []string{"Mairie de Tournus @Tournus"}},
	} {
		f, err := ix.Search(context.Background(), Query{Text: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(f); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
}
