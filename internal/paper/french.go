package paper

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NBSP keeps a number with its unit, or the groups of a number, together.
const NBSP = "\u00a0"

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Decimal writes v as French prints it: a decimal comma, at most digits
// decimals with trailing zeros dropped, thousands grouped by no-break
// spaces: Decimal(1234.5, 2) is "1 234,5".
func Decimal(v float64, digits int) string {
	p := math.Pow(10, float64(digits))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	if neg && (whole != "0" || frac != "") {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(NBSP)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// Int writes an integer with its thousands grouped: "18 700".
func Int(n int64) string { return Decimal(float64(n), 0) }

// Metres writes a length in metres to the decimetre: "5 m", "2,5 m".
func Metres(v float64) string { return Decimal(v, 1) + NBSP + "m" }

// Kilometres writes a network's length to the 100 m, as reports give it:
// "8,2 km", "286,4 km", "1 204,5 km", "51 km".
func Kilometres(metres float64) string { return Decimal(metres/1000, 1) + NBSP + "km" }

// Length writes a ground length in the unit a scale bar states it in:
// "30 cm", "500 m", "2,5 km".
func Length(metres float64) string {
	switch {
	case metres >= 1000:
		return Decimal(metres/1000, 2) + NBSP + "km"
	case metres >= 1:
		return Decimal(metres, 2) + NBSP + "m"
	}
	return Decimal(metres*100, 2) + NBSP + "cm"
}

// Date writes a date as French prose does: "26 novembre 2026",
// "1er mai 2026".
func Date(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime writes a date and time as French prose does:
// "15 juin 2026 à 14:32".
func DateTime(t time.Time) string { return Date(t) + " à " + t.Format("15:04") }

// Plural writes a count and its noun: "0 objet", "1 objet", "3 objets",
// "1 629 objets" (thousands grouped, as Int) — French counts 0 and 1
// singular.
func Plural(n int, one, many string) string {
	if n <= 1 {
		return Int(int64(n)) + " " + one
	}
	return Int(int64(n)) + " " + many
}
