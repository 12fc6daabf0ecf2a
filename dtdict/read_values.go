package dtdict

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// dateTimeLayouts are the spellings of xsd:dateTime (the time zone is
// optional; fractions of a second are accepted by the parser).
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05"}

// dateLayouts are the spellings of xsd:date, with or without its zone
// ("2026-03-01+01:00", "2026-03-01").
var dateLayouts = []string{"2006-01-02Z07:00", "2006-01-02"}

// parseDateTime reads an xsd:dateTime, or an xsd:date standing for its
// first instant; a value without zone is taken in local time.
func parseDateTime(n *node) (time.Time, error) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, n.text, time.Local); err == nil {
			return t, nil
		}
	}
	return parseDate(n)
}

// parseDate reads an xsd:date as a civil date: midnight local time of the
// day written, whatever zone follows it.
func parseDate(n *node) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, n.text); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local), nil
		}
	}
	return time.Time{}, invalid(n.name.Local, n.text, "une date (AAAA-MM-JJ)")
}

// parseDays reads a whole number of days, 0 to 36 500.
func parseDays(n *node) (int, error) {
	d, err := strconv.Atoi(n.text)
	if err != nil || d < 0 || d > 36500 {
		return 0, invalid(n.name.Local, n.text, "un nombre de jours")
	}
	return d, nil
}

// parseBool reads an xsd:boolean (true, false, 1, 0); empty is false.
func parseBool(n *node) (bool, error) {
	switch strings.ToLower(n.text) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, invalid(n.name.Local, n.text, "« true » ou « false »")
}

// parseArea reads a surface in square metres (a decimal point or comma);
// empty is 0, unknown.
func parseArea(n *node) (float64, error) {
	if n.text == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.Replace(n.text, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, invalid(n.name.Local, n.text, "une surface en m²")
	}
	return v, nil
}
