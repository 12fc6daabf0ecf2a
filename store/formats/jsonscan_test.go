package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// scanValueCases double as seeds of FuzzScanValue, which checks each of
// them, and everything else, against encoding/json.
var scanValueCases = []struct {
	in   string
	want jsonValue // text, intVal, floatVal, form, boolVal; numbers' start and end are not compared
	err  string    // the syntax error, as encoding/json words it; "" for success
}{
	{in: `null`, want: jsonValue{form: jsonNull}},
	{in: ` true `, want: jsonValue{form: jsonBool, boolVal: true}},
	{in: "false\n", want: jsonValue{form: jsonBool}},
	{in: `"Tournus"`, want: jsonValue{form: jsonString, text: "Tournus"}},
	{in: `""`, want: jsonValue{form: jsonString}},
	{in: `"Mâcon \"71\"\\\/\b\f\n\r\t"`, want: jsonValue{form: jsonString, text: "Mâcon \"71\"\\/\b\f\n\r\t"}},
	{in: `"\u00e9\u00C9 \u20ac \ud83d\ude92"`, want: jsonValue{form: jsonString, text: "éÉ € 🚒"}},
	{in: `"\ud83d"`, want: jsonValue{form: jsonString, text: "\ufffd"}},
	{in: `"\ud83dx"`, want: jsonValue{form: jsonString, text: "\ufffdx"}},
	{in: `"\ude92\ud83d"`, want: jsonValue{form: jsonString, text: "\ufffd\ufffd"}},
	{in: `"\ud83d\u0041"`, want: jsonValue{form: jsonString, text: "\ufffdA"}},
	{in: `"\ud83d\ud83d\ude92"`, want: jsonValue{form: jsonString, text: "\ufffd🚒"}},
	{in: `"\u0000"`, want: jsonValue{form: jsonString, text: "\x00"}},
	{in: "\"caf\xe9 \xff\xfe\"", want: jsonValue{form: jsonString, text: "caf\ufffd \ufffd\ufffd"}},
	{in: "\"\xed\xa0\x80\"", want: jsonValue{form: jsonString, text: "\ufffd\ufffd\ufffd"}}, // UTF-8 of a surrogate
	{in: "\"\xe2\x82\"", want: jsonValue{form: jsonString, text: "\ufffd\ufffd"}},
	{in: "\"\x7f\"", want: jsonValue{form: jsonString, text: "\x7f"}},
	{in: `0`, want: jsonValue{form: jsonInt}},
	{in: `-0`, want: jsonValue{form: jsonInt}},
	{in: `123`, want: jsonValue{form: jsonInt, intVal: 123}},
	{in: `-9223372036854775808`, want: jsonValue{form: jsonInt, intVal: math.MinInt64}},
	{in: `9223372036854775807`, want: jsonValue{form: jsonInt, intVal: math.MaxInt64}},
	{in: `9223372036854775808`, want: jsonValue{form: jsonFloat, floatVal: 9223372036854775808}},
	{in: `12345678901234567890123`, want: jsonValue{form: jsonFloat, floatVal: 12345678901234567890123}},
	{in: `2.50`, want: jsonValue{form: jsonFloat, floatVal: 2.5}},
	{in: `1E3`, want: jsonValue{form: jsonFloat, floatVal: 1000}},
	{in: `-1.5e-3`, want: jsonValue{form: jsonFloat, floatVal: -0.0015}},
	{in: `1e-400`, want: jsonValue{form: jsonFloat}},
	{in: `1e400`, want: jsonValue{form: jsonBigNumber}},
	{in: `-1e400`, want: jsonValue{form: jsonBigNumber}},
	{in: `{ "k" : [1, 2 ,{}], "s":"a b" }`, want: jsonValue{form: jsonRaw, text: `{"k":[1,2,{}],"s":"a b"}`}},
	{in: "[ \"\\\" \\\\\" ,\t\"x\" ]", want: jsonValue{form: jsonRaw, text: `["\" \\","x"]`}},
	{in: `[]`, want: jsonValue{form: jsonRaw, text: `[]`}},
	{in: `{"\u0041":1,"A":2}`, want: jsonValue{form: jsonRaw, text: `{"\u0041":1,"A":2}`}},

	{in: ``, err: "unexpected end of JSON input"},
	{in: `   `, err: "unexpected end of JSON input"},
	{in: `[1,2`, err: "unexpected end of JSON input"},
	{in: `{"a"`, err: "unexpected end of JSON input"},
	{in: `"abc`, err: "unexpected end of JSON input"},
	{in: `tru`, err: "invalid character ' ' in literal true (expecting 'e')"},
	{in: `nul`, err: "invalid character ' ' in literal null (expecting 'l')"},
	{in: `[fals]`, err: "invalid character ']' in literal false (expecting 'e')"},
	{in: `nULL`, err: "invalid character 'U' in literal null (expecting 'u')"},
	{in: `-`, err: "invalid character ' ' in numeric literal"},
	{in: `-a`, err: "invalid character 'a' in numeric literal"},
	{in: `1.`, err: "invalid character ' ' after decimal point in numeric literal"},
	{in: `[1.e5]`, err: "invalid character 'e' after decimal point in numeric literal"},
	{in: `1e`, err: "invalid character ' ' in exponent of numeric literal"},
	{in: `1e+`, err: "invalid character ' ' in exponent of numeric literal"},
	{in: `01`, err: "invalid character '1' after top-level value"},
	{in: `[01]`, err: "invalid character '1' after array element"},
	{in: `{"a":01}`, err: "invalid character '1' after object key:value pair"},
	{in: `+1`, err: "invalid character '+' looking for beginning of value"},
	{in: `.5`, err: "invalid character '.' looking for beginning of value"},
	{in: `[1,]`, err: "invalid character ']' looking for beginning of value"},
	{in: `{"a":1,}`, err: "invalid character '}' looking for beginning of object key string"},
	{in: `{a:1}`, err: "invalid character 'a' looking for beginning of object key string"},
	{in: `{"a" 1}`, err: "invalid character '1' after object key"},
	{in: `{"a":}`, err: "invalid character '}' looking for beginning of value"},
	{in: `[1 2]`, err: "invalid character '2' after array element"},
	{in: `{} {}`, err: "invalid character '{' after top-level value"},
	{in: "\"a\tb\"", err: `invalid character '\t' in string literal`},
	{in: "\"a\nb\"", err: `invalid character '\n' in string literal`},
	{in: `"\x"`, err: "invalid character 'x' in string escape code"},
	{in: `"\'"`, err: `invalid character '\'' in string escape code`},
	{in: `"\`, err: "invalid character ' ' in string escape code"},
	{in: `"\u12`, err: `invalid character ' ' in \u hexadecimal character escape`},
	{in: `"\u12G4"`, err: `invalid character 'G' in \u hexadecimal character escape`},
	{in: `["a"}`, err: "invalid character '}' after array element"},
	{in: "\xef\xbb\xbf{}", err: "invalid character 'ï' looking for beginning of value"},
	{in: "'a'", err: `invalid character '\'' looking for beginning of value`},
	{in: strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth), want: jsonValue{form: jsonRaw,
		text: strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)}},
	{in: strings.Repeat(`{"a":`, maxJSONDepth+1), err: "invalid character '{' exceeded max depth"},
}

