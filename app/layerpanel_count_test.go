package app

import (
	"strings"
	"testing"
)

// The layer list writes each layer's count with its thousands grouped as
// the user's language does: «8 785» in French (no-break space), not
// «8785», like the import's and the sync panel's counts.
func TestLayerPanelCountGroupsDigits(t *testing.T) {
	v, q := openDemoTournus(t)
	p := v.layers
	q.runUntil(t, func() bool { return len(p.rows) > 0 })
	for _, r := range p.rows {
		if n := p.counts[r.name]; n >= 1000 {
			it := newLayerItem()
			p.updateItem(r, it)
			if it.count.Text != groupDigits(n) || !strings.Contains(it.count.Text, "\u00a0") {
				t.Errorf("%s: count %q, want %q", r.name, it.count.Text, groupDigits(n))
			}
			return
		}
	}
	t.Fatalf("no layer of 1,000 features or more in the demo: %v", p.counts)
}
