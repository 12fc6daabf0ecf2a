package formats

import (
	"math"
	"strconv"
	"strings"
	"time"

	"terrimap/store/schema"
)

// kind is what a single value looks like, before the type of its column is
// decided from all of them.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindInt
	kindReal
	kindDate
	kindDateTime
	kindText
)

// kindSet is a set of kinds seen in one column.
type kindSet uint8

func (s *kindSet) add(k kind) {
	if k != kindNull {
		*s |= 1 << k
	}
}

// has reports whether k is in s.
func (s kindSet) has(k kind) bool { return s&(1<<k) != 0 }

// only reports whether every kind of s is among ks.
func (s kindSet) only(ks ...kind) bool {
	var allowed kindSet
	for _, k := range ks {
		allowed.add(k)
	}
	return s&^allowed == 0
}

// fieldType decides a column's type from the kinds of its values: one kind
// gives its type; integers and reals give real; dates and date-times give
// datetime; any other mix, and a column holding only nulls, give text.
func (s kindSet) fieldType() schema.FieldType {
	switch {
	case s == 0:
		return schema.Text
	case s.only(kindBool):
		return schema.Boolean
	case s.only(kindInt):
		return schema.Integer
	case s.only(kindInt, kindReal):
		return schema.Real
	case s.only(kindDate):
		return schema.Date
	case s.only(kindDate, kindDateTime):
		return schema.DateTime
	}
	return schema.Text
}

// parseDate recognises an ISO date (2024-05-31), and with french (the
// cells of a CSV file) also 31/05/2024 and 2024/05/31, as ogr2ogr writes
// dates in a CSV file.
func parseDate(s string, french bool) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	switch {
	case s[4] == '-' && s[7] == '-':
		return dateOf(s, 0, 5, 8)
	case french && s[4] == '/' && s[7] == '/':
		return dateOf(s, 0, 5, 8)
	case french && s[2] == '/' && s[5] == '/':
		return dateOf(s, 6, 3, 0)
	}
	return time.Time{}, false
}

// dateOf reads the date whose year is the 4 digits of s at y, its month
// and day the 2 digits at m and d, as time.Parse reads them: digits only,
// a day that exists (no 31 April, no 29 February of a common year); the
// time is midnight UTC.
func dateOf(s string, y, m, d int) (time.Time, bool) {
	digits := func(at, n int) (int, bool) {
		v := 0
		for i := at; i < at+n; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			v = v*10 + int(s[i]-'0')
		}
		return v, true
	}
	year, okY := digits(y, 4)
	month, okM := digits(m, 2)
	day, okD := digits(d, 2)
	if !okY || !okM || !okD || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// isoDate writes t's date as schema.DateLayout does, for the years of
// four digits dateOf reads.
func isoDate(t time.Time) string {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format(schema.DateLayout)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// parseDateTime recognises an ISO date and time, with or without zone
// (without, it is taken as UTC), and with french also 31/05/2024 10:00[:00]
// and ogr2ogr's 2024/05/31 10:00:00[.sss][+01].
func parseDateTime(s string, french bool) (time.Time, bool) {
	if len(s) < 16 || len(s) > 40 {
		return time.Time{}, false
	}
	layouts := []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
	}
	switch {
	case s[4] == '-':
	case french && s[4] == '/':
		layouts = []string{"2006/01/02 15:04:05.999999999Z07", "2006/01/02 15:04:05.999999999Z07:00",
			"2006/01/02 15:04:05.999999999", "2006/01/02 15:04"}
	case french && s[2] == '/':
		layouts = []string{"02/01/2006 15:04:05", "02/01/2006 15:04"}
	default:
		return time.Time{}, false
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// stringKind classifies a string value: a date, a date-time, or text.
func stringKind(s string, french bool) kind {
	if _, ok := parseDate(s, french); ok {
		return kindDate
	}
	if _, ok := parseDateTime(s, french); ok {
		return kindDateTime
	}
	return kindText
}

// convertString converts a text value to the Go type of t, following the
// forms stringKind and csvKind recognise; nil when it does not fit.
func convertString(s string, t schema.FieldType, french bool) any {
	switch t {
	case schema.Text:
		return s
	case schema.Date:
		if d, ok := parseDate(s, french); ok {
			return isoDate(d)
		}
	case schema.DateTime:
		if d, ok := parseDate(s, french); ok {
			return d.UTC().Format(time.RFC3339)
		}
		if d, ok := parseDateTime(s, french); ok {
			return d.UTC().Format(time.RFC3339)
		}
	case schema.Integer:
		if i, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
			return i
		}
	case schema.Real:
		if f, ok := parseDecimal(s); ok {
			return f
		}
	case schema.Boolean:
		if b, ok := parseBool(s); ok {
			return b
		}
	}
	return nil
}

// parseDecimal reads a finite decimal number written with a point or one
// decimal comma ("12.5", "12,5", "-3", "1e3").
func parseDecimal(s string) (float64, bool) {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if s == "" || !digitsAnd(s, decimalSigns) { // no hex, Inf, NaN or Go digit separators
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// decimalSigns and integerSigns are the bytes besides digits that
// strconv.ParseFloat and ParseInt can accept in the numbers parseDecimal
// and csvKind read: a text with another byte is no such number, told
// without the error (and its allocation) strconv would return for each
// text cell of a file.
const (
	decimalSigns = "+-.eE"
	integerSigns = "+-"
)

// digitsAnd reports whether every byte of s is a digit or one of others.
func digitsAnd(s, others string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-'0' > 9 && strings.IndexByte(others, c) < 0 {
			return false
		}
	}
	return true
}

// parseBool recognises true/false, vrai/faux and oui/non in any case.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "vrai", "oui":
		return true, true
	case "false", "faux", "non":
		return false, true
	}
	return false, false
}

// csvKind classifies a CSV cell (already trimmed). Numbers with a leading
// zero ("01200", a code; "0612345678") stay text so that the zero is kept;
// a date or a time with one is a date or a time ("01/05/2024").
func csvKind(s string) kind {
	if s == "" {
		return kindNull
	}
	digits := strings.TrimLeft(s, "+-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		if _, number := parseDecimal(s); number {
			return kindText
		}
	}
	if digitsAnd(s, integerSigns) {
		if _, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
			return kindInt
		}
	}
	if _, ok := parseDecimal(s); ok && strings.ContainsAny(s, "0123456789") {
		return kindReal
	}
	if _, ok := parseBool(s); ok {
		return kindBool
	}
	return stringKind(s, true)
}
