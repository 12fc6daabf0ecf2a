package formats

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"terrimap/store/schema"
)

// parseDecimalReference is parseDecimal as first written, every text
// given to strconv.ParseFloat: the fast parseDecimal must agree.
func parseDecimalReference(s string) (float64, bool) {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if s == "" || strings.ContainsAny(s, "_xXpPnNiI") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// csvKindReference is csvKind as first written, every text given to
// strconv.ParseInt.
func csvKindReference(s string) kind {
	if s == "" {
		return kindNull
	}
	digits := strings.TrimLeft(s, "+-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		if _, number := parseDecimalReference(s); number {
			return kindText
		}
	}
	if _, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
		return kindInt
	}
	if _, ok := parseDecimalReference(s); ok && strings.ContainsAny(s, "0123456789") {
		return kindReal
	}
	if _, ok := parseBool(s); ok {
		return kindBool
	}
	return stringKind(s, true)
}

var kindCases = []string{
	"", "0", "-0", "+7", "007", "-012", "42", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
	"3.14", "3,14", "1,000.5", "1e3", "1E-3", "-2.5e+300", "1e400", ".5", "5.", "+-3", "--3", "1-2", "e5", ".", ",",
	"inf", "Infinity", "NaN", "0x1F", "0x1p-2", "1_000", "1 000", " 12", "12 ", "oui", "NON", "vrai", "2024-05-31",
	"31/05/2024", "2024/05/31", "2024-05-31T10:11:12Z", "Poteau incendie n°1", "١٢٣", "１２", "12\u00a0000",
}

// csvKind and parseDecimal read every cell as they did before they told
// texts apart without strconv.
func TestCSVKindAsStrconvReads(t *testing.T) {
	for _, s := range kindCases {
		checkKindAsReference(t, s)
	}
}

func FuzzCSVKindAsStrconvReads(f *testing.F) {
	for _, s := range kindCases {
		f.Add(s)
	}
	f.Fuzz(checkKindAsReference)
}

func checkKindAsReference(t *testing.T, s string) {
	if got, want := csvKind(s), csvKindReference(s); got != want {
		t.Errorf("csvKind(%q) = %v, want %v", s, got, want)
	}
	g, gok := parseDecimal(s)
	w, wok := parseDecimalReference(s)
	if gok != wok || (gok && g != w) {
		t.Errorf("parseDecimal(%q) = %v, %v; want %v, %v", s, g, gok, w, wok)
	}
}

// parseDateReference is parseDate as first written, through time.Parse.
func parseDateReference(s string, french bool) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	if s[4] == '-' && s[7] == '-' {
		t, err := time.Parse(schema.DateLayout, s)
		return t, err == nil
	}
	if french && s[4] == '/' && s[7] == '/' {
		t, err := time.Parse("2006/01/02", s)
		return t, err == nil
	}
	if french && s[2] == '/' && s[5] == '/' {
		t, err := time.Parse("02/01/2006", s)
		return t, err == nil
	}
	return time.Time{}, false
}

var dateCases = []string{
	"2024-02-29", "2023-02-29", "2024-04-31", "2024-12-31", "0000-01-01", "9999-12-31", "2024-13-01", "2024-00-10",
	"2024-01-00", "2024/05/31", "31/05/2024", "29/02/2023", "2024-1-011", "+024-01-01", "2024-0a-01", "20240-1-01",
	"2024/05-31", "05/31/2024", " 2024-01-1", "2024-01-1 ", "١٢٣٤-01-01",
}

// parseDate and the Date conversion read every text as time.Parse and
// Format did.
func TestParseDateAsTimeParse(t *testing.T) {
	for _, s := range dateCases {
		checkDateAsReference(t, s)
	}
}

func FuzzParseDateAsTimeParse(f *testing.F) {
	for _, s := range dateCases {
		f.Add(s)
	}
	f.Fuzz(checkDateAsReference)
}

func checkDateAsReference(t *testing.T, s string) {
	for _, french := range []bool{false, true} {
		g, gok := parseDate(s, french)
		w, wok := parseDateReference(s, french)
		if gok != wok || !g.Equal(w) {
			t.Errorf("parseDate(%q, %v) = %v, %v; want %v, %v", s, french, g, gok, w, wok)
		}
		if gok {
			if got, want := convertString(s, schema.Date, french), w.Format(schema.DateLayout); got != want {
				t.Errorf("convertString(%q, Date, %v) = %v, want %q", s, french, got, want)
			}
		}
	}
}
