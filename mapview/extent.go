package mapview

import (
	"math"

	"github.com/paulmach/orb"
)

// ScaleBar returns the longest round ground length — 1, 2 or 5 times a
// power of ten metres — whose bar, at the view's centre, is at most
// maxWidth logical pixels wide, and that width. Both are 0 when the view
// has no scale.
func (vp Viewport) ScaleBar(maxWidth float64) (metres, width float64) {
	mpp := vp.MetersPerPixel()
	if !(mpp > 0) || !finite(mpp) || !(maxWidth > 0) {
		return 0, 0
	}
	limit := mpp * maxWidth
	p := math.Pow(10, math.Floor(math.Log10(limit)))
	metres = p
	for _, f := range []float64{5, 2, 1} {
		if f*p <= limit*(1+1e-12) {
			metres = f * p
			break
		}
	}
	return metres, metres / mpp
}

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
