// Package jsonscan reads JSON in one pass over a byte slice, token by token,
// with no reflection and no intermediate values: the decoders of large
// outside documents (GeoJSON imports, the sync feed) are built on it.
package jsonscan

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner accepts exactly what encoding/json accepts, decodes strings as
// encoding/json decodes them (invalid UTF-8 and lone surrogates become
// U+FFFD) and words its syntax errors the same way, offsets included;
// FuzzScanValue holds it to that.

// MaxDepth is the deepest nesting of arrays and objects accepted, as in
// encoding/json.
const MaxDepth = 10000

// SyntaxError is a JSON syntax error, worded as encoding/json words it.
type SyntaxError struct {
	msg string
	// Offset is where the error was found.
	Offset int64 // the error occurred after reading Offset bytes
}

func (e *SyntaxError) Error() string { return e.msg }

// Scanner reads JSON from data, token by token, checking the syntax as
// it goes. The first syntax error stops it: err is set, and every later call
// does nothing and reports false or a zero value. Callers check err before
// trusting anything they read.
//
// Objects are read with FirstMember and NextMember, which leave the member's
// key in Key and the scanner on its value; arrays with FirstElement and
// NextElement, which leave it on the next element. Every value must then be
// consumed, by a reading method or Skip.
type Scanner struct {
	data  []byte
	pos   int // next byte to read
	depth int // arrays and objects open
	err   *SyntaxError

	key     []byte // key of the current member; valid until the next member
	keyBuf  []byte // decoded keys with escapes
	textBuf []byte // decoded string values with escapes
}

// New returns a scanner at the start of data.
func New(data []byte) *Scanner { return &Scanner{data: data} }

// Data returns the bytes the scanner reads.
func (s *Scanner) Data() []byte { return s.data }

// Pos returns the offset of the next byte to read.
func (s *Scanner) Pos() int { return s.pos }

// Depth returns how many arrays and objects are open.
func (s *Scanner) Depth() int { return s.depth }

// Seek moves the scanner back to pos, an offset it reported with Pos while
// depth arrays and objects were open, to read the same values again.
func (s *Scanner) Seek(pos, depth int) { s.pos, s.depth = pos, depth }

// Err returns the first syntax error met, or nil.
func (s *Scanner) Err() *SyntaxError { return s.err }

// Key returns the key of the current member, valid until the next member.
func (s *Scanner) Key() []byte { return s.key }

// Text consumes the string at the scanner's position and returns its text:
// a slice of the data when it has no escape, else decoded into a buffer
// that the next call to Text reuses. It reports false on a syntax error.
func (s *Scanner) Text() ([]byte, bool) { return s.stringBytes(&s.textBuf) }

// Form tells what a Value holds.
type Form uint8

const (
	FormNull      Form = iota
	FormBool           // boolVal
	FormInt            // a number with no fraction or exponent that fits an int64: intVal
	FormFloat          // any other number within the float64 range: floatVal
	FormBigNumber      // a number beyond the float64 range, kept as its literal only
	FormString         // text
	FormRaw            // an object or array, as compact JSON text
)

// Value is one JSON value read by Scanner.value. Numbers also keep
// where their literal is in the scanner's data, so that it can be had as
// written ("2.50", "1E3").
type Value struct {
	Text       string  // FormString: the text; FormRaw: compact JSON text
	Int        int64   // FormInt
	Float      float64 // FormFloat
	Start, End int     // numbers: the literal is data[Start:End]
	Form       Form
	Bool       bool // FormBool
}

// fail records a syntax error at data[i] ("invalid character 'x' <context>"),
// or past the end of data "unexpected end of JSON input". Only the first
// error is kept.
func (s *Scanner) fail(i int, context string) {
	if s.err != nil {
		return
	}
	if i >= len(s.data) {
		s.err = &SyntaxError{"unexpected end of JSON input", int64(len(s.data))}
	} else {
		s.err = &SyntaxError{"invalid character " + quoteChar(s.data[i]) + " " + context, int64(i + 1)}
	}
	s.pos = len(s.data)
}