// scanWhole reads data as one JSON value, with nothing after it.
func scanWhole(data []byte) (jsonValue, error) {
	s := jsonScanner{data: data}
	s.skipSpace()
	v := s.value()
	s.end()
	if s.err != nil {
		return jsonValue{}, s.err
	}
	return v, nil
}

func TestScanValue(t *testing.T) {
	for _, c := range scanValueCases {
		v, err := scanWhole([]byte(c.in))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%.40q: error %v, want %s", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%.40q: %v", c.in, err)
			continue
		}
		v.start, v.end = 0, 0
		if v != c.want {
			t.Errorf("%.40q: got %+v, want %+v", c.in, v, c.want)
		}
	}
}

func TestScanSyntaxErrorOffset(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int64
	}{
		{`[1,]`, 4}, {`{"a" 1}`, 6}, {`[1`, 2}, {`tru`, 3}, {"\"a\nb\"", 3}, {`{} x`, 4},
	} {
		_, err := scanWhole([]byte(c.in))
		var se *jsonSyntaxError
		if !errors.As(err, &se) || se.Offset != c.offset {
			t.Errorf("%q: %v, want offset %d", c.in, err, c.offset)
		}
	}
}

func TestScanKeys(t *testing.T) {
	// Keys are decoded like strings, also in a second key after an escaped one.
	data := []byte(`{"t\u0079pe":1, "caf\u00e9":2, "na` + "\xff" + `me":3, "plain":4}`)
	s := jsonScanner{data: data}
	var keys []string
	for more := s.firstMember(); more; more = s.nextMember() {
		keys = append(keys, string(s.key))
		s.skipValue()
	}
	want := []string{"type", "café", "na\ufffdme", "plain"}
	if s.err != nil || !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, error %v; want %q", keys, s.err, want)
	}
}

func TestParseJSONFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		digits := make([]byte, 1+r.IntN(17))
		for i := range digits {
			digits[i] = byte('0' + r.IntN(10))
		}
		if len(digits) > 1 && digits[0] == '0' {
			digits[0] = '1'
		}
		lit := string(digits)
		if p := r.IntN(len(digits) + 1); p > 0 && p < len(digits) {
			lit = lit[:p] + "." + lit[p:]
		}
		if r.IntN(2) == 0 {
			lit = "-" + lit
		}
		if r.IntN(10) == 0 {
			lit += "e" + strconv.Itoa(r.IntN(40)-20)
		}
		want, _ := strconv.ParseFloat(lit, 64)
		if got, err := parseJSONFloat([]byte(lit)); err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseJSONFloat(%s) = %v, %v; want %v", lit, got, err, want)
		}
	}
}

func FuzzScanValue(f *testing.F) {
	for _, c := range scanValueCases {
		if len(c.in) < 1000 { // the deep ones slow the fuzzer down
			f.Add([]byte(c.in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := scanWhole(data)
		// The scanner is exactly as strict as encoding/json: it is never more
		// lenient, and reports the same first error at the same offset.
		if !json.Valid(data) {
			var want *json.SyntaxError
			if !errors.As(json.Unmarshal(data, new(any)), &want) {
				t.Fatalf("encoding/json refuses %q without a syntax error", data)
			}
			var got *jsonSyntaxError
			if !errors.As(err, &got) {
				t.Fatalf("scanner accepts %q: %+v; encoding/json: %v", data, v, want)
			}
			if got.Error() != want.Error() || got.Offset != want.Offset {
				t.Fatalf("%q: error %q at %d, encoding/json %q at %d", data, got, got.Offset, want, want.Offset)
			}
			return
		}
		if err != nil {
			t.Fatalf("scanner refuses %q, valid for encoding/json: %v", data, err)
		}
		var want any
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		if err := d.Decode(&want); err != nil {
			t.Fatal(err)
		}
		checkScanned(t, data, v, want)

		// Walking the value with the scanner's own tokens gives encoding/json's value too.
		s := jsonScanner{data: data}
		s.skipSpace()
		if got := scanAny(&s); s.err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: scanned %#v (%v), encoding/json %#v", data, got, s.err, want)
		}
	})
}

// checkScanned compares what jsonScanner.value read with encoding/json's
// value (decoded with UseNumber).
func checkScanned(t *testing.T, data []byte, v jsonValue, want any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		if v.form != jsonNull {
			t.Fatalf("%q: %+v, want null", data, v)
		}
	case bool:
		if v.form != jsonBool || v.boolVal != w {
			t.Fatalf("%q: %+v, want %v", data, v, w)
		}
	case string:
		if v.form != jsonString || v.text != w {
			t.Fatalf("%q: %+v, want string %q", data, v, w)
		}
	case json.Number:
		if lit := string(data[v.start:v.end]); lit != string(w) {
			t.Fatalf("%q: literal %q, want %q", data, lit, w)
		}
		if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			if v.form != jsonInt || v.intVal != i {
				t.Fatalf("%q: %+v, want int %d", data, v, i)
			}
			return
		}
		f, err := strconv.ParseFloat(string(w), 64)
		switch {
		case err != nil:
			if v.form != jsonBigNumber {
				t.Fatalf("%q: %+v, want a big number", data, v)
			}
		case v.form != jsonFloat || math.Float64bits(v.floatVal) != math.Float64bits(f):
			t.Fatalf("%q: %+v, want float %v", data, v, f)
		}
	default: // an object or an array
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		if v.form != jsonRaw || v.text != compact.String() {
			t.Fatalf("%q: %+v, want raw %q", data, v, compact.String())
		}
	}
}

// scanAny reads any JSON value with the scanner's tokens into what
// encoding/json would give with UseNumber.
func scanAny(s *jsonScanner) any {
	switch c := s.peek(); c {
	case '{':
		m := map[string]any{}
		for more := s.firstMember(); more; more = s.nextMember() {
			key := string(s.key) // before the value, which may hold other keys
			m[key] = scanAny(s)
		}
		return m
	case '[':
		a := []any{}
		for more := s.firstElement(); more; more = s.nextElement() {
			a = append(a, scanAny(s))
		}
		return a
	case '"':
		text, _ := s.stringBytes(&s.textBuf)
		return string(text)
	case 't', 'f':
		return s.literal(map[byte]string{'t': "true", 'f': "false"}[c]) && c == 't'
	case 'n':
		s.literal("null")
		return nil
	}
	start := s.pos
	s.skipValue()
	return json.Number(s.data[start:s.pos])
}
