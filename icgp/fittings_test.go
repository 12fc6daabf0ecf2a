package icgp

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/server/demo"
)

// TestFittingsDetail checks what the fittings item says: the kinds located,
// counted, and those the data lack named as such («aucune ventouse ni
// vidange localisée»), not «0 ventouse, 0 vidange».
func TestFittingsDetail(t *testing.T) {
	for _, c := range []struct {
		codes  []string // fnappaep of the fittings added
		detail string
		points int
	}{
		{[]string{"03", "03"}, "2 vannes ; aucune ventouse ni vidange localisée, aucun point d'eau incendie", 10},
		{[]string{"03", "02"}, "1 vanne, 1 ventouse ; aucune vidange localisée, aucun point d'eau incendie", 10},
		{[]string{"03", "02", "04", "04"}, "1 vanne, 1 ventouse, 2 vidanges ; aucun point d'eau incendie", 10},
		{nil, "aucune vanne, ventouse ni vidange localisée, aucun point d'eau incendie", 0},
	} {
		n := newTestNet(t)
		n.pipe(demo.LayerCanalAEP, 1000, true, true, true)
		for i, code := range c.codes {
			n.add(demo.LayerApparAEP, orb.Point{corner[0] + 300 + float64(i)*10, corner[1] + 300}, map[string]any{"idappareil": "A", "fnappaep": code})
		}
		if got := item(t, n.compute().Water, ItemFittings); got.Detail != c.detail || got.Points != c.points || got.Measured {
			t.Errorf("%v: %q, %d points; want %q, %d", c.codes, got.Detail, got.Points, c.detail, c.points)
		}
	}
}
