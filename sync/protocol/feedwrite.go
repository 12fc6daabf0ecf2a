package protocol

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"terrimap/internal/jsonscan"
)

// The platform writes pages of the change feed with the functions below,
// straight into one buffer: encoding/json would marshal each change's
// properties, then the change, then check and compact what every
// MarshalJSON returned. They write exactly the bytes encoding/json writes
// (TestAppendChangeMatchesEncodingJSON); values of types they do not know
// are handed to encoding/json.

// appender is a message that writes itself as JSON; Encode uses it.
type appender interface {
	appendJSON(dst []byte) ([]byte, error)
}

func (r ChangesResponse) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"changes":`...)
	if r.Changes == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, c := range r.Changes {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = c.appendJSON(dst); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"next":`...)
	dst = strconv.AppendInt(dst, r.Next, 10)
	dst = append(dst, `,"more":`...)
	dst = strconv.AppendBool(dst, r.More)
	dst = append(dst, `,"schema_version":`...)
	dst = strconv.AppendInt(dst, r.SchemaVersion, 10)
	return append(dst, '}'), nil
}

// appendJSON writes the change as MarshalJSON does, a GeoJSON Feature.
func (c Change) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"type":"Feature","id":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"layer":`...)
	dst = appendJSONString(dst, c.Layer)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendInt(dst, c.Seq, 10)
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendInt(dst, c.Version, 10)
	if c.Deleted {
		dst = append(dst, `,"deleted":true`...)
	}
	dst = append(dst, `,"geometry":`...)
	var err error
	if dst, err = appendGeometry(dst, c.Geometry); err != nil {
		return nil, err
	}
	dst = append(dst, `,"properties":`...)
	if dst, err = appendProperties(dst, c.Properties); err != nil {
		return nil, err
	}
	if c.ModifiedBy != "" {
		dst = append(dst, `,"modified_by":`...)
		dst = appendJSONString(dst, c.ModifiedBy)
	}
	if !c.ModifiedAt.IsZero() {
		b, err := c.ModifiedAt.MarshalJSON()
		if err != nil {
			return nil, err
		}
		dst = append(append(dst, `,"modified_at":`...), b...)
	}
	return append(dst, '}'), nil
}

// appendProperties writes props as encoding/json writes a map: keys sorted,
// null for a nil map.
func appendProperties(dst []byte, props map[string]any) ([]byte, error) {
	if props == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '{')
	for i, k := range sortedKeys(props) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendJSONString(dst, k), ':')
		var err error
		if dst, err = appendScalar(dst, props[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendScalar writes a property value; encoding/json writes the types not
// listed here, and refuses what it cannot write.
func appendScalar(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return appendFloat(dst, x), nil
		}
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil
		}
		if jsonscan.IsNumber([]byte(x)) {
			return append(dst, x...), nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// hexDigits are the digits of \u escapes, lower case as encoding/json writes them.
const hexDigits = "0123456789abcdef"

// appendJSONString writes s as encoding/json does: quoted, with \", \\,
// \b, \f, \n, \r, \t, other controls and the HTML characters <, > and & as \u
// escapes, invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
