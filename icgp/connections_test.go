package icgp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/sync/server/demo"
)

// TestSewerConnectionsPerTroncon checks the sewers' «nombre de branchements
// par tronçon» item: its 10 points only when every tronçon has its count
// (0 is a count), and the blocker giving the length of the tronçons
// lacking it — never more than the network (the 100 m rounding up of the
// percentage items does not apply: every tronçon is needed).
func TestSewerConnectionsPerTroncon(t *testing.T) {
	for _, c := range []struct {
		counts  []any // nbranche of tronçons of 340 m each; nil = unknown
		points  int
		message string
	}{
		{[]any{int64(3), int64(0), int64(12)}, 10, ""},
		{[]any{int64(3), nil, nil}, 0, "+0,7\u00a0km avec le nombre de branchements → 10 points"},
		{[]any{nil, nil, nil}, 0, "+1\u00a0km avec le nombre de branchements → 10 points"},
	} {
		n := newTestNet(t)
		for i, k := range c.counts {
			y := corner[1] + 100 + float64(i)*10
			props := map[string]any{"idcana": fmt.Sprintf("S%d", i), "branchemnt": "N", "materiau": "11", "diametre": int64(200)}
			if k != nil {
				props["nbranche"] = k
			}
			n.add(demo.LayerCanalAss, orb.LineString{{corner[0] + 100, y}, {corner[0] + 440, y}}, props)
		}
		s := n.compute().Sewer
		got := item(t, s, ItemConnections)
		message := ""
		for _, b := range s.Blockers {
			if b.Item == ItemConnections {
				message = b.Message
			}
		}
		// (the part C gate adds its words after the message)
		if got.Points != c.points || !got.Measured || !strings.HasPrefix(message, c.message) || (c.message == "") != (message == "") {
			t.Errorf("nbranche %v: %d points, blocker %q; want %d, %q", c.counts, got.Points, message, c.points, c.message)
		}
	}
}
