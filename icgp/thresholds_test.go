package icgp

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/server/demo"
)

// TestThresholds builds networks of 1,000 m whose known share is chosen,
// for each length-measured item of both services, and checks the points
// at each edge of the arrêté's scale.
func TestThresholds(t *testing.T) {
	cases := []struct {
		known  float64 // metres out of 1,000
		points int
	}{{499, 0}, {500, 10}, {599, 10}, {600, 11}, {699, 11}, {700, 12}, {799, 12}, {800, 13}, {899, 13}, {900, 14}, {949, 14}, {950, 15}, {1000, 15}, {0, 0}}
	items := []struct {
		service, layer, item string
	}{
		{Water, demo.LayerCanalAEP, ItemMaterialDiameter},
		{Water, demo.LayerCanalAEP, ItemLayingDate},
		{Sewer, demo.LayerCanalAss, ItemMaterialDiameter},
		{Sewer, demo.LayerCanalAss, ItemLayingDate},
		{Sewer, demo.LayerCanalAss, ItemAltimetry},
	}
	for _, it := range items {
		for _, c := range cases {
			n := newTestNet(t)
			for _, part := range []struct {
				length float64
				known  bool
			}{{c.known, true}, {1000 - c.known, false}} {
				if part.length == 0 {
					continue
				}
				n.pipe(it.layer, part.length, it.item != ItemMaterialDiameter || part.known, it.item != ItemLayingDate || part.known, it.item != ItemAltimetry || part.known)
			}
			rep := n.compute()
			s := rep.Water
			if it.service == Sewer {
				s = rep.Sewer
			}
			got := item(t, s, it.item)
			if got.Points != c.points || !got.Measured || abs(got.Percent-c.known/10) > 1e-6 || abs(s.Length-1000) > 1e-3 {
				t.Errorf("%s %s at %.1f %%: %d points (%.6f %% of %.4f m), want %d", it.service, it.item, c.known/10, got.Points, got.Percent, s.Length, c.points)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestGates checks the 15-point gate (the inventory counts only with the
// whole plan) and the 40-point gate (part C only with a descriptif
// détaillé), for both services.
func TestGates(t *testing.T) {
	for _, sv := range []struct{ service, layer string }{{Water, demo.LayerCanalAEP}, {Sewer, demo.LayerCanalAss}} {
		score := func(n *testNet) *Score {
			if sv.service == Water {
				return n.compute().Water
			}
			return n.compute().Sewer
		}
		// Everything known, the pump inventory declared, no update procedure.
		n := newTestNet(t)
		n.plan(sv.service)
		n.pipe(sv.layer, 1000, true, true, true)
		n.declare(sv.service, ItemPumps, true)
		s := score(n)
		if s.Total != 10 || !item(t, s, ItemMaterialDiameter).Gated || !item(t, s, ItemPumps).Gated || s.DescriptifDetaille ||
			s.PlanPoints() != 10 || s.PlanAndInventoryPoints() != 10 {
			t.Errorf("%s without the procedure: %d points, want the plan's 10 only: %+v", sv.service, s.Total, s.Items)
		}
		if b := s.Blockers[0]; b.Item != ItemUpdateProcedure || b.Gain <= 5 {
			t.Errorf("%s: first blocker %+v, want the update procedure opening the gates", sv.service, b)
		}
		// With the procedure: 15 + 15 + 15 ≥ 40, part C counts.
		n.declare(sv.service, ItemUpdateProcedure, true)
		s = score(n)
		if !s.DescriptifDetaille || item(t, s, ItemPumps).Gated || item(t, s, ItemMaterialDiameter).Gated {
			t.Errorf("%s with the procedure: %d points, %+v", sv.service, s.Total, s.Items)
		}
		if it := item(t, s, ItemUpdateProcedure); it.DeclaredBy != "test" || it.DeclaredOn.IsZero() || it.Computed {
			t.Errorf("%s: declared item %+v", sv.service, it)
		}
		// A later declaration withdraws it: the gate closes again.
		n.declare(sv.service, ItemUpdateProcedure, false)
		if s = score(n); s.Total != 10 {
			t.Errorf("%s after withdrawing the procedure: %d points", sv.service, s.Total)
		}
	}
	// 39 points: plan 15 + materials 14 (90 %) + dates 10 (50 %) < 40,
	// part C does not count; one more point of dates (60 %) opens it.
	for _, c := range []struct {
		lastDated  bool
		descriptif bool
		total      int
	}{{false, false, 39}, {true, true, 40 + 10}} {
		n := newTestNet(t)
		n.plan(Water)
		n.declare(Water, ItemUpdateProcedure, true)
		n.declare(Water, ItemPumps, true)
		n.pipe(demo.LayerCanalAEP, 500, true, true, true)
		n.pipe(demo.LayerCanalAEP, 400, true, false, true)
		n.pipe(demo.LayerCanalAEP, 100, false, c.lastDated, true)
		s := n.compute().Water
		if s.Total != c.total || s.DescriptifDetaille != c.descriptif || item(t, s, ItemPumps).Gated == c.descriptif ||
			s.PlanAndInventoryPoints() != min(c.total, 40) {
			t.Errorf("dates on 60 %% %v: %d points, descriptif %v; want %d, %v", c.lastDated, s.Total, s.DescriptifDetaille, c.total, c.descriptif)
		}
	}
}

// TestBlockerMessage checks «what blocks the next point» on a network of
// 10 km of which 4.5 km have material and diameter.
func TestBlockerMessage(t *testing.T) {
	n := newTestNet(t)
	n.plan(Water)
	n.declare(Water, ItemUpdateProcedure, true)
	n.pipe(demo.LayerCanalAEP, 4500, true, true, true)
	short := n.pipe(demo.LayerCanalAEP, 1500, false, true, true)
	long := n.pipe(demo.LayerCanalAEP, 4000, false, true, true)
	s := n.compute().Water
	var b *Blocker
	for i := range s.Blockers {
		if s.Blockers[i].Item == ItemMaterialDiameter {
			b = &s.Blockers[i]
		}
	}
	if b == nil {
		t.Fatalf("no blocker for material and diameter: %+v", s.Blockers)
	}
	if b.Message != "+0,5\u00a0km avec matériau et diamètre → 10 points" || abs(b.MissingLength-500) > 1 {
		t.Errorf("blocker %q, missing %.1f m", b.Message, b.MissingLength)
	}
	if len(b.Features) != 2 || b.Features[0].UUID != long.UUID || b.Features[1].UUID != short.UUID || !strings.HasPrefix(b.Features[0].ID, "T") {
		t.Errorf("features %+v, want the 4 km tronçon then the 1.5 km one", b.Features)
	}
	// 10 points of materials open the 40-point gate (15 + 10 + 15).
	if b.Gain != 10 {
		t.Errorf("gain %d, want 10 (the item's own)", b.Gain)
	}
}

// TestLocationClassShare checks the share of the length whose location
// accuracy class is known: 600 m of 1,000.
func TestLocationClassShare(t *testing.T) {
	n := newTestNet(t)
	n.add(demo.LayerCanalAEP, orb.LineString{{corner[0] + 100, corner[1] + 5000}, {corner[0] + 700, corner[1] + 5000}},
		map[string]any{"idcana": "A", "branchemnt": "N", "materiau": "11", "qualglocxy": "01"})
	n.pipe(demo.LayerCanalAEP, 400, true, true, true)
	if s := n.compute().Water; abs(s.LocationClassPercent-60) > 1e-6 || abs(s.Length-1000) > 1e-3 {
		t.Errorf("location class known on %.6f %% of %.3f m", s.LocationClassPercent, s.Length)
	}
}
