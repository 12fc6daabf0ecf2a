package demo

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestStreetsFollowTheMains checks the generated streets: each is named,
// typed, and runs where water mains run (the mains are laid under the
// streets), so that the plan and the networks agree.
func TestStreetsFollowTheMains(t *testing.T) {
	g := atScale1(t)
	mains := map[orb.Point]bool{}
	for i, f := range g.features {
		if g.layers[i] != LayerCanalAEP || f.Properties["branchemnt"] != "N" {
			continue
		}
		for _, p := range f.Geometry.(orb.LineString) {
			mains[p] = true
		}
	}
	streets := 0
	for i, f := range g.features {
		if g.layers[i] != LayerVoies {
			continue
		}
		streets++
		if f.Properties["nom"] == "" || f.Properties["type_voie"] == nil {
			t.Errorf("street %s without name or type: %v", f.ID, f.Properties)
		}
		for _, p := range f.Geometry.(orb.LineString) {
			if !mains[p] {
				t.Fatalf("street %s (%v) runs at %v, where no water main runs", f.ID, f.Properties["nom"], p)
			}
		}
	}
	if streets == 0 {
		t.Fatal("no street generated")
	}
}
