package formats

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds the JSON scanner under ReadGeoJSON: one pass over a byte
// slice, no reflection, no intermediate values. It accepts exactly what
// encoding/json accepts, decodes strings as encoding/json decodes them
// (invalid UTF-8 and lone surrogates become U+FFFD) and words its syntax
// errors the same way, offsets included; FuzzScanValue holds it to that.

// maxJSONDepth is the deepest nesting of arrays and objects accepted, as in
// encoding/json.
const maxJSONDepth = 10000

// jsonSyntaxError is a JSON syntax error, worded as encoding/json words it.
type jsonSyntaxError struct {
	msg    string
	Offset int64 // the error occurred after reading Offset bytes
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// jsonScanner reads JSON from data, token by token, checking the syntax as
// it goes. The first syntax error stops it: err is set, and every later call
// does nothing and reports false or a zero value. Callers check err before
// trusting anything they read.
//
// Objects are read with firstMember and nextMember, which leave the member's
// key in key and the scanner on its value; arrays with firstElement and
// nextElement, which leave it on the next element. Every value must then be
// consumed, by a reading method or skipValue.
type jsonScanner struct {
	data  []byte
	pos   int // next byte to read
	depth int // arrays and objects open
	err   *jsonSyntaxError

	key     []byte // key of the current member; valid until the next member
	keyBuf  []byte // decoded keys with escapes
	textBuf []byte // decoded string values with escapes
}

// jsonForm tells what a jsonValue holds.
type jsonForm uint8

const (
	jsonNull      jsonForm = iota
	jsonBool               // boolVal
	jsonInt                // a number with no fraction or exponent that fits an int64: intVal
	jsonFloat              // any other number within the float64 range: floatVal
	jsonBigNumber          // a number beyond the float64 range, kept as its literal only
	jsonString             // text
	jsonRaw                // an object or array, as compact JSON text
)

// jsonValue is one JSON value read by jsonScanner.value. Numbers also keep
// where their literal is in the scanner's data, so that it can be had as
// written ("2.50", "1E3").
type jsonValue struct {
	text       string  // jsonString: the text; jsonRaw: compact JSON text
	intVal     int64   // jsonInt
	floatVal   float64 // jsonFloat
	start, end int     // numbers: the literal is data[start:end]
	form       jsonForm
	boolVal    bool // jsonBool
}

// fail records a syntax error at data[i] ("invalid character 'x' <context>"),
// or past the end of data "unexpected end of JSON input". Only the first
// error is kept.
func (s *jsonScanner) fail(i int, context string) {
	if s.err != nil {
		return
	}
	if i >= len(s.data) {
		s.err = &jsonSyntaxError{"unexpected end of JSON input", int64(len(s.data))}
	} else {
		s.err = &jsonSyntaxError{"invalid character " + quoteChar(s.data[i]) + " " + context, int64(i + 1)}
	}
	s.pos = len(s.data)
}

// failInToken is fail inside a literal, a number or an escape, where
// encoding/json reports the end of the input as an unexpected space.
func (s *jsonScanner) failInToken(i int, context string) {
	if i >= len(s.data) && s.err == nil {
		s.err = &jsonSyntaxError{"invalid character ' ' " + context, int64(len(s.data))}
		s.pos = len(s.data)
	}
	s.fail(i, context)
}

// quoteChar formats c as encoding/json does in its syntax errors.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// peek returns the byte at the scanner's position, 0 at the end or after an error.
func (s *jsonScanner) peek() byte {
	if s.err == nil && s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// end checks that only spaces follow the top-level value.
func (s *jsonScanner) end() {
	if s.err != nil {
		return
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		s.fail(s.pos, "after top-level value")
	}
}

// open consumes the '{' or '[' at the scanner's position.
func (s *jsonScanner) open() bool {
	s.depth++
	if s.depth > maxJSONDepth {
		s.fail(s.pos, "exceeded max depth")
		return false
	}
	s.pos++
	s.skipSpace()
	return true
}

// firstMember starts reading the object at the scanner's position: it
// reads the first member's key into s.key and leaves the scanner on its
// value. It reports false for an empty object (consumed) or a syntax error.
func (s *jsonScanner) firstMember() bool { return s.member(true, true) }

// nextMember moves to the next member of the object being read, as
// firstMember does; it reports false at the closing brace (consumed) or on a
// syntax error.
func (s *jsonScanner) nextMember() bool { return s.member(false, true) }

// member implements firstMember and nextMember; without decode, the key is
// only checked and s.key is left alone.
func (s *jsonScanner) member(first, decode bool) bool {
	if s.err != nil {
		return false
	}
	if first {
		if !s.open() {
			return false
		}
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			s.depth--
			return false
		}
	} else {
		s.skipSpace()
		if s.pos >= len(s.data) {
			s.fail(s.pos, "")
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
		case '}':
			s.pos++
			s.depth--
			return false
		default:
			s.fail(s.pos, "after object key:value pair")
			return false
		}
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.fail(s.pos, "looking for beginning of object key string")
		return false
	}
	if decode {
		key, ok := s.stringBytes(&s.keyBuf)
		if !ok {
			return false
		}
		s.key = key
	} else if _, _, _, ok := s.scanString(); !ok {
		return false
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		s.fail(s.pos, "after object key")
		return false
	}
	s.pos++
	s.skipSpace()
	return true
}

// firstElement starts reading the array at the scanner's position and
// leaves the scanner on its first element; it reports false for an empty
// array (consumed) or a syntax error.
func (s *jsonScanner) firstElement() bool {
	if s.err != nil || !s.open() {
		return false
	}
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return false
	}
	return true
}

