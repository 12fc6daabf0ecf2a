package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Attachments (photos of interventions…) are blobs named by the sha256 of
// their content, uploaded before the push that refers to them:
//
//   - HEAD BlobPath(h) answers 200 with Content-Length when the platform
//     holds the complete blob; otherwise 404, with HeaderUploadOffset set to
//     the number of bytes already received (0 when none): the upload resumes
//     there.
//   - PUT BlobPath(h) sends the bytes from that offset on, with
//     HeaderContentRange (FormatContentRange) unless the body is the whole
//     blob. The platform appends them when the range starts where its copy
//     ends, else answers 416 (CodeBadRange) with a BlobStatus saying where
//     it ends. It answers each PUT with a BlobStatus; once complete, the
//     blob is checked against its name and dropped on a mismatch (422,
//     CodeHashMismatch). PUT of a blob already complete changes nothing
//     and answers Complete.
//   - GET BlobPath(h) answers 200 with the complete blob, 404 until then.
//
// Blobs are at most MaxBlobBytes long.

// BlobHash returns the name of a blob: the lowercase hexadecimal sha256 of
// its content.
func BlobHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ValidBlobHash reports whether s is a blob name: 64 lowercase hexadecimal
// digits.
func ValidBlobHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// BlobStatus is the platform's answer to a blob PUT (and the body of a 416):
// how much of the blob it holds.
type BlobStatus struct {
	// Size is the number of bytes received so far: the offset the next PUT
	// starts at, or the blob's size once Complete.
	Size int64 `json:"size"`
	// Complete says the whole blob was received and matches its hash.
	Complete bool `json:"complete"`
}

// Validate checks the size is within bounds.
func (s BlobStatus) Validate() error {
	if s.Size < 0 || s.Size > MaxBlobBytes {
		return fmt.Errorf("size %d out of 0…%d", s.Size, MaxBlobBytes)
	}
	return nil
}

// ContentRange is the part of a blob one PUT carries: Length bytes from
// Offset, of a blob of Size bytes. Length 0 is the unsatisfied form
// "bytes */Size" (a 416 answer, or a PUT with no body asking for the
// status).
type ContentRange struct {
	Offset, Length, Size int64
}

// ErrBadContentRange is returned (wrapped) by ParseContentRange.
var ErrBadContentRange = errors.New("protocol: bad Content-Range")

// String returns the header value: "bytes 0-99/1000", or "bytes */1000"
// when Length is 0.
func (r ContentRange) String() string {
	if r.Length == 0 {
		return "bytes */" + strconv.FormatInt(r.Size, 10)
	}
	return fmt.Sprintf("bytes %d-%d/%d", r.Offset, r.Offset+r.Length-1, r.Size)
}

// End returns the offset just past the range.
func (r ContentRange) End() int64 { return r.Offset + r.Length }

// FormatContentRange returns the HeaderContentRange value for length bytes
// from offset of a blob of size bytes.
func FormatContentRange(offset, length, size int64) string {
	return ContentRange{Offset: offset, Length: length, Size: size}.String()
}

// ParseContentRange reads a HeaderContentRange value in bytes, with a known
// size of at most MaxBlobBytes: "bytes first-last/size" (last inclusive,
// within size) or "bytes */size".
func ParseContentRange(s string) (ContentRange, error) {
	bad := func(why string) (ContentRange, error) {
		return ContentRange{}, fmt.Errorf("%w: %q: %s", ErrBadContentRange, clip(s), why)
	}
	rest, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return bad(`the unit must be "bytes"`)
	}
	rng, sizeText, ok := strings.Cut(rest, "/")
	if !ok {
		return bad("no /size")
	}
	size, err := parseCount(sizeText)
	if err != nil {
		return bad("size is not a number of bytes")
	}
	if size > MaxBlobBytes {
		return bad(fmt.Sprintf("size exceeds %d bytes", MaxBlobBytes))
	}
	if rng == "*" {
		return ContentRange{Size: size}, nil
	}
	firstText, lastText, ok := strings.Cut(rng, "-")
	if !ok {
		return bad("range is not first-last")
	}
	first, err1 := parseCount(firstText)
	last, err2 := parseCount(lastText)
	switch {
	case err1 != nil || err2 != nil:
		return bad("range is not first-last")
	case last < first:
		return bad("range ends before it starts")
	case last >= size:
		return bad("range ends past the size")
	}
	return ContentRange{Offset: first, Length: last - first + 1, Size: size}, nil
}

// parseCount reads a non-negative decimal number of bytes, digits only.
func parseCount(s string) (int64, error) {
	if s == "" || len(s) > 18 {
		return 0, strconv.ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}
