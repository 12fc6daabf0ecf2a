package icgp

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
	"terrimap/store"
)

// demoWorkspace opens the whole demo territory, made once in the temp dir.
func demoWorkspace(t testing.TB) *store.Workspace {
	t.Helper()
	return demows.Open(t, "ccmt", orb.Bound{})
}

// TestDemoTournus scores the demo's Tournus: its gaps put material and
// diameter above 90 %, its dates between 60 and 80 %, and its declared
// update procedure opens the gates.
func TestDemoTournus(t *testing.T) {
	ws := demoWorkspace(t)
	rep, err := Compute(context.Background(), ws, Options{INSEE: "71543", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Score{rep.Water, rep.Sewer} {
		t.Logf("%s %s: %d points, %.0f m, descriptif %v", s.Indicator, s.Service, s.Total, s.Length, s.DescriptifDetaille)
		for _, it := range s.Items {
			t.Logf("  %-18s %2d/%2d gated=%v %5.1f %% %s %s %s", it.Code, it.Points, it.Max, it.Gated, it.Percent, it.Detail, it.DeclaredBy, it.DeclaredOn.Format("2006-01-02"))
		}
		for _, b := range s.Blockers {
			t.Logf("  blocker %s: %s (gain %d, %d tronçons)", b.Item, b.Message, b.Gain, len(b.Features))
		}
	}
	t.Logf("renewal water %+v", rep.RenewalWater)
	t.Logf("renewal sewer %+v", rep.RenewalSewer)
	if rep.Water.Total < 40 || !rep.Water.DescriptifDetaille {
		t.Errorf("Tournus water: %d points", rep.Water.Total)
	}
	if rep.RenewalWater.Rate <= 0 || rep.RenewalWater.Rate > 3 {
		t.Errorf("Tournus water renewal rate %.2f %%", rep.RenewalWater.Rate)
	}
}

// TestDemoIntercommunality scores the whole demo: 20 of the 24 communes
// have declared their plan's update procedure, so the intercommunality
// has not, and the blocker names the four others and what the
// declaration would unlock.
func TestDemoIntercommunality(t *testing.T) {
	ws := demoWorkspace(t)
	rep, err := Compute(context.Background(), ws, Options{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Water
	it := item(t, s, ItemUpdateProcedure)
	b := s.Blockers[0]
	t.Logf("%s: %d points; %s; first blocker %q (gain %d)", s.Indicator, s.Total, it.Detail, b.Message, b.Gain)
	if s.Total != 10 || it.Points != 0 || b.Item != ItemUpdateProcedure || len(b.Communes) == 0 || b.Gain <= 5 ||
		!strings.Contains(b.Message, "à déclarer : "+b.Communes[0]) || !strings.Contains(b.Message, "débloque") {
		t.Errorf("intercommunality: %d points, %+v, first blocker %+v", s.Total, it, b)
	}
	// The communes to declare in the order of their names, as a reader
	// looks for his own (the annex said «…, Viré, Fleurville»).
	if want := []string{"Chardonnay", "Fleurville", "Martailly-lès-Brancion", "Viré"}; !slices.Equal(b.Communes, want) {
		t.Errorf("communes to declare %q, want %q", b.Communes, want)
	}
	for _, other := range s.Blockers[1:] {
		if other.Gain == 0 && !strings.Contains(other.Message, "ne comptera") {
			t.Errorf("a blocker that gains nothing yet does not say why: %q", other.Message)
		}
	}
}