// nextElement moves to the next element of the array being read; it reports
// false at the closing bracket (consumed) or on a syntax error.
func (s *jsonScanner) nextElement() bool {
	if s.err != nil {
		return false
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
			return true
		case ']':
			s.pos++
			s.depth--
			return false
		}
	}
	s.fail(s.pos, "after array element")
	return false
}

// skipValue consumes the value at the scanner's position, checking its syntax.
func (s *jsonScanner) skipValue() {
	switch c := s.peek(); c {
	case '{':
		for more := s.member(true, false); more; more = s.member(false, false) {
			s.skipValue()
		}
	case '[':
		for more := s.firstElement(); more; more = s.nextElement() {
			s.skipValue()
		}
	case '"':
		s.scanString()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			s.number()
			return
		}
		s.fail(s.pos, "looking for beginning of value")
	}
}

// literal consumes word (true, false or null), whose first byte is at the
// scanner's position.
func (s *jsonScanner) literal(word string) bool {
	for i := 1; i < len(word); i++ {
		j := s.pos + i
		if j >= len(s.data) || s.data[j] != word[i] {
			s.failInToken(j, "in literal "+word+" (expecting "+quoteChar(word[i])+")")
			return false
		}
	}
	s.pos += len(word)
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number consumes the number at the scanner's position (a '-' or a digit)
// and returns its literal.
func (s *jsonScanner) number() []byte {
	d, i := s.data, s.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		s.failInToken(i, "in numeric literal")
		return nil
	case d[i] == '0':
		i++
	case d[i] >= '1' && d[i] <= '9':
		i++
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		s.fail(i, "in numeric literal")
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			s.failInToken(i, "after decimal point in numeric literal")
			return nil
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			s.failInToken(i, "in exponent of numeric literal")
			return nil
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	lit := d[s.pos:i]
	s.pos = i
	return lit
}

// plainASCII marks the bytes that stand for themselves in a JSON string and
// need no UTF-8 check: ASCII but controls, '"' and '\'.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes consumes the string at the scanner's position (its opening
// quote) and returns its text: a slice of data when the string has no escape
// and is valid UTF-8, else the text decoded into *buf (which it may grow).
func (s *jsonScanner) stringBytes(buf *[]byte) ([]byte, bool) {
	raw, escaped, ascii, ok := s.scanString()
	if !ok {
		return nil, false
	}
	if !escaped && (ascii || utf8.Valid(raw)) {
		return raw, true
	}
	*buf = appendUnquoted((*buf)[:0], raw)
	return *buf, true
}

// scanString consumes the string at the scanner's position (its opening
// quote), checking it, and returns what lies between the quotes, whether
// that holds escapes and whether it is all ASCII.
func (s *jsonScanner) scanString() (raw []byte, escaped, ascii, ok bool) {
	d := s.data
	start := s.pos + 1
	i := start
	ascii = true
	for {
		for i < len(d) && plainASCII[d[i]] {
			i++
		}
		if i >= len(d) {
			s.fail(i, "")
			return nil, false, false, false
		}
		c := d[i]
		if c == '"' {
			break
		}
		if c >= 0x80 {
			ascii = false
			i++
			continue
		}
		if c < 0x20 {
			s.fail(i, "in string literal")
			return nil, false, false, false
		}
		// A backslash.
		escaped = true
		i++
		if i >= len(d) {
			s.failInToken(i, "in string escape code")
			return nil, false, false, false
		}
		switch d[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			i++
			for range 4 {
				if i >= len(d) || !isHex(d[i]) {
					s.failInToken(i, `in \u hexadecimal character escape`)
					return nil, false, false, false
				}
				i++
			}
		default:
			s.fail(i, "in string escape code")
			return nil, false, false, false
		}
	}
	s.pos = i + 1
	return d[start:i], escaped, ascii, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// appendUnquoted appends the text of raw, the inside of a JSON string
// already checked by stringBytes, to buf, as encoding/json decodes it: a
// byte of invalid UTF-8 becomes U+FFFD, and so does a \u escape of a
// surrogate that is not the first of a valid pair.
func appendUnquoted(buf, raw []byte) []byte {
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			e := raw[r+1]
			r += 2
			switch e {
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				rr := hex4(raw[r : r+4])
				r += 4
				if utf16.IsSurrogate(rr) {
					if len(raw) >= r+6 && raw[r] == '\\' && raw[r+1] == 'u' {
						if pair := utf16.DecodeRune(rr, hex4(raw[r+2:r+6])); pair != utf8.RuneError {
							buf = utf8.AppendRune(buf, pair)
							r += 6
							break
						}
					}
					rr = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, rr)
			default: // '"', '\\' and '/'
				buf = append(buf, e)
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			buf = utf8.AppendRune(buf, rr)
			r += size
		}
	}
	return buf
}

// hex4 reads four hexadecimal digits, already checked.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// value consumes the value at the scanner's position: null, a boolean, a
// number, a string, or an object or array kept as compact JSON text.
func (s *jsonScanner) value() jsonValue {
	switch c := s.peek(); c {
	case '"':
		text, ok := s.stringBytes(&s.textBuf)
		if !ok {
			return jsonValue{}
		}
		return jsonValue{form: jsonString, text: string(text)}
	case '{', '[':
		start := s.pos
		s.skipValue()
		if s.err != nil {
			return jsonValue{}
		}
		return jsonValue{form: jsonRaw, text: compactJSON(s.data[start:s.pos])}
	case 't':
		return jsonValue{form: jsonBool, boolVal: s.literal("true")}
	case 'f':
		s.literal("false")
		return jsonValue{form: jsonBool}
	case 'n':
		s.literal("null")
		return jsonValue{}
	}
	start := s.pos
	s.skipValue() // a number, or a syntax error
	if s.err != nil {
		return jsonValue{}
	}
	v := jsonValue{start: start, end: s.pos}
	lit := s.data[start:s.pos]
	if i, ok := parseJSONInt(lit); ok {
		v.form, v.intVal = jsonInt, i
		return v
	}
	f, err := parseJSONFloat(lit)
	if err != nil { // out of range: the only error on a valid literal
		v.form = jsonBigNumber
		return v
	}
	v.form, v.floatVal = jsonFloat, f
	return v
}

// parseJSONInt reads a valid JSON number literal as an int64 when it is
// written as an integer in the int64 range, like strconv.ParseInt but
// without allocating on failure.
func parseJSONInt(lit []byte) (int64, bool) {
	digits := lit
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0') // 18 digits cannot overflow
	}
	if len(digits) == 19 { // might overflow: let strconv decide
		i, err := strconv.ParseInt(string(lit), 10, 64)
		return i, err == nil
	}
	if lit[0] == '-' {
		n = -n
	}
	return n, true
}