// failInToken is fail inside a literal, a number or an escape, where
// encoding/json reports the end of the input as an unexpected space.
func (s *Scanner) failInToken(i int, context string) {
	if i >= len(s.data) && s.err == nil {
		s.err = &SyntaxError{"invalid character ' ' " + context, int64(len(s.data))}
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
func (s *Scanner) Peek() byte {
	if s.err == nil && s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

func (s *Scanner) SkipSpace() {
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
func (s *Scanner) End() {
	if s.err != nil {
		return
	}
	s.SkipSpace()
	if s.pos < len(s.data) {
		s.fail(s.pos, "after top-level value")
	}
}

// open consumes the '{' or '[' at the scanner's position.
func (s *Scanner) open() bool {
	s.depth++
	if s.depth > MaxDepth {
		s.fail(s.pos, "exceeded max depth")
		return false
	}
	s.pos++
	s.SkipSpace()
	return true
}

// firstMember starts reading the object at the scanner's position: it
// reads the first member's key into s.key and leaves the scanner on its
// value. It reports false for an empty object (consumed) or a syntax error.
func (s *Scanner) FirstMember() bool { return s.member(true, true) }

// nextMember moves to the next member of the object being read, as
// firstMember does; it reports false at the closing brace (consumed) or on a
// syntax error.
func (s *Scanner) NextMember() bool { return s.member(false, true) }

// member implements firstMember and nextMember; without decode, the key is
// only checked and s.key is left alone.
func (s *Scanner) member(first, decode bool) bool {
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
		s.SkipSpace()
		if s.pos >= len(s.data) {
			s.fail(s.pos, "")
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.SkipSpace()
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
	s.SkipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		s.fail(s.pos, "after object key")
		return false
	}
	s.pos++
	s.SkipSpace()
	return true
}

// firstElement starts reading the array at the scanner's position and
// leaves the scanner on its first element; it reports false for an empty
// array (consumed) or a syntax error.
func (s *Scanner) FirstElement() bool {
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
func (s *Scanner) NextElement() bool {
	if s.err != nil {
		return false
	}
	s.SkipSpace()
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.SkipSpace()
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

// Skip consumes the value at the scanner's position, checking its syntax.
func (s *Scanner) Skip() {
	switch c := s.Peek(); c {
	case '{':
		for more := s.member(true, false); more; more = s.member(false, false) {
			s.Skip()
		}
	case '[':
		for more := s.FirstElement(); more; more = s.NextElement() {
			s.Skip()
		}
	case '"':
		s.scanString()
	case 't':
		s.Literal("true")
	case 'f':
		s.Literal("false")
	case 'n':
		s.Literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			s.Number()
			return
		}
		s.fail(s.pos, "looking for beginning of value")
	}
}

// literal consumes word (true, false or null), whose first byte is at the
// scanner's position.
func (s *Scanner) Literal(word string) bool {
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
func (s *Scanner) Number() []byte {
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
// quote) and returns its Text: a slice of data when the string has no escape
// and is valid UTF-8, else the text decoded into *buf (which it may grow).
func (s *Scanner) stringBytes(buf *[]byte) ([]byte, bool) {
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
func (s *Scanner) scanString() (raw []byte, escaped, ascii, ok bool) {
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
func (s *Scanner) Value() Value {
	switch c := s.Peek(); c {
	case '"':
		text, ok := s.Text()
		if !ok {
			return Value{}
		}
		return Value{Form: FormString, Text: string(text)}
	case '{', '[':
		start := s.pos
		s.Skip()
		if s.err != nil {
			return Value{}
		}
		return Value{Form: FormRaw, Text: Compact(s.data[start:s.pos])}
	case 't':
		return Value{Form: FormBool, Bool: s.Literal("true")}
	case 'f':
		s.Literal("false")
		return Value{Form: FormBool}
	case 'n':
		s.Literal("null")
		return Value{}
	}
	start := s.pos
	s.Skip() // a number, or a syntax error
	if s.err != nil {
		return Value{}
	}
	v := Value{Start: start, End: s.pos}
	lit := s.data[start:s.pos]
	if i, ok := ParseInt(lit); ok {
		v.Form, v.Int = FormInt, i
		return v
	}
	f, err := ParseFloat(lit)
	if err != nil { // out of range: the only error on a valid literal
		v.Form = FormBigNumber
		return v
	}
	v.Form, v.Float = FormFloat, f
	return v
}

// ParseInt reads a valid JSON number literal as an int64 when it is
// written as an integer in the int64 range, like strconv.ParseInt but
// without allocating on failure.
func ParseInt(lit []byte) (int64, bool) {
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

// ParseFloat is strconv.ParseFloat(lit, 64) for a valid JSON number
// literal, with a shortcut for the common ones, decimals of at most 15
// digits and no exponent: their digits as an integer and the power of ten
// are exact floats, so one division rounds correctly, giving what
// ParseFloat gives.
func ParseFloat(lit []byte) (float64, error) {
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

// Compact returns raw, a valid JSON value, without the spaces outside
// its strings, as json.Compact writes it.
func Compact(raw []byte) string {
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

// IsNumber reports whether lit is a JSON number literal, and nothing else.
func IsNumber(lit []byte) bool {
	if len(lit) == 0 || lit[0] != '-' && !isDigit(lit[0]) {
		return false
	}
	s := New(lit)
	s.Number()
	return s.err == nil && s.pos == len(lit)
}
