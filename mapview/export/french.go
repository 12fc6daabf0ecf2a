package export

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// nbsp keeps a number and its unit, or the groups of a number, together.
const nbsp = "\u00a0"

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// FrenchDate writes a date as French prose does: "26 novembre 2026",
// "1er mai 2026".
func FrenchDate(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// frenchInt writes an integer with its thousands grouped: "18 700".
func frenchInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// frenchDecimal writes a number with a decimal comma and at most two
// decimals, without trailing zeros: "2,5".
func frenchDecimal(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1)
}

// formatLength writes a ground length for a scale bar: "500 m", "2,5 km".
func formatLength(metres float64) string {
	if metres >= 1000 {
		return frenchDecimal(metres/1000) + nbsp + "km"
	}
	if metres >= 1 {
		return frenchDecimal(metres) + nbsp + "m"
	}
	return frenchDecimal(metres*100) + nbsp + "cm"
}

// roundScale rounds a scale denominator to three significant digits, as a
// plan states it: 18 734 → 18 700.
func roundScale(n float64) int64 {
	if n <= 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(n))-2)
	if p < 1 {
		p = 1
	}
	return int64(math.Round(n/p) * p)
}

// Printable makes text safe for the PDF's embedded font: control
// characters become spaces, and characters beyond the Basic Multilingual
// Plane (an emoji typed in a title), which the font cannot hold and on
// which the PDF writer panics, a question mark. Every text a PDF page
// prints goes through it, the report's included.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r > 0xffff || r == unicode.ReplacementChar:
			return '?'
		}
		return r
	}, s)
}
