package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"terrimap/internal/jsonscan"
)

// jsonSplitter walks a GeoJSON document's top-level object from a reader,
// a buffer at a time, and hands out each element of its "features" arrays
// as a byte slice of its own, for internal/jsonscan's Scanner to decode:
// the document is never in memory whole, only one feature at a time. It
// checks the syntax of the top level itself; that of the values it hands
// out is left to the scanner (it only finds where they end, counting
// brackets outside strings).
//
// Other members are handed to member, whole, when keepMember says so, or
// skipped. Every value is bounded by maxValue bytes.
type jsonSplitter struct {
	r        io.Reader
	buf      []byte
	pos, end int
	base     int64 // document offset of buf[0]
	readErr  error // the reader's error, io.EOF at the end

	state    splitState
	maxValue int
	array    int   // how many "features" arrays were met; the current one
	elements int   // elements handed out of the current array
	start    int64 // document offset of the value last handed out
	value    []byte
	key      []byte // raw key of the member last read, quotes included

	// keepArray says whether the elements of the n-th "features" array (n
	// from 1) are wanted; those not wanted are skipped.
	keepArray func(n int) bool
	// member, when not nil, is given the other members (raw key and value).
	member func(key, value []byte, start int64) error
	// onArray, when not nil, is told of the start of each "features" array
	// (raw key, its number from 1).
	onArray func(key []byte, n int)
}

type splitState uint8

const (
	splitStart splitState = iota
	splitFirstMember
	splitNextMember
	splitFirstElement
	splitNextElement
	splitEnd
	splitDone
)

// maxFeatureBytes is the most a feature (or any member of the top-level
// object other than "features") may take in a streamed GeoJSON file.
const maxFeatureBytes = 64 << 20

const splitBufferSize = 256 << 10

func newJSONSplitter(r io.Reader, maxValue int) *jsonSplitter {
	return &jsonSplitter{r: r, buf: make([]byte, splitBufferSize), maxValue: maxValue,
		keepArray: func(int) bool { return true }}
}

// streamSyntaxError is a syntax error at an offset of the document (after
// its byte order mark), worded as encoding/json words it.
type streamSyntaxError struct {
	msg    string
	offset int64
}

func (e *streamSyntaxError) Error() string { return e.msg }

// tooLargeError is a value beyond the splitter's bound.
type tooLargeError struct{ max int }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("larger than %d MiB, the most one feature or member may take in a streamed file", e.max>>20)
}

// fill makes sure a byte is buffered; it reports false at the end of the
// document or on a read error (in readErr).
func (j *jsonSplitter) fill() bool {
	if j.pos < j.end {
		return true
	}
	for j.readErr == nil {
		j.base += int64(j.end)
		j.pos, j.end = 0, 0
		n, err := j.r.Read(j.buf)
		j.end = n
		if err != nil {
			j.readErr = err
		}
		if n > 0 {
			if j.base == 0 && bytes.HasPrefix(j.buf[:n], []byte("\xef\xbb\xbf")) {
				j.pos, j.base = 3, -3 // offsets are counted after the byte order mark
			}
			if j.pos < j.end {
				return true
			}
		}
	}
	return false
}

func (j *jsonSplitter) offset() int64 { return j.base + int64(j.pos) }

// eofError is the error of a document ending too soon: the reader's own
// error, or a syntax error.
func (j *jsonSplitter) eofError() error {
	if j.readErr != nil && j.readErr != io.EOF {
		return j.readErr
	}
	return &streamSyntaxError{"unexpected end of JSON input", j.offset()}
}

func (j *jsonSplitter) syntaxError(context string) error {
	c := j.buf[j.pos]
	return &streamSyntaxError{"invalid character " + quoteByte(c) + " " + context, j.offset() + 1}
}

