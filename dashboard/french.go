package dashboard

import (
	"math"

	"terrimap/internal/paper"
)

// Km writes a length in kilometres as French prints it, to the hundred
// metres below 100 km and to the kilometre above: "12,4 km", "1 234 km".
func Km(km float64) string {
	digits := 1
	if math.Abs(km) >= 100 {
		digits = 0
	}
	return paper.Decimal(km, digits) + paper.NBSP + "km"
}

// Count writes a whole number with its thousands grouped: "1 250".
func Count(n int) string { return paper.Int(int64(n)) }

// Percent writes a share between 0 and 1 as a whole percentage, French
// style: "45 %"; a share below 1 % but above 0 is "< 1 %".
func Percent(share float64) string {
	if share > 0 && share < 0.005 {
		return "<" + paper.NBSP + "1" + paper.NBSP + "%"
	}
	return paper.Decimal(share*100, 0) + paper.NBSP + "%"
}
