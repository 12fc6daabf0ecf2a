package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvEncoding is how the bytes of a CSV file become text.
type csvEncoding uint8

const (
	// csvUTF8 is UTF-8 without a byte order mark, read as it is: a file
	// holding an invalid sequence anywhere is csvCP1252 instead.
	csvUTF8 csvEncoding = iota
	// csvUTF8BOM is UTF-8 after its byte order mark; each run of invalid
	// bytes reads as one U+FFFD (as strings.ToValidUTF8).
	csvUTF8BOM
	// csvUTF16 is UTF-16 with its byte order mark (Excel's "Unicode text").
	csvUTF16
	// csvCP1252 is Windows-1252, the Latin-1 of French files.
	csvCP1252
)

// errNotUTF8 is what a csvUTF8 text reader returns at the first chunk
// holding an invalid UTF-8 sequence: the file is then read as csvCP1252.
var errNotUTF8 = errors.New("not UTF-8")

// bomEncoding returns the encoding the first bytes of a file announce by a
// byte order mark, and csvUTF8 when they announce none.
func bomEncoding(head []byte) csvEncoding {
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return csvUTF8BOM
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return csvUTF16
	}
	return csvUTF8
}

// openCSVText returns the text of a CSV file read from raw, as UTF-8: in
// the encoding its byte order mark says, else in noBOM (csvUTF8 or
// csvCP1252). It returns the encoding used.
func openCSVText(raw io.Reader, noBOM csvEncoding) (io.Reader, csvEncoding, error) {
	br := bufio.NewReaderSize(raw, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return nil, 0, err
	}
	enc := bomEncoding(head)
	switch enc {
	case csvUTF8:
		enc = noBOM
	case csvUTF8BOM:
		br.Discard(3)
	}
	return textReader(br, enc), enc, nil
}

// textReader returns the text of r, in encoding enc, as UTF-8 (after the
// byte order mark of UTF-8, at that of UTF-16).
func textReader(r io.Reader, enc csvEncoding) io.Reader {
	switch enc {
	case csvUTF8BOM:
		return transform.NewReader(r, &validUTF8{})
	case csvUTF16:
		return &wrapErrors{transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), "UTF-16 text"}
	case csvCP1252:
		return charmap.Windows1252.NewDecoder().Reader(r)
	}
	return &utf8Checker{r: r}
}

// csvText returns the content of a file as UTF-8, decoded as a CSV file
// is (see ReadCSV): by its byte order mark, else as UTF-8 when it is valid
// UTF-8, else as Windows-1252.
func csvText(data []byte) (string, error) {
	if bomEncoding(data) == csvUTF8 && utf8.Valid(data) {
		return string(data), nil
	}
	text, _, err := openCSVText(bytes.NewReader(data), csvCP1252)
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(text)
	return string(out), err
}

// wrapErrors says what a reader's errors are about.
type wrapErrors struct {
	r    io.Reader
	what string
}

func (w *wrapErrors) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", w.what, err)
	}
	return n, err
}

// utf8Checker passes the bytes of r through, failing with errNotUTF8 (and
// no byte of the chunk) at the first chunk holding an invalid UTF-8
// sequence, an incomplete one at the end included.
type utf8Checker struct {
	r       io.Reader
	pending [utf8.UTFMax]byte // the start of a sequence the last chunk cut
	npend   int
	failed  bool
}

func (c *utf8Checker) Read(p []byte) (int, error) {
	if c.failed {
		return 0, errNotUTF8
	}
	n, err := c.r.Read(p)
	if !c.valid(p[:n]) || err == io.EOF && c.npend > 0 {
		c.failed = true
		return 0, errNotUTF8
	}
	return n, err
}

// valid reports whether b, after the pending bytes, continues valid UTF-8,
// keeping as pending an incomplete sequence at its end.
func (c *utf8Checker) valid(b []byte) bool {
	if c.npend > 0 {
		k := copy(c.pending[c.npend:], b)
		seq := c.pending[:c.npend+k]
		if !utf8.FullRune(seq) {
			c.npend += k
			return true
		}
		r, size := utf8.DecodeRune(seq)
		if r == utf8.RuneError && size == 1 {
			return false
		}
		b = b[size-c.npend:]
		c.npend = 0
	}
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		return false
	}
	c.npend = copy(c.pending[:], b[cut:])
	return true
}

// validUTF8 is a transform that keeps valid UTF-8 and replaces each run
// of invalid bytes with one U+FFFD, as strings.ToValidUTF8 does.
type validUTF8 struct {
	invalid bool // the last byte was an invalid one
}

func (t *validUTF8) Reset() { t.invalid = false }

func (t *validUTF8) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if c := src[nSrc]; c < utf8.RuneSelf {
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			t.invalid = false
			continue
		}
		if !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size == 1 {
			if !t.invalid {
				if len(dst)-nDst < len(string(utf8.RuneError)) {
					return nDst, nSrc, transform.ErrShortDst
				}
				nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError)
				t.invalid = true
			}
			nSrc++
			continue
		}
		if len(dst)-nDst < size {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
		t.invalid = false
	}
	return nDst, nSrc, nil
}
