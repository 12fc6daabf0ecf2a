package server

import (
	"time"

	"terrimap/store/schema"
)

// TimeInterval selects features by their temporal field (the layer's
// schema.Layer.Temporal), for ItemsQuery.During: a feature matches when its
// value lies between Start and End, both included; a zero Start or End
// leaves that side open. A feature without a value never matches.
//
// A date field's value is a whole day (UTC): it matches when that day
// meets the interval, so 2024-05-01 matches an interval that starts at
// 2024-05-01T12:00:00Z.
type TimeInterval struct {
	// Field is the temporal field's name and Type its type (schema.Date or
	// schema.DateTime).
	Field      string
	Type       schema.FieldType
	Start, End time.Time
}

// StartDate and EndDate are the interval's ends as dates (UTC), what a
// date field is compared with; "" for an open end.
func (t TimeInterval) StartDate() string { return dateOf(t.Start) }

// EndDate: see StartDate.
func (t TimeInterval) EndDate() string { return dateOf(t.End) }

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(schema.DateLayout)
}

// Matches reports whether a value of the temporal field, as
// schema.Field.Coerce leaves it (a date "2006-01-02", a date and time in
// RFC 3339), lies in the interval.
func (t TimeInterval) Matches(v any) bool {
	s, ok := v.(string)
	if !ok || s == "" {
		return false
	}
	if t.Type == schema.Date {
		if _, err := time.Parse(schema.DateLayout, s); err != nil {
			return false
		}
		// ISO dates compare as strings.
		return (t.Start.IsZero() || s >= t.StartDate()) && (t.End.IsZero() || s <= t.EndDate())
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return false
	}
	return (t.Start.IsZero() || !at.Before(t.Start)) && (t.End.IsZero() || !at.After(t.End))
}
