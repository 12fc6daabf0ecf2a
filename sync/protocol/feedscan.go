package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"terrimap/internal/jsonscan"
)

// The change feed is the largest message a client reads: a first download
// is a hundred thousand features. scanChangesResponse reads a page in one
// pass over its bytes, without reflection; it understands the pages the
// platform writes, and gives up on anything unusual (a geometry collection,
// a member in another case, a null where a value is expected, a syntax
// error…). DecodeChangesResponse then reads the page again with
// encoding/json, which decides and words the error, so the fast path never
// changes what is accepted or how a refusal reads. FuzzScanChangesResponse
// holds it to giving exactly encoding/json's result whenever it succeeds.

// scanChangesResponse reads a page of the change feed from data, reporting
// false when it cannot be sure to read it as encoding/json would.
func scanChangesResponse(data []byte) (ChangesResponse, bool) {
	f := feedScanner{s: jsonscan.New(data)}
	r, ok := f.response()
	if !ok || f.s.Err() != nil {
		return ChangesResponse{}, false
	}
	f.s.End()
	return r, f.s.Err() == nil
}

// feedScanner reads a page of the feed with a scanner.
type feedScanner struct {
	s *jsonscan.Scanner
}

func (f *feedScanner) response() (ChangesResponse, bool) {
	s := f.s
	s.SkipSpace()
	if s.Peek() != '{' {
		return ChangesResponse{}, false
	}
	var r ChangesResponse
	seen := 0
	for more := s.FirstMember(); more; more = s.NextMember() {
		var ok bool
		switch key := string(s.Key()); key {
		case "changes":
			r.Changes, ok = f.changes()
		case "next":
			r.Next, ok = f.integer()
		case "more":
			r.More, ok = f.boolean()
		case "schema_version":
			r.SchemaVersion, ok = f.integer()
		default:
			ok = f.skipUnknown(key, "changes", "next", "more", "schema_version")
		}
		if !ok || !f.once(&seen, s.Key(), "changes", "next", "more", "schema_version") {
			return ChangesResponse{}, false
		}
	}
	return r, true
}

// once records in seen that the member key was read, reporting false when
// it was read before: encoding/json keeps the last of duplicate members,
// which this scanner does not try to follow.
func (f *feedScanner) once(seen *int, key []byte, names ...string) bool {
	for i, n := range names {
		if string(key) == n {
			if *seen&(1<<i) != 0 {
				return false
			}
			*seen |= 1 << i
		}
	}
	return true
}

// skipUnknown skips the value of a member that is none of names, reporting
// false when encoding/json could take it for one of them: it matches keys
// regardless of case (and folds a few non-ASCII letters).
func (f *feedScanner) skipUnknown(key string, names ...string) bool {
	if !isASCII(key) {
		return false
	}
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return false
		}
	}
	f.s.Skip()
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (f *feedScanner) changes() ([]Change, bool) {
	s := f.s
	switch s.Peek() {
	case 'n':
		return nil, s.Literal("null")
	case '[':
	default:
		return nil, false
	}
	var out []Change
	for more := s.FirstElement(); more; more = s.NextElement() {
		c, ok := f.change()
		if !ok {
			return nil, false
		}
		out = append(out, c)
	}
	return out, s.Err() == nil
}

var changeMembers = []string{"type", "id", "layer", "seq", "version", "deleted",
	"geometry", "properties", "modified_by", "modified_at"}

