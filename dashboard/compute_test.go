package dashboard

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"terrimap/store/srs"
)

// l93Length measures a line in Lambert-93 the plain way: project the whole
// geometry with srs.Project and take orb's planar length.
func l93Length(t *testing.T, g orb.Geometry) float64 {
	t.Helper()
	p, err := srs.Project(g, srs.WGS84, srs.Lambert93)
	if err != nil {
		t.Fatal(err)
	}
	return planar.Length(p)
}

func pipe(layer string, ls orb.LineString, props map[string]any) feature {
	return feature{layer: layer, geom: ls, props: props}
}

func TestComputeNetworks(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	// In A: a cast-iron main laid 1975, 150 mm, class A; a PVC main of
	// unknown date, diameter 0 (unknown), class C; a service connection.
	// Crossing into B: a long pipe whose midpoint lies in B (most of it
	// east of 4.92), material "00" (unknown), 300 mm, laid 1962–1968.
	castIron := orb.LineString{{4.905, 46.555}, {4.905, 46.560}, {4.910, 46.560}}
	pvc := orb.LineString{{4.912, 46.565}, {4.915, 46.566}}
	conn := orb.LineString{{4.905, 46.560}, {4.9052, 46.5601}}
	crossing := orb.LineString{{4.918, 46.562}, {4.935, 46.562}}
	sewer := orb.LineString{{4.925, 46.551}, {4.925, 46.556}}
	ws := newWorkspace(t, []feature{
		pipe(layerWater, castIron, map[string]any{"idcana": "W1", "materiau": "12", "diametre": 150, "andebpose": 1975, "anfinpose": 1975, "qualglocxy": "01", "branchemnt": "N"}),
		pipe(layerWater, pvc, map[string]any{"idcana": "W2", "materiau": "27", "diametre": 0, "qualglocxy": "03", "branchemnt": "N"}),
		pipe(layerWater, conn, map[string]any{"idcana": "W3", "materiau": "18", "diametre": 25, "branchemnt": "O"}),
		pipe(layerWater, crossing, map[string]any{"idcana": "W4", "materiau": "00", "diametre": 300, "andebpose": 1962, "anfinpose": 1968, "qualglocxy": "02", "branchemnt": "N"}),
		pipe(layerSewer, sewer, map[string]any{"idcana": "S1", "materiau": "06", "diametre": 200, "anfinpose": 2004, "qualglocxy": "02", "branchemnt": "N"}),
	})
	lCast, lPVC, lConn, lCross, lSewer := l93Length(t, castIron), l93Length(t, pvc), l93Length(t, conn), l93Length(t, crossing), l93Length(t, sewer)

	type want struct {
		water, conn, sewer                float64
		material, diameter, decade, place map[string]float64
	}
	cases := []struct {
		insee string
		want  want
	}{
		{"71001", want{
			water: lCast + lPVC, conn: lConn,
			material: map[string]float64{"12": lCast, "27": lPVC},
			diameter: map[string]float64{"150-199": lCast, Unknown: lPVC},
			decade:   map[string]float64{"1970": lCast, Unknown: lPVC},
			place:    map[string]float64{"A": lCast, "C": lPVC},
		}},
		{"71002", want{
			water: lCross, sewer: lSewer,
			material: map[string]float64{Unknown: lCross},
			diameter: map[string]float64{"ge300": lCross},
			decade:   map[string]float64{"1960": lCross},
			place:    map[string]float64{"B": lCross},
		}},
		{"", want{
			water: lCast + lPVC + lCross, conn: lConn, sewer: lSewer,
			material: map[string]float64{"12": lCast, "27": lPVC, Unknown: lCross},
			diameter: map[string]float64{"150-199": lCast, Unknown: lPVC, "ge300": lCross},
			decade:   map[string]float64{"1970": lCast, Unknown: lPVC, "1960": lCross},
			place:    map[string]float64{"A": lCast, "C": lPVC, "B": lCross},
		}},
	}
	for _, c := range cases {
		t.Run("insee="+c.insee, func(t *testing.T) {
			s, err := Compute(context.Background(), ws, c.insee, now)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "water length", s.Water.Length, c.want.water)
			near(t, "connections", s.Water.Connections, c.want.conn)
			near(t, "sewer length", s.Sewer.Length, c.want.sewer)
			sameShares(t, "material", s.Water.ByMaterial, c.want.material)
			sameShares(t, "diameter", s.Water.ByDiameter, c.want.diameter)
			sameShares(t, "decade", s.Water.ByDecade, c.want.decade)
			sameShares(t, "location", s.Water.ByLocation, c.want.place)
			if c.insee != "" && s.Name != "Commune "+c.insee {
				t.Errorf("name %q", s.Name)
			}
		})
	}
}

func TestComputeUnknownCommune(t *testing.T) {
	ws := newWorkspace(t, nil)
	_, err := Compute(context.Background(), ws, "99999", time.Now())
	if !errors.Is(err, ErrUnknownCommune) {
		t.Fatalf("err = %v, want ErrUnknownCommune", err)
	}
}

