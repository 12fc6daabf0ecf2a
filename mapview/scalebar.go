package mapview

import "math"

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
