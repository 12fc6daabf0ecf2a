package demoseed

import (
	"errors"
	"slices"
	"testing"

	"terrimap/sync/server"
)

// Each standard publishes its layers as the README says — the DT-DICT
// settings edited by admins, the register and the ICGP checklist by
// editors; the name in any case; an unknown name is told apart.
func TestStandard(t *testing.T) {
	if got := StandardNames(); !slices.Equal(got, []string{"dtdict", "icgp"}) {
		t.Errorf("StandardNames() = %v", got)
	}
	for _, c := range []struct {
		name string
		want map[string]server.EditRight
	}{
		{"dtdict", map[string]server.EditRight{"dtdict_ouvrages": server.EditByAdmins, "dtdict": server.EditByEditors}},
		{"ICGP", map[string]server.EditRight{"icgp_declarations": server.EditByEditors}},
	} {
		recs, err := Standard(c.name)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := map[string]server.EditRight{}
		for _, r := range recs {
			got[r.Schema.Name] = r.EditBy
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: layers %v, want %v", c.name, got, c.want)
		}
		for name, by := range c.want {
			if got[name] != by {
				t.Errorf("%s: %s edited by %q, want %q", c.name, name, got[name], by)
			}
		}
	}
	if _, err := Standard("gaz"); !errors.Is(err, ErrUnknownStandard) {
		t.Errorf("Standard(gaz): %v, want ErrUnknownStandard", err)
	}
}
