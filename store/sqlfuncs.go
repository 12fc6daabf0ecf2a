package store

import (
	"database/sql/driver"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"

	"terrimap/store/gpkgbin"
)

// registerFunctions installs, once per process, the SQL functions that the
// GeoPackage RTree triggers call (ST_MinX … ST_IsEmpty), tm_fold, the
// case- and accent-insensitive form used by text search, and tm_sortkey,
// the French sort key of the attribute tables.
var registerFunctions = sync.OnceValue(func() error {
	bound := func(pick func(h gpkgbin.Header, b []byte) (float64, bool)) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			b, ok := args[0].([]byte)
			if !ok {
				return nil, nil
			}
			h, err := gpkgbin.ReadHeader(b)
			if err != nil || h.Empty {
				return nil, nil
			}
			v, ok := pick(h, b)
			if !ok {
				return nil, nil
			}
			return v, nil
		}
	}
	envelope := func(h gpkgbin.Header, b []byte) (minX, maxX, minY, maxY float64, ok bool) {
		if h.HasEnvelope {
			e := h.Envelope
			return e.Min[0], e.Max[0], e.Min[1], e.Max[1], true
		}
		e, ok, err := gpkgbin.Bound(b)
		if err != nil || !ok {
			return 0, 0, 0, 0, false
		}
		return e.Min[0], e.Max[0], e.Min[1], e.Max[1], true
	}
	funcs := map[string]func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error){
		"ST_MinX": bound(func(h gpkgbin.Header, b []byte) (float64, bool) {
			v, _, _, _, ok := envelope(h, b)
			return v, ok
		}),
		"ST_MaxX": bound(func(h gpkgbin.Header, b []byte) (float64, bool) {
			_, v, _, _, ok := envelope(h, b)
			return v, ok
		}),
		"ST_MinY": bound(func(h gpkgbin.Header, b []byte) (float64, bool) {
			_, _, v, _, ok := envelope(h, b)
			return v, ok
		}),
		"ST_MaxY": bound(func(h gpkgbin.Header, b []byte) (float64, bool) {
			_, _, _, v, ok := envelope(h, b)
			return v, ok
		}),
		"ST_IsEmpty": func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			b, ok := args[0].([]byte)
			if !ok {
				return nil, nil
			}
			h, err := gpkgbin.ReadHeader(b)
			if err != nil {
				return nil, nil
			}
			if h.Empty {
				return int64(1), nil
			}
			return int64(0), nil
		},
		"tm_sortkey": sortKeyFunc(),
		"tm_fold": func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch s := args[0].(type) {
			case string:
				return Fold(s), nil
			case []byte:
				return Fold(string(s)), nil
			case nil:
				return nil, nil
			default:
				return s, nil
			}
		},
	}
	for name, fn := range funcs {
		if err := sqlite.RegisterDeterministicScalarFunction(name, 1, fn); err != nil {
			return err
		}
	}
	return nil
})

// Fold returns s lower-cased with its diacritics removed, so that "eglise"
// matches "Église" and "macon" matches "Mâcon"; œ and æ become oe and ae.
// SQLite calls it (tm_fold) for every row a table's filter reads: it
// works a character at a time and allocates the result alone.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
		return foldSlow(s)
	}
	out := make([]byte, 0, len(s))
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			out = append(out, byte(unicode.ToLower(r)))
			continue
		case r == 'œ' || r == 'Œ':
			out = append(out, "oe"...)
			continue
		case r == 'æ' || r == 'Æ':
			out = append(out, "ae"...)
			continue
		}
		dec := norm.NFD.PropertiesString(s[i:]).Decomposition()
		if dec == nil {
			if !unicode.Is(unicode.Mn, r) {
				out = utf8.AppendRune(out, unicode.ToLower(r))
			}
			continue
		}
		for len(dec) > 0 {
			d, n := utf8.DecodeRune(dec)
			dec = dec[n:]
			if !unicode.Is(unicode.Mn, d) {
				out = utf8.AppendRune(out, unicode.ToLower(d))
			}
		}
	}
	folded := string(out)
	if !norm.NFC.IsNormalString(folded) {
		return foldSlow(s)
	}
	return folded
}

// foldSlow is Fold by whole-text normalization: what Fold does when a
// text is not in the composed form (NFC) its characters' one by one
// folding assumes.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae").Replace(out))
}
