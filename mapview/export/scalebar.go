package export

import (
	"math"

	"terrimap/mapview"
)

// scaleBar is a graphic scale: a round ground length and its length on
// the page.
type scaleBar struct {
	metres   float64 // 1, 2 or 5 × 10^n
	mm       float64 // on the page
	segments int     // alternating dark and light parts
}

// niceLength returns the largest length of the 1-2-5 series (…, 100, 200,
// 500, 1000…) that is at most max; 0 when max is not positive.
func niceLength(max float64) float64 {
	if !(max > 0) || math.IsInf(max, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{5, 2, 1} {
		// A little slack: 999.9999 is 1000.
		if m*p <= max*(1+1e-9) {
			return m * p
		}
	}
	return p / 2 // not reached: p ≤ max
}

// metresPerMM returns the ground distance that a millimetre of the page
// covers at the centre of the view, when a logical pixel is 1/96 inch.
func metresPerMM(vp mapview.Viewport) float64 {
	return vp.MetersPerPixel() * ScreenDPI / mmPerInch
}

// newScaleBar returns the scale bar of a view no longer than maxMM on the
// page.
func newScaleBar(vp mapview.Viewport, maxMM float64) scaleBar {
	mpm := metresPerMM(vp)
	l := niceLength(maxMM * mpm)
	if l == 0 || !(mpm > 0) {
		return scaleBar{}
	}
	sb := scaleBar{metres: l, mm: l / mpm}
	switch lead := l / math.Pow(10, math.Floor(math.Log10(l)+1e-9)); {
	case lead > 4.5:
		sb.segments = 5
	default: // 1 and 2
		sb.segments = 4
	}
	return sb
}
