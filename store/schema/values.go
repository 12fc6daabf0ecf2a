package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Values of each field type, once coerced, have one Go type:
// Text string, Integer int64, Real float64, Boolean bool,
// Date string "2006-01-02", DateTime string RFC 3339 in UTC. A nil value is NULL.

// DateLayout is the stored form of Date values.
const DateLayout = "2006-01-02"

// ErrInvalidValue is returned (wrapped) when a value does not fit its field.
var ErrInvalidValue = errors.New("schema: invalid value")

// Coerce converts v to the field's Go type, accepting the forms values take in
// JSON, CSV and forms ("12", 12.0, "oui", "2024-05-01T10:00:00+02:00"), and
// checks it against the field's domain. Empty strings and nil become nil.
func (f Field) Coerce(v any) (any, error) {
	out, err := f.coerceType(v)
	if err != nil || out == nil || len(f.Domain) == 0 {
		return out, err
	}
	code := CodeString(out)
	for _, cv := range f.Domain {
		if cv.Code == code {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w: %s: %q is not in the list of allowed values", ErrInvalidValue, f.Name, code)
}

// CodeString renders a coerced value as the string form codes use.
func CodeString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (f Field) coerceType(v any) (any, error) {
	if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: %s: %v is not a valid %s", ErrInvalidValue, f.Name, v, f.Type)
	}
	switch f.Type {
	case Text:
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool, int, int64, float64:
			return CodeString(normalizeNumber(x)), nil
		}
		return bad()
	case Integer:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return bad()
			}
			return int64(x), nil
		case json.Number:
			return f.coerceType(x.String())
		case string:
			s, ok := normalizeDecimal(x)
			if !ok {
				return bad()
			}
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
			if r, err := strconv.ParseFloat(s, 64); err == nil && r == math.Trunc(r) && math.Abs(r) <= 1<<53 {
				return int64(r), nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
		return bad()
	case Real:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return bad()
			}
			return x, nil
		case json.Number:
			return f.coerceType(x.String())
		case string:
			s, ok := normalizeDecimal(x)
			if !ok {
				return bad()
			}
			if r, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(r) && !math.IsInf(r, 0) {
				return r, nil
			}
		}
		return bad()
	case Boolean:
		if b, ok := Truth(v); ok {
			return b, nil
		}
		return bad()
	case Date:
		s, ok := v.(string)
		if !ok {
			if t, ok := v.(time.Time); ok {
				return t.Format(DateLayout), nil
			}
			return bad()
		}
		s = strings.TrimSpace(s)
		for _, layout := range []string{DateLayout, "02/01/2006", "2/1/2006", "2006/01/02", "20060102"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format(DateLayout), nil
			}
		}
		if t, err := parseDateTime(s); err == nil {
			return t.Format(DateLayout), nil
		}
		return bad()
	case DateTime:
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(time.RFC3339), nil
		}
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		t, err := parseDateTime(strings.TrimSpace(s))
		if err != nil {
			return bad()
		}
		return t.UTC().Format(time.RFC3339), nil
	}
	return bad()
}

// normalizeDecimal turns a number as a French or English user types it into
// the form strconv reads: "5,2" and "5.2" both give "5.2", and spaces —
// plain, non-breaking (U+00A0) or narrow non-breaking (U+202F) — may group
// the thousands before the decimal mark ("1 234,5"). It refuses, rather
// than guess, a number with both a comma and a point ("1,234.5"), two
// decimal marks, or groups that are not of three digits.
func normalizeDecimal(s string) (string, bool) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\u00a0' || r == '\u202f' {
			return ' '
		}
		return r
	}, s))
	if strings.Contains(s, ",") && strings.Contains(s, ".") || strings.Count(s, ",") > 1 {
		return "", false
	}
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if strings.Contains(frac, " ") {
		return "", false
	}
	if groups := strings.Split(whole, " "); len(groups) > 1 {
		for i, g := range groups {
			digits := strings.TrimLeft(g, "+-")
			if i == 0 && (digits == "" || len(digits) > 3 || len(g)-len(digits) > 1) || i > 0 && len(g) != 3 {
				return "", false
			}
			for _, r := range digits {
				if r < '0' || r > '9' {
					return "", false
				}
			}
		}
		whole = strings.Join(groups, "")
	}
	if hasFrac {
		return whole + "." + frac, true
	}
	return whole, true
}

func normalizeNumber(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	}
	return v
}

func parseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05.000Z", "2006/01/02 15:04:05", DateLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a date and time", ErrInvalidValue, s)
}

// FieldError is one field's validation failure.
type FieldError struct {
	Field  string
	Reason error
}

func (e FieldError) Error() string { return e.Reason.Error() }

// ErrRequired is the reason of a FieldError for a required field left empty.
var ErrRequired = errors.New("schema: required value missing")

// ErrUnknownField is the reason of a FieldError for a property the layer does not declare.
var ErrUnknownField = errors.New("schema: unknown field")

// ErrReadOnlyField is the reason of a FieldError for a change to a read-only field.
var ErrReadOnlyField = errors.New("schema: read-only field")

// CoerceProperties converts every property to its field's type. It returns the
// coerced properties and one FieldError per property that does not fit; with
// complete set, it also reports required fields that are missing.
func (l *Layer) CoerceProperties(props map[string]any, complete bool) (map[string]any, []FieldError) {
	out := make(map[string]any, len(props))
	var errs []FieldError
	for name, v := range props {
		f, ok := l.Field(name)
		if !ok {
			errs = append(errs, FieldError{Field: name, Reason: fmt.Errorf("%w: %s", ErrUnknownField, name)})
			continue
		}
		cv, err := f.Coerce(v)
		if err != nil {
			errs = append(errs, FieldError{Field: name, Reason: err})
			continue
		}
		out[name] = cv
	}
	for _, f := range l.Fields {
		v, present := out[f.Name]
		if f.Required && (v == nil) && (complete || present) {
			if _, bad := findError(errs, f.Name); !bad {
				errs = append(errs, FieldError{Field: f.Name, Reason: fmt.Errorf("%w: %s", ErrRequired, f.Name)})
			}
		}
	}
	return out, errs
}

func findError(errs []FieldError, name string) (FieldError, bool) {
	for _, e := range errs {
		if e.Field == name {
			return e, true
		}
	}
	return FieldError{}, false
}

// Defaults returns the default values of the layer's fields that have one.
func (l *Layer) Defaults() map[string]any {
	out := map[string]any{}
	for _, f := range l.Fields {
		if f.Default != nil {
			if v, err := f.Coerce(f.Default); err == nil && v != nil {
				out[f.Name] = v
			}
		}
	}
	return out
}

// Truth reads v as a yes or a no, as forms, files and other tools write
// one: a boolean; a number (0 is no); or a word, case and spaces aside —
// true, t, 1, yes, y, oui, o (RAEPA's O/N), vrai, and false, f, 0, no, n,
// non, faux. ok is false for anything else (nil included).
func Truth(v any) (value, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int64:
		return x != 0, true
	case int:
		return x != 0, true
	case float64:
		if math.IsNaN(x) {
			return false, false
		}
		return x != 0, true
	case []byte:
		return Truth(string(x))
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "t", "1", "yes", "y", "oui", "o", "vrai":
			return true, true
		case "false", "f", "0", "no", "n", "non", "faux":
			return false, true
		}
	}
	return false, false
}
