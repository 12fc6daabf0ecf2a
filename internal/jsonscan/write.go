package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The writing half: JSON appended straight into a byte slice, exactly the
// bytes encoding/json's Marshal writes (FuzzAppendString and
// FuzzAppendObject hold it to that), without reflection for the values
// Terrimap stores. Values of other types are handed to encoding/json.

// ErrNotFinite is the cause of a NaN or an infinity given to a writer:
// JSON has no way to write them.
var ErrNotFinite = errors.New("jsonscan: NaN or infinity cannot be written in JSON")

// hexDigits are the digits of \u escapes, lower case as encoding/json writes them.
const hexDigits = "0123456789abcdef"

// AppendString appends s as encoding/json writes a string: quoted, with \",
// \\, \b, \f, \n, \r, \t, other controls and the HTML characters <, > and &
// as \u escapes, invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func AppendString(dst []byte, s string) []byte {
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

// AppendFloat appends f, a finite number, as encoding/json writes it: the
// shortest form that reads back exactly, in exponent form only below 1e-6
// and from 1e21 on.
func AppendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1] // 1e-07 is written 1e-7
		dst = dst[:n-1]
	}
	return dst
}

// AppendValue appends a property value: nil, string, bool, int, int64,
// float64 (ErrNotFinite for NaN and infinities) and json.Number (checked)
// without reflection; encoding/json writes any other type, or refuses it.
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return AppendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: %v", ErrNotFinite, x)
		}
		return AppendFloat(dst, x), nil
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil
		}
		if IsNumber([]byte(x)) {
			return append(dst, x...), nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("jsonscan: %w", err)
	}
	return append(dst, b...), nil
}

// AppendObject appends props as encoding/json writes a map: keys sorted,
// values by AppendValue, null for a nil map.
func AppendObject(dst []byte, props map[string]any) ([]byte, error) {
	if props == nil {
		return append(dst, "null"...), nil
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(AppendString(dst, k), ':')
		var err error
		if dst, err = AppendValue(dst, props[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}