// quoteByte formats c as encoding/json does in its syntax errors (see
// jsonscan's quoteChar).
func quoteByte(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

func (j *jsonSplitter) skipSpace() bool {
	for j.fill() {
		switch j.buf[j.pos] {
		case ' ', '\t', '\n', '\r':
			j.pos++
		default:
			return true
		}
	}
	return false
}

// next returns the next wanted element of a "features" array, valid until
// the next call, or io.EOF after the end of the document.
func (j *jsonSplitter) next() ([]byte, error) {
	for {
		switch j.state {
		case splitStart:
			if !j.skipSpace() {
				if j.readErr == io.EOF {
					return nil, errors.New("empty document")
				}
				return nil, j.eofError()
			}
			if c := j.buf[j.pos]; c != '{' {
				return nil, fmt.Errorf("a JSON object is expected, found %s", jsonscan.Kind(c))
			}
			j.pos++
			j.state = splitFirstMember
		case splitFirstMember, splitNextMember:
			if err := j.nextMember(); err != nil {
				return nil, err
			}
		case splitFirstElement, splitNextElement:
			if !j.skipSpace() {
				return nil, j.eofError()
			}
			c := j.buf[j.pos]
			if c == ']' {
				j.pos++
				j.state = splitNextMember
				continue
			}
			if j.state == splitNextElement {
				if c != ',' {
					return nil, j.syntaxError("after array element")
				}
				j.pos++
				if !j.skipSpace() {
					return nil, j.eofError()
				}
			}
			j.state = splitNextElement
			j.elements++
			keep := j.keepArray(j.array)
			j.start = j.offset()
			if err := j.readValue(keep); err != nil {
				return nil, err
			}
			if keep {
				return j.value, nil
			}
		case splitEnd:
			if j.skipSpace() {
				return nil, j.syntaxError("after top-level value")
			}
			if j.readErr != io.EOF {
				return nil, j.readErr
			}
			j.state = splitDone
		case splitDone:
			return nil, io.EOF
		}
	}
}

// nextMember reads the next member of the top-level object: the start of
// an array "features", or another member, handed to j.member.
func (j *jsonSplitter) nextMember() error {
	if !j.skipSpace() {
		return j.eofError()
	}
	c := j.buf[j.pos]
	if j.state == splitNextMember {
		switch c {
		case '}':
			j.pos++
			j.state = splitEnd
			return nil
		case ',':
			j.pos++
			if !j.skipSpace() {
				return j.eofError()
			}
			c = j.buf[j.pos]
		default:
			return j.syntaxError("after object key:value pair")
		}
	} else if c == '}' {
		j.pos++
		j.state = splitEnd
		return nil
	}
	if c != '"' {
		return j.syntaxError("looking for beginning of object key string")
	}
	j.start = j.offset()
	if err := j.readValue(true); err != nil {
		return err
	}
	j.key = append(j.key[:0], j.value...)
	keyScan := jsonscan.New(j.key)
	name, ok := keyScan.Text()
	if !ok {
		err := keyScan.Err()
		return &streamSyntaxError{err.Error(), j.start + err.Offset}
	}
	isFeatures := memberOf(name) == memberFeatures
	if !j.skipSpace() {
		return j.eofError()
	}
	if j.buf[j.pos] != ':' {
		return j.syntaxError("after object key")
	}
	j.pos++
	if !j.skipSpace() {
		return j.eofError()
	}
	j.state = splitNextMember
	if isFeatures && j.buf[j.pos] == '[' {
		j.pos++
		j.array++
		j.elements = 0
		j.state = splitFirstElement
		if j.onArray != nil {
			j.onArray(j.key, j.array)
		}
		return nil
	}
	keep := j.member != nil
	j.start = j.offset()
	if err := j.readValue(keep); err != nil {
		return err
	}
	if keep {
		return j.member(j.key, j.value, j.start)
	}
	return nil
}

// readValue reads the value at the reader's position, into j.value when
// keep says so: an object or array up to its closing bracket, a string up
// to its closing quote, a literal or a number up to the next delimiter.
func (j *jsonSplitter) readValue(keep bool) error {
	j.value = j.value[:0]
	c := j.buf[j.pos]
	var scan func(b []byte) (int, bool)
	switch {
	case c == '{' || c == '[' || c == '"':
		// A string ends at its closing quote, an object or array at the
		// bracket that closes its first one: the same walk, outside
		// strings counting brackets.
		depth, inString, escaped := 0, false, false
		scan = func(b []byte) (int, bool) {
			for i, c := range b {
				switch {
				case escaped:
					escaped = false
				case inString:
					switch c {
					case '\\':
						escaped = true
					case '"':
						if inString = false; depth == 0 {
							return i + 1, true
						}
					}
				case c == '"':
					inString = true
				case c == '{' || c == '[':
					depth++
				case c == '}' || c == ']':
					if depth--; depth == 0 {
						return i + 1, true
					}
				}
			}
			return len(b), false
		}
	case c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
		scan = func(b []byte) (int, bool) {
			for i, c := range b {
				switch c {
				case ' ', '\t', '\n', '\r', ',', ']', '}', ':', '[', '{', '"':
					return i, true
				}
			}
			return len(b), false
		}
	default:
		return j.syntaxError("looking for beginning of value")
	}
	size := 0
	for {
		if !j.fill() {
			if c != '{' && c != '[' && c != '"' && j.readErr == io.EOF {
				return nil // a literal or number ending the document: the caller finds the end
			}
			return j.eofError()
		}
		n, done := scan(j.buf[j.pos:j.end])
		if size += n; size > j.maxValue {
			return &tooLargeError{j.maxValue}
		}
		if keep {
			j.value = append(j.value, j.buf[j.pos:j.pos+n]...)
		}
		j.pos += n
		if done {
			return nil
		}
	}
}

// lineColumn adds the line and column of a syntax error at offset in the
// document that open reads again, as syntaxErrorAt does in memory.
func lineColumn(open opener, offset int64, err error) error {
	if offset <= 0 || open == nil {
		return err
	}
	rc, oerr := open()
	if oerr != nil {
		return err
	}
	defer rc.Close()
	j := newJSONSplitter(rc, 0)
	line, col := 1, int64(0)
	for j.offset() < offset && j.fill() {
		chunk := j.buf[j.pos:j.end]
		if rest := offset - j.offset(); int64(len(chunk)) > rest {
			chunk = chunk[:rest]
		}
		if k := bytes.Count(chunk, []byte("\n")); k > 0 {
			line += k
			col = int64(len(chunk) - bytes.LastIndexByte(chunk, '\n') - 1)
		} else {
			col += int64(len(chunk))
		}
		j.pos += len(chunk)
	}
	if j.offset() < offset {
		return err
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
