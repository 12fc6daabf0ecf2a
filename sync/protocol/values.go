package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"terrimap/store/schema"
)

// ValidName reports whether s is a plain identifier usable as a layer or
// property name, as schema requires: a letter or _, then letters, digits
// or _, 63 characters at most. It is checked for every property of every
// change of the feed, so it is a loop rather than a regular expression.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ValidUUID reports whether s is a UUID of any version in its canonical
// lowercase form (8-4-4-4-12 hexadecimal digits), other than the nil UUID.
// Feature and change ids made by Terrimap are UUIDs (version 7).
func ValidUUID(s string) bool {
	if len(s) != 36 || s == "00000000-0000-0000-0000-000000000000" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// MaxIDLength bounds feature ids and client ids.
const MaxIDLength = 128

// validID reports whether s can identify a feature or a client: 1 to
// MaxIDLength bytes of printable UTF-8 without spaces. Features created by
// Terrimap have UUIDs; features imported on the platform may have other ids.
func validID(s string) bool {
	if s == "" || len(s) > MaxIDLength || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// decodeProperties reads a properties object: JSON null or nothing is nil;
// values must be JSON scalars and numbers stay json.Number.
func decodeProperties(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if c := firstByte(raw); c != '{' {
		return nil, malformed("properties must be an object, not %s", jsonKind(c))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var props map[string]any
	if err := dec.Decode(&props); err != nil {
		return nil, within("properties", err)
	}
	if err := checkProperties(props); err != nil {
		return nil, err
	}
	return props, nil
}

// checkProperties checks that names are plain identifiers, not reserved, and
// values are scalars.
func checkProperties(props map[string]any) error {
	for _, k := range sortedKeys(props) {
		if !ValidName(k) || schema.IsReserved(k) {
			return malformed("property name %q is not a plain identifier (letters, digits, _) or is reserved", k)
		}
		if !scalar(props[k]) {
			return malformed("property %s: value must be a string, number, boolean or null, not %s", k, kindOf(props[k]))
		}
	}
	return nil
}

// scalar reports whether v is a value a property may hold on the wire.
func scalar(v any) bool {
	switch x := v.(type) {
	case nil, string, bool, json.Number, int, int32, int64:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	}
	return false
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case float64, float32:
		return "a non-finite number"
	}
	return fmt.Sprintf("%T", v)
}

// NormalizeNumber turns a json.Number or Go integer into an int64 when it is
// a whole number that fits, else a float64; other values are returned as
// they are. It is how numbers read without a schema are typed.
func NormalizeNumber(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
				return int64(f)
			}
			return f
		}
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// FieldIssue is why one field, or the geometry (Field GeometryField), of a
// change does not fit its layer.
type FieldIssue struct {
	// Field is the property name, or GeometryField.
	Field string `json:"field"`
	// Code is CodeInvalidValue, CodeRequired, CodeUnknownField,
	// CodeReadOnlyField or CodeInvalidGeometry.
	Code string `json:"code"`
	// Message says in French, for a person, what is wrong.
	Message string `json:"message"`
}

// CoerceProperties types properties read from the wire with the layer's
// schema (schema.Field.Coerce): json.Number becomes int64 or float64 as the
// field says, dates are normalised, and so on. Properties that do not fit,
// or that the layer does not declare, are left out of the result and
// reported as issues with French messages; required fields are not checked
// (see PushChange.ValidateAgainst). With a nil layer, numbers are only
// normalised (NormalizeNumber). The client applies pulled features with the
// result and may ignore the issues: the platform's values win.
func CoerceProperties(layer *schema.Layer, props map[string]any) (map[string]any, []FieldIssue) {
	if props == nil {
		return nil, nil
	}
	out := make(map[string]any, len(props))
	if layer == nil {
		for k, v := range props {
			out[k] = NormalizeNumber(v)
		}
		return out, nil
	}
	var issues []FieldIssue
	for _, k := range sortedKeys(props) {
		v := props[k]
		f, ok := layer.Field(k)
		if !ok {
			issues = append(issues, FieldIssue{Field: k, Code: CodeUnknownField,
				Message: fmt.Sprintf("La couche « %s » n'a pas de champ « %s ».", layer.DisplayTitle(), k)})
			continue
		}
		if f.Type != schema.Text {
			v = NormalizeNumber(v)
		}
		cv, err := f.Coerce(v)
		if err != nil {
			issues = append(issues, valueIssue(f, v))
			continue
		}
		out[k] = cv
	}
	return out, issues
}

// valueIssue explains in French why v does not fit f.
func valueIssue(f schema.Field, v any) FieldIssue {
	shown := schema.CodeString(NormalizeNumber(v))
	if len(shown) > 60 {
		shown = shown[:57] + "…"
	}
	msg := fmt.Sprintf("Le champ « %s » attend %s : « %s » ne convient pas.", f.DisplayTitle(), FrenchFieldType(f.Type), shown)
	if len(f.Domain) > 0 {
		if _, err := (schema.Field{Name: f.Name, Type: f.Type}).Coerce(v); err == nil {
			msg = fmt.Sprintf("« %s » n'est pas une valeur de la liste du champ « %s ».", shown, f.DisplayTitle())
		}
	}
	return FieldIssue{Field: f.Name, Code: CodeInvalidValue, Message: msg}
}

// FrenchFieldType names, for a French message, what a field of type t
// holds: "un nombre entier", "une date (AAAA-MM-JJ)"…
func FrenchFieldType(t schema.FieldType) string {
	switch t {
	case schema.Text:
		return "un texte"
	case schema.Integer:
		return "un nombre entier"
	case schema.Real:
		return "un nombre"
	case schema.Boolean:
		return "oui ou non"
	case schema.Date:
		return "une date (AAAA-MM-JJ)"
	case schema.DateTime:
		return "une date et une heure"
	}
	return string(t)
}

func frenchGeometryType(t schema.GeometryType) string {
	switch t {
	case schema.Point:
		return "des points"
	case schema.LineString:
		return "des lignes"
	case schema.Polygon:
		return "des polygones"
	case schema.MultiPoint:
		return "des multipoints"
	case schema.MultiLineString:
		return "des multilignes"
	case schema.MultiPolygon:
		return "des multipolygones"
	}
	return "des géométries"
}

// sameValue reports whether two property values are the same value: nil
// and absent alike, numbers compared by value whatever their Go type.
func sameValue(a, b any) bool {
	a, b = NormalizeNumber(a), NormalizeNumber(b)
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y && math.Abs(y) <= 1<<53
		}
		return false
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return x == float64(y) && math.Abs(x) <= 1<<53
		}
		return false
	case string, bool, json.Number:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cloneProperties returns a shallow copy of props (nil stays nil).
func cloneProperties(props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	return out
}

// frenchList joins quoted names: « a », « b » et « c ».
func frenchList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		if n == GeometryField {
			q[i] = "la géométrie"
		} else {
			q[i] = "« " + n + " »"
		}
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " et " + q[len(q)-1]
}