func (f *feedScanner) change() (Change, bool) {
	s := f.s
	if s.Peek() != '{' {
		return Change{}, false
	}
	var c Change
	seen := 0
	for more := s.FirstMember(); more; more = s.NextMember() {
		var ok bool
		switch key := string(s.Key()); key {
		case "type":
			var typ string
			typ, ok = f.text()
			ok = ok && (typ == "" || typ == featureType)
		case "id":
			c.ID, ok = f.text()
		case "layer":
			c.Layer, ok = f.text()
		case "seq":
			c.Seq, ok = f.integer()
		case "version":
			c.Version, ok = f.integer()
		case "deleted":
			c.Deleted, ok = f.boolean()
		case "geometry":
			c.Geometry, ok = f.geometry()
		case "properties":
			c.Properties, ok = f.properties()
		case "modified_by":
			c.ModifiedBy, ok = f.text()
		case "modified_at":
			c.ModifiedAt, ok = f.time()
		default:
			ok = f.skipUnknown(key, changeMembers...)
		}
		if !ok || !f.once(&seen, s.Key(), changeMembers...) {
			return Change{}, false
		}
	}
	if s.Err() != nil || checkProperties(c.Properties) != nil {
		return Change{}, false
	}
	return c, true
}

func (f *feedScanner) text() (string, bool) {
	if f.s.Peek() != '"' {
		return "", false
	}
	t, ok := f.s.Text()
	return string(t), ok
}

func (f *feedScanner) integer() (int64, bool) {
	v := f.s.Value()
	return v.Int, v.Form == jsonscan.FormInt && f.s.Err() == nil
}

func (f *feedScanner) boolean() (bool, bool) {
	if c := f.s.Peek(); c != 't' && c != 'f' {
		return false, false
	}
	v := f.s.Value()
	return v.Bool, f.s.Err() == nil
}

// time reads a time as encoding/json does: through time.Time's own
// UnmarshalJSON, given the quoted string.
func (f *feedScanner) time() (time.Time, bool) {
	s := f.s
	if s.Peek() != '"' {
		return time.Time{}, false
	}
	start := s.Pos()
	s.Skip()
	var t time.Time
	if s.Err() != nil || t.UnmarshalJSON(s.Data()[start:s.Pos()]) != nil {
		return time.Time{}, false
	}
	return t, true
}

// properties reads the properties object: strings, booleans, null, and
// numbers as json.Number, as encoding/json with UseNumber does.
func (f *feedScanner) properties() (map[string]any, bool) {
	s := f.s
	switch s.Peek() {
	case 'n':
		return nil, s.Literal("null")
	case '{':
	default:
		return nil, false
	}
	props := map[string]any{}
	for more := s.FirstMember(); more; more = s.NextMember() {
		key := string(s.Key())
		switch c := s.Peek(); {
		case c == '"':
			t, ok := s.Text()
			if !ok {
				return nil, false
			}
			props[key] = string(t)
		case c == 't' || c == 'f':
			props[key] = s.Value().Bool
		case c == 'n':
			s.Literal("null")
			props[key] = nil
		case c == '-' || c >= '0' && c <= '9':
			props[key] = json.Number(s.Number())
		default: // an object or an array: refused, in encoding/json's words
			return nil, false
		}
	}
	return props, s.Err() == nil
}

// geometry reads a GeoJSON geometry, or null, with the one geometry
// reader (jsonscan.ReadGeometry) that decodeGeometry uses too; a refused
// geometry sends the page to the slow path, which words the refusal.
func (f *feedScanner) geometry() (orb.Geometry, bool) {
	if c := f.s.Peek(); c != '{' && c != 'n' {
		return nil, false
	}
	g, err := jsonscan.ReadGeometry(f.s, jsonscan.GeometryOptions{})
	return g, err == nil
}

// DecodePropertiesObject reads a JSON object of properties as encoding/json
// with UseNumber reads it into a map[string]any (numbers as json.Number,
// null as a nil map), in one pass when the values are scalars. The
// platform keeps every version's properties so, and reads them back for
// every page of the feed.
func DecodePropertiesObject(data []byte) (map[string]any, error) {
	f := feedScanner{s: jsonscan.New(data)}
	f.s.SkipSpace()
	if props, ok := f.properties(); ok && f.s.Err() == nil {
		if f.s.End(); f.s.Err() == nil {
			return props, nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var props map[string]any
	if err := dec.Decode(&props); err != nil {
		return nil, fmt.Errorf("protocol: properties: %w", err)
	}
	if len(bytes.Trim(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, fmt.Errorf("protocol: properties: unexpected data after the object")
	}
	return props, nil
}
