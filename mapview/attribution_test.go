package mapview

import (
	"context"
	"image"
	"slices"
	"testing"

	"github.com/paulmach/orb/maptile"

	"terrimap/mapview/tiles"
)

// credited is a tile source that has only an attribution.
type credited string

func (c credited) Info() tiles.Info { return tiles.Info{Name: "c", Attribution: string(c)} }
func (c credited) Tile(context.Context, maptile.Tile) (image.Image, error) {
	return nil, tiles.ErrNoTile
}

func TestCredits(t *testing.T) {
	for _, c := range []struct {
		name    string
		data    []string
		sources []tiles.Source
		want    []string
	}{
		{"nothing", nil, nil, nil},
		{"a basemap alone", nil, []tiles.Source{credited(tiles.AttributionOSM)}, []string{tiles.AttributionOSM}},
		{"no basemap", []string{"Communes : IGN"}, []tiles.Source{nil}, []string{"Communes : IGN"}},
		{"data first, each once", []string{"Communes : IGN", " ", "communes : ign"},
			[]tiles.Source{credited("© IGN – Géoplateforme"), credited(""), credited("© IGN – Géoplateforme")},
			[]string{"Communes : IGN", "© IGN – Géoplateforme"}},
	} {
		if got := Credits(c.data, c.sources...); !slices.Equal(got, c.want) {
			t.Errorf("%s: Credits = %q, want %q", c.name, got, c.want)
		}
	}
}
