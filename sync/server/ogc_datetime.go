package server

import (
	"strings"
	"time"

	"terrimap/store/schema"
)

// parseDatetime reads the datetime parameter of GET /items: an instant (a
// date 2024-05-01, or a date and time in RFC 3339) or an interval
// start/end whose ends may be open (".." or nothing). A date stands for
// its whole day (UTC). A malformed value is refused even on a layer with
// no temporal field; on such a layer a well-formed one is ignored, as
// OGC API – Features allows, and the result is nil.
func parseDatetime(l *schema.Layer, s string) (*TimeInterval, error) {
	bad := func(why string) (*TimeInterval, error) {
		return nil, problem("« datetime=%s » : %s Attendu : une date (2024-05-01), une date et heure RFC 3339 (2024-05-01T08:30:00Z) ou un intervalle début/fin dont une borne peut rester ouverte (2024-01-01/2024-06-30, 2024-01-01/.., ../2024-06-30).", clipName(s), why)
	}
	var iv TimeInterval
	start, end, interval := strings.Cut(s, "/")
	switch {
	case interval && strings.Contains(end, "/"):
		return bad("un seul « / » sépare le début de la fin.")
	case interval:
		var ok bool
		if iv.Start, ok = parseInstant(start, false); !ok {
			return bad("le début « " + clipName(start) + " » n'est ni une date ni une date et heure.")
		}
		if iv.End, ok = parseInstant(end, true); !ok {
			return bad("la fin « " + clipName(end) + " » n'est ni une date ni une date et heure.")
		}
		if !iv.Start.IsZero() && !iv.End.IsZero() && iv.Start.After(iv.End) {
			return bad("le début est après la fin.")
		}
	default:
		var ok bool
		iv.Start, ok = parseInstant(s, false)
		if !ok || iv.Start.IsZero() {
			return bad("ce n'est ni une date ni une date et heure.")
		}
		iv.End, _ = parseInstant(s, true)
	}
	f, ok := l.TemporalField()
	if !ok {
		return nil, nil
	}
	iv.Field, iv.Type = f.Name, f.Type
	return &iv, nil
}

// parseInstant reads one end of a datetime: ".." or "" is open (the zero
// time); a date is the first instant of its day (UTC), or its last when
// it ends an interval; a date and time is itself. ok is false for
// anything else.
func parseInstant(s string, end bool) (t time.Time, ok bool) {
	if s == ".." || s == "" {
		return time.Time{}, true
	}
	if d, err := time.Parse(schema.DateLayout, s); err == nil {
		if end {
			return d.Add(24*time.Hour - time.Nanosecond), true
		}
		return d, true
	}
	// RFC 3339 allows a lowercase t and z; Go reads the uppercase ones.
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
