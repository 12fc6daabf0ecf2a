package jsonscan

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
	want Value  // text, intVal, floatVal, form, boolVal; numbers' start and end are not compared
	err  string // the syntax error, as encoding/json words it; "" for success
}{
	{in: `null`, want: Value{Form: FormNull}},
	{in: ` true `, want: Value{Form: FormBool, Bool: true}},
	{in: "false\n", want: Value{Form: FormBool}},
	{in: `"Tournus"`, want: Value{Form: FormString, Text: "Tournus"}},
	{in: `""`, want: Value{Form: FormString}},
	{in: `"Mâcon \"71\"\\\/\b\f\n\r\t"`, want: Value{Form: FormString, Text: "Mâcon \"71\"\\/\b\f\n\r\t"}},
	{in: `"\u00e9\u00C9 \u20ac \ud83d\ude92"`, want: Value{Form: FormString, Text: "éÉ € 🚒"}},
	{in: `"\ud83d"`, want: Value{Form: FormString, Text: "\ufffd"}},
	{in: `"\ud83dx"`, want: Value{Form: FormString, Text: "\ufffdx"}},
	{in: `"\ude92\ud83d"`, want: Value{Form: FormString, Text: "\ufffd\ufffd"}},
	{in: `"\ud83d\u0041"`, want: Value{Form: FormString, Text: "\ufffdA"}},
	{in: `"\ud83d\ud83d\ude92"`, want: Value{Form: FormString, Text: "\ufffd🚒"}},
	{in: `"\u0000"`, want: Value{Form: FormString, Text: "\x00"}},
	{in: "\"caf\xe9 \xff\xfe\"", want: Value{Form: FormString, Text: "caf\ufffd \ufffd\ufffd"}},
	{in: "\"\xed\xa0\x80\"", want: Value{Form: FormString, Text: "\ufffd\ufffd\ufffd"}}, // UTF-8 of a surrogate
	{in: "\"\xe2\x82\"", want: Value{Form: FormString, Text: "\ufffd\ufffd"}},
	{in: "\"\x7f\"", want: Value{Form: FormString, Text: "\x7f"}},
	{in: `0`, want: Value{Form: FormInt}},
	{in: `-0`, want: Value{Form: FormInt}},
	{in: `123`, want: Value{Form: FormInt, Int: 123}},
	{in: `-9223372036854775808`, want: Value{Form: FormInt, Int: math.MinInt64}},
	{in: `9223372036854775807`, want: Value{Form: FormInt, Int: math.MaxInt64}},
	{in: `9223372036854775808`, want: Value{Form: FormFloat, Float: 9223372036854775808}},
	{in: `12345678901234567890123`, want: Value{Form: FormFloat, Float: 12345678901234567890123}},
	{in: `2.50`, want: Value{Form: FormFloat, Float: 2.5}},
	{in: `1E3`, want: Value{Form: FormFloat, Float: 1000}},
	{in: `-1.5e-3`, want: Value{Form: FormFloat, Float: -0.0015}},
	{in: `1e-400`, want: Value{Form: FormFloat}},
	{in: `1e400`, want: Value{Form: FormBigNumber}},
	{in: `-1e400`, want: Value{Form: FormBigNumber}},
	{in: `{ "k" : [1, 2 ,{}], "s":"a b" }`, want: Value{Form: FormRaw, Text: `{"k":[1,2,{}],"s":"a b"}`}},
	{in: "[ \"\\\" \\\\\" ,\t\"x\" ]", want: Value{Form: FormRaw, Text: `["\" \\","x"]`}},
	{in: `[]`, want: Value{Form: FormRaw, Text: `[]`}},
	{in: `{"\u0041":1,"A":2}`, want: Value{Form: FormRaw, Text: `{"\u0041":1,"A":2}`}},

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
	{in: strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), want: Value{Form: FormRaw,
		Text: strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)}},
	{in: strings.Repeat(`{"a":`, MaxDepth+1), err: "invalid character '{' exceeded max depth"},
}

// scanWhole reads data as one JSON value, with nothing after it.
func scanWhole(data []byte) (Value, error) {
	s := New(data)
	s.SkipSpace()
	v := s.Value()
	s.End()
	if s.err != nil {
		return Value{}, s.err
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
		v.Start, v.End = 0, 0
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
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset != c.offset {
			t.Errorf("%q: %v, want offset %d", c.in, err, c.offset)
		}
	}
}

func TestScanKeys(t *testing.T) {
	// Keys are decoded like strings, also in a second key after an escaped one.
	data := []byte(`{"t\u0079pe":1, "caf\u00e9":2, "na` + "\xff" + `me":3, "plain":4}`)
	s := New(data)
	var keys []string
	for more := s.FirstMember(); more; more = s.NextMember() {
		keys = append(keys, string(s.Key()))
		s.Skip()
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
		if got, err := ParseFloat([]byte(lit)); err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("ParseFloat(%s) = %v, %v; want %v", lit, got, err, want)
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
			var got *SyntaxError
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
		s := New(data)
		s.SkipSpace()
		if got := scanAny(s); s.err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: scanned %#v (%v), encoding/json %#v", data, got, s.err, want)
		}
	})
}

// checkScanned compares what Scanner.value read with encoding/json's
// value (decoded with UseNumber).
func checkScanned(t *testing.T, data []byte, v Value, want any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		if v.Form != FormNull {
			t.Fatalf("%q: %+v, want null", data, v)
		}
	case bool:
		if v.Form != FormBool || v.Bool != w {
			t.Fatalf("%q: %+v, want %v", data, v, w)
		}
	case string:
		if v.Form != FormString || v.Text != w {
			t.Fatalf("%q: %+v, want string %q", data, v, w)
		}
	case json.Number:
		if lit := string(data[v.Start:v.End]); lit != string(w) {
			t.Fatalf("%q: literal %q, want %q", data, lit, w)
		}
		if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			if v.Form != FormInt || v.Int != i {
				t.Fatalf("%q: %+v, want int %d", data, v, i)
			}
			return
		}
		f, err := strconv.ParseFloat(string(w), 64)
		switch {
		case err != nil:
			if v.Form != FormBigNumber {
				t.Fatalf("%q: %+v, want a big number", data, v)
			}
		case v.Form != FormFloat || math.Float64bits(v.Float) != math.Float64bits(f):
			t.Fatalf("%q: %+v, want float %v", data, v, f)
		}
	default: // an object or an array
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		if v.Form != FormRaw || v.Text != compact.String() {
			t.Fatalf("%q: %+v, want raw %q", data, v, compact.String())
		}
	}
}

// scanAny reads any JSON value with the scanner's tokens into what
// encoding/json would give with UseNumber.
func scanAny(s *Scanner) any {
	switch c := s.Peek(); c {
	case '{':
		m := map[string]any{}
		for more := s.FirstMember(); more; more = s.NextMember() {
			key := string(s.Key()) // before the value, which may hold other keys
			m[key] = scanAny(s)
		}
		return m
	case '[':
		a := []any{}
		for more := s.FirstElement(); more; more = s.NextElement() {
			a = append(a, scanAny(s))
		}
		return a
	case '"':
		text, _ := s.Text()
		return string(text)
	case 't', 'f':
		return s.Literal(map[byte]string{'t': "true", 'f': "false"}[c]) && c == 't'
	case 'n':
		s.Literal("null")
		return nil
	}
	start := s.pos
	s.Skip()
	return json.Number(s.data[start:s.pos])
}
