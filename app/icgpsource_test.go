package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"

	"terrimap/icgp"
)

// How an item is known, as the ICGP window says it: for the whole
// intercommunality a declared item is the communes' together (it counts
// only when every commune declared it), never one secretary's; an item
// measured by length gives its share. The wanted sentences go through
// lang.L as the window's do, so that the test holds in French and English.
func TestICGPItemSource(t *testing.T) {
	measured := lang.L("Measured in the data: {{.Detail}}", map[string]any{"Detail": lang.L("{{.Percent}} % of the length", map[string]any{"Percent": "78,3"}) + " — 53,5 km sur 68,4 km"})
	on := time.Date(2025, 4, 28, 0, 0, 0, 0, time.UTC)
	declared := icgp.Item{Points: 5, Max: 5, DeclaredBy: "M. Durand", DeclaredOn: on}
	for _, c := range []struct {
		name    string
		item    icgp.Item
		whole   bool
		want    string
		wantNot string
	}{
		{"a commune's declared item", declared, false, lang.L("Declared by {{.By}} on {{.On}}", map[string]any{"By": "M. Durand", "On": "28/04/2025"}), ""},
		{"the whole, every commune declared", declared, true, lang.L("Declared by every commune"), "Durand"},
		{"the whole, some communes did not", icgp.Item{Points: 0, Max: 5, Detail: "déclaré par 20 communes sur 24"}, true, "Déclaré par 20 communes sur 24", ""},
		{"the whole, no count given", icgp.Item{Points: 0, Max: 5, DeclaredBy: "M. Durand", DeclaredOn: on}, true, lang.L("Not declared by every commune: «What blocks the next point» names those still to declare"), "Durand"},
		{"a commune, nobody declared", icgp.Item{Max: 5}, false, lang.L("Not declared"), ""},
		{"measured by length", icgp.Item{Computed: true, Measured: true, Percent: 78.25, Detail: "53,5 km sur 68,4 km", Points: 12, Max: 15}, false, measured, ""},
		{"measured, not by length", icgp.Item{Computed: true, Detail: "474 vannes", Points: 10, Max: 10}, true, lang.L("Measured in the data: {{.Detail}}", map[string]any{"Detail": "474 vannes"}), "%"},
	} {
		got := itemSource(c.item, c.whole)
		if got != c.want || c.wantNot != "" && strings.Contains(got, c.wantNot) {
			t.Errorf("%s: %q, want %q (without %q)", c.name, got, c.want, c.wantNot)
		}
	}
}
