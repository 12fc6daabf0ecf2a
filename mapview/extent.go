package mapview

import (
	"github.com/paulmach/orb"
)

// Extent returns the bound (longitude/latitude) of the features of the
// layers the cache draws, for a "zoom to extent"; false when they have
// none.
func (tc *TileCache) Extent() (orb.Bound, bool) {
	tc.mu.Lock()
	layers := tc.layers
	tc.mu.Unlock()
	var out orb.Bound
	found := false
	for _, l := range layers {
		b, ok := tc.r.ws.Index().Bound(l.Name)
		switch {
		case !ok:
		case found:
			out = out.Union(b)
		default:
			out, found = b, true
		}
	}
	return out, found
}