// exactPow10 are the powers of ten a float64 holds exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseJSONFloat is strconv.ParseFloat(lit, 64) for a valid JSON number
// literal, with a shortcut for the common ones, decimals of at most 15
// digits and no exponent: their digits as an integer and the power of ten
// are exact floats, so one division rounds correctly, giving what
// ParseFloat gives.
func parseJSONFloat(lit []byte) (float64, error) {
	if len(lit) == 0 {
		return 0, strconv.ErrSyntax
	}
	digits := lit
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	var m uint64
	n, frac := 0, -1 // digits read; digits after the point, -1 before it
	for _, c := range digits {
		switch {
		case isDigit(c):
			m = m*10 + uint64(c-'0')
			n++
			if frac >= 0 {
				frac++
			}
		case c == '.':
			frac = 0
		default: // an exponent
			n = 16
		}
		if n > 15 {
			return strconv.ParseFloat(string(lit), 64)
		}
	}
	f := float64(m)
	if frac > 0 {
		f /= exactPow10[frac]
	}
	if neg {
		f = -f
	}
	return f, nil
}

// compactJSON returns raw, a valid JSON value, without the spaces outside
// its strings, as json.Compact writes it.
func compactJSON(raw []byte) string {
	var out []byte
	inString, escaped := false, false
	for i, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString:
			inString = c != '"'
			escaped = c == '\\'
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if out == nil {
				out = append(make([]byte, 0, len(raw)), raw[:i]...)
			}
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return string(raw)
	}
	return string(out)
}
