package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"terrimap/mapview/export"
)

// nbsp keeps a number with its unit.
const nbsp = "\u00a0"

// decimal writes v with a decimal comma and at most digits decimals,
// trailing zeros dropped, thousands grouped: "1 234,5".
func decimal(v float64, digits int) string {
	p := math.Pow(10, float64(digits))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// metres writes a length: "5 m", "2,5 m".
func metres(v float64) string { return decimal(v, 1) + nbsp + "m" }

// dateTime writes a date and time as French prose does: "15 juin 2026 à 14:32".
func dateTime(t time.Time) string {
	return export.FrenchDate(t) + " à " + t.Format("15:04")
}

// plural returns "1 objet", "3 objets": French counts 0 and 1 singular.
func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
