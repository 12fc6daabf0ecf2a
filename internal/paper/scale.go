package paper

import "math"

// RoundScale rounds a scale denominator to three significant digits, as
// a plan states it: 18 734 → 18 700, 55 049 → 55 000, 1 234 → 1 230. It is
// the one rule of Terrimap: the export, the report and the status bar all
// state a scale through it (ScaleText). The rounding is at most 0.5 % off,
// well under what paper shrinks or a printer rescales; 0 when n is not a
// positive number.
func RoundScale(n float64) int64 {
	if !(n > 0) || math.IsInf(n, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(n))-2)
	if p < 1 {
		p = 1
	}
	return int64(math.Round(n/p) * p)
}

// ScaleNumber writes a scale denominator rounded by RoundScale, its
// thousands grouped: "18 700"; "" when n is not a positive number.
func ScaleNumber(n float64) string {
	r := RoundScale(n)
	if r <= 0 {
		return ""
	}
	return Int(r)
}

// ScaleText writes the numeric scale "1:18 700" of a denominator, rounded
// by RoundScale; "" when n is not a positive number.
func ScaleText(n float64) string {
	s := ScaleNumber(n)
	if s == "" {
		return ""
	}
	return "1:" + s
}