func TestComputeHydrantsAndInterventions(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	inA := orb.Point{4.91, 46.56}
	inB := orb.Point{4.93, 46.56}
	const (
		h1 = "11111111-1111-4111-8111-111111111111" // A, available, date_ct recent
		h2 = "22222222-2222-4222-8222-222222222222" // A, available, old date_ct, recent control intervention
		h3 = "33333333-3333-4333-8333-333333333333" // A, unavailable, never checked
		h4 = "44444444-4444-4444-8444-444444444444" // A, available, old check; its recent control is only planned
		h5 = "55555555-5555-4555-8555-555555555555" // B, available, checked exactly two years ago
	)
	pei := func(id string, at orb.Point, dispo bool, ct any) feature {
		return feature{layer: layerHydrants, uuid: id, geom: at, props: map[string]any{"insee": "x", "type_rd": "PI", "disponible": dispo, "date_ct": ct}}
	}
	iv := func(equip, couche, date, kind, status string, at orb.Point) feature {
		return feature{layer: layerInterventions, geom: at, props: map[string]any{
			"equipement_uuid": equip, "equipement_couche": couche, "date": date, "type": kind, "statut": status}}
	}
	ws := newWorkspace(t, []feature{
		pei(h1, inA, true, "2026-03-01"),
		pei(h2, inA, true, "2020-05-01"),
		pei(h3, inA, false, nil),
		pei(h4, inA, true, "2023-01-01"),
		pei(h5, inB, true, "2024-12-06"),
		iv(h2, layerHydrants, "2025-06-10", "controle", "terminee", inA),
		iv(h4, layerHydrants, "2026-11-20", "controle", "planifiee", inA),
		iv("x", layerWater, "2026-12-06", "reparation", "terminee", inA),    // today: counted
		iv("x", layerWater, "2026-12-07", "reparation", "terminee", inA),    // tomorrow: not
		iv("x", layerWater, "2026-01-01", "entretien", "en_cours", inA),     // first month
		iv("x", layerWater, "2025-12-31", "entretien", "terminee", inA),     // before the twelve months
		iv("x", layerSewer, "2026-07-14", "curage", "terminee", inB),        // in B
		iv("x", layerWater, "2026-05-05", "remplacement", "planifiee", inA), // planned: not counted
	})
	cases := []struct {
		insee  string
		hyd    Hydrants
		months map[string]int // "2026-01 entretien" → count
		total  int
	}{
		{"71001", Hydrants{Total: 4, Available: 3, Checked: 2, AvailableChecked: 2},
			map[string]int{"2026-12 reparation": 1, "2026-06 controle": 0, "2026-01 entretien": 1}, 2},
		{"71002", Hydrants{Total: 1, Available: 1, Checked: 1, AvailableChecked: 1},
			map[string]int{"2026-07 curage": 1}, 1},
		{"", Hydrants{Total: 5, Available: 4, Checked: 3, AvailableChecked: 3},
			map[string]int{"2026-12 reparation": 1, "2026-01 entretien": 1, "2026-07 curage": 1}, 3},
	}
	for _, c := range cases {
		t.Run("insee="+c.insee, func(t *testing.T) {
			s, err := Compute(context.Background(), ws, c.insee, now)
			if err != nil {
				t.Fatal(err)
			}
			if s.Hydrants != c.hyd {
				t.Errorf("hydrants %+v, want %+v", s.Hydrants, c.hyd)
			}
			iv := s.Interventions
			if len(iv.Months) != 12 || !iv.Months[0].Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !iv.Months[11].Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("months %v", iv.Months)
			}
			if iv.Total != c.total {
				t.Errorf("total %d, want %d", iv.Total, c.total)
			}
			got := map[string]int{}
			for ti, k := range iv.Types {
				for m, n := range iv.Counts[ti] {
					if n > 0 {
						got[iv.Months[m].Format("2006-01")+" "+k.Code] = n
					}
				}
			}
			for k, n := range c.months {
				if got[k] != n {
					t.Errorf("%s: %d, want %d", k, got[k], n)
				}
			}
			sum := 0
			for _, n := range got {
				sum += n
			}
			if sum != c.total {
				t.Errorf("counts add up to %d, want %d (%v)", sum, c.total, got)
			}
		})
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(1, want) {
		t.Errorf("%s = %.6f m, want %.6f m", what, got, want)
	}
}

// sameShares checks a breakdown against the expected lengths: every key
// wanted has its length, every other part is zero, and the parts add up.
func sameShares(t *testing.T, what string, got []Share, want map[string]float64) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range got {
		seen[s.Key] = true
		near(t, what+" "+s.Key, s.Length, want[s.Key])
		if s.Label == "" {
			t.Errorf("%s %s has no label", what, s.Key)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("%s: no part %s", what, k)
		}
	}
}
