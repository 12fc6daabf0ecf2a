package icgp

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/server/demo"
)

// TestRenewalRate checks P107.2 and P253.2 to the metre: the length of the
// tronçons renewed (remplacement) or rehabilitated over N-4..N, finished,
// service connections excluded, a tronçon renewed twice counted twice, the
// yearly mean over the network's length.
func TestRenewalRate(t *testing.T) {
	n := newTestNet(t)
	a := n.pipe(demo.LayerCanalAEP, 5000, true, true, true)
	b := n.pipe(demo.LayerCanalAEP, 3000, true, true, true)
	c := n.pipe(demo.LayerCanalAEP, 1000, true, true, true)
	d := n.pipe(demo.LayerCanalAEP, 1000, true, true, true)
	conn := n.add(demo.LayerCanalAEP, orb.LineString{{corner[0] + 100, corner[1] + 9500}, {corner[0] + 120, corner[1] + 9500}},
		map[string]any{"idcana": "BR1", "branchemnt": "O"})
	sa := n.pipe(demo.LayerCanalAss, 1000, true, true, true)
	n.pipe(demo.LayerCanalAss, 1000, true, true, true)
	for _, iv := range []struct {
		pipe          store.Feature
		layer         string
		day, typ, how string
	}{
		{b, demo.LayerCanalAEP, "2022-01-01", "remplacement", "terminee"},    // N-4: counted
		{c, demo.LayerCanalAEP, "2026-12-31", "rehabilitation", "terminee"},  // N: counted
		{c, demo.LayerCanalAEP, "2024-06-01", "remplacement", "terminee"},    // the same tronçon again: counted
		{d, demo.LayerCanalAEP, "2021-12-31", "remplacement", "terminee"},    // N-5: not
		{a, demo.LayerCanalAEP, "2025-05-01", "reparation", "terminee"},      // a repair: not
		{a, demo.LayerCanalAEP, "2025-05-01", "remplacement", "planifiee"},   // not done: not
		{conn, demo.LayerCanalAEP, "2024-01-01", "remplacement", "terminee"}, // a service connection: not
		{sa, demo.LayerCanalAss, "2023-03-01", "rehabilitation", "terminee"},
	} {
		n.add(demo.LayerInterventions, orb.Point{corner[0] + 200, corner[1] + 200}, map[string]any{
			"equipement_uuid": iv.pipe.UUID, "equipement_couche": iv.layer, "date": iv.day, "type": iv.typ, "statut": iv.how})
	}
	rep := n.compute()
	for _, c := range []struct {
		name                      string
		got                       Renewal
		renewed, length, rate     float64
		interventions, from, upTo int
	}{
		{"P107.2", rep.RenewalWater, 5000, 10000, 10, 3, 2022, 2026},
		{"P253.2", rep.RenewalSewer, 1000, 2000, 10, 1, 2022, 2026},
	} {
		g := c.got
		if math.Abs(g.Renewed-c.renewed) > 1e-3 || math.Abs(g.NetworkLength-c.length) > 1e-3 || math.Abs(g.Rate-c.rate) > 1e-6 ||
			g.Interventions != c.interventions || g.FromYear != c.from || g.ToYear != c.upTo {
			t.Errorf("%s: %+v, want %.0f m renewed of %.0f m = %.1f %% a year (%d interventions, %d–%d)",
				c.name, g, c.renewed, c.length, c.rate, c.interventions, c.from, c.upTo)
		}
	}
}
