package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"terrimap/sync/protocol"
)

// Blob errors callers tell apart.
var (
	// ErrBadRange: an upload part does not start where the stored copy ends.
	ErrBadRange = errors.New("server: blob part does not start where the stored copy ends")
	// ErrHashMismatch: a complete blob does not hash to its name; it was dropped.
	ErrHashMismatch = errors.New("server: blob does not match its hash")
	// ErrBlobTooLarge: the blob would exceed protocol.MaxBlobBytes.
	ErrBlobTooLarge = errors.New("server: blob too large")
	// ErrUploadCut: the client's body stopped before its end (the client
	// hung up, or its line was too slow for the request's deadline). What
	// arrived is kept: the upload resumes from there.
	ErrUploadCut = errors.New("server: blob upload cut short by the client")
	// ErrTooManyPending: the user already has BlobLimits.MaxPendingParts
	// unfinished uploads.
	ErrTooManyPending = errors.New("server: too many unfinished uploads")
	// ErrPendingTooLarge: the upload would take the user's unfinished
	// uploads beyond BlobLimits.MaxPendingBytes.
	ErrPendingTooLarge = errors.New("server: unfinished uploads too large")
)

// BlobStore keeps attachments as files named by their sha256, in a folder:
// NAME.part while an upload is under way, NAME once complete and verified.
//
// A request's body is read into a temporary file (NAME.*.tmp) with no lock
// held, so that a slow line delays only its own upload; the short step that
// appends it to NAME.part, checks the hash and renames is locked per blob.
type BlobStore struct {
	dir string

	mu        sync.Mutex // guards the fields below; never held during I/O
	limits    BlobLimits
	locks     map[string]*blobLock
	pending   map[string]pendingBlob
	lastSweep time.Time
}

// NewBlobStore opens (creating) the folder dir. Temporary files a crash left
// are removed, and unfinished uploads abandoned for BlobLimits.PartTTL.
func NewBlobStore(dir string) (*BlobStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("server: blobs %s: %w", dir, err)
	}
	b := &BlobStore{dir: dir, limits: DefaultBlobLimits(), locks: map[string]*blobLock{}, pending: map[string]pendingBlob{}}
	tmps, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if err != nil {
		return nil, fmt.Errorf("server: blobs %s: %w", dir, err)
	}
	for _, t := range tmps {
		os.Remove(t)
	}
	if _, err := b.Sweep(time.Now()); err != nil {
		return nil, err
	}
	return b, nil
}

// Dir is the folder the blobs are in.
func (b *BlobStore) Dir() string { return b.dir }

func (b *BlobStore) path(hash string) string { return filepath.Join(b.dir, hash) }

// Status returns how much of a blob is held.
func (b *BlobStore) Status(hash string) protocol.BlobStatus {
	if st, err := os.Stat(b.path(hash)); err == nil {
		return protocol.BlobStatus{Size: st.Size(), Complete: true}
	}
	if st, err := os.Stat(b.path(hash) + ".part"); err == nil {
		return protocol.BlobStatus{Size: st.Size()}
	}
	return protocol.BlobStatus{}
}

// Complete reports whether the blob is held whole.
func (b *BlobStore) Complete(hash string) bool { return b.Status(hash).Complete }

// Open returns the complete blob.
func (b *BlobStore) Open(hash string) (*os.File, error) {
	f, err := os.Open(b.path(hash))
	if err != nil {
		return nil, fmt.Errorf("%w: blob %s", ErrNotFound, hash)
	}
	return f, nil
}

// Append writes a part of a blob, sent by user, starting at offset, up to
// size bytes in all (0: the part ends the blob; expect is how many bytes the
// part announces, 0 when unknown). When the blob is whole it is checked
// against its hash and made available. A body cut short returns
// ErrUploadCut with what is now held.
func (b *BlobStore) Append(user, hash string, offset, size, expect int64, r io.Reader) (protocol.BlobStatus, error) {
	st := b.Status(hash)
	if st.Complete {
		return st, nil
	}
	if offset != st.Size {
		return st, ErrBadRange
	}
	if err := b.reserve(user, hash, offset+expect); err != nil {
		return st, err
	}
	defer b.release(hash)
	tmp, n, readErr, err := b.receive(hash, offset, r)
	if err != nil {
		return st, err
	}
	defer os.Remove(tmp) // gone already once moved into place
	unlock := b.lock(hash)
	defer unlock()
	if st = b.Status(hash); st.Complete {
		return st, nil
	}
	if offset != st.Size {
		return st, ErrBadRange // another upload of the same blob went first
	}
	total := offset + n
	if total > protocol.MaxBlobBytes {
		os.Remove(b.path(hash) + ".part")
		b.forget(hash)
		return protocol.BlobStatus{}, ErrBlobTooLarge
	}
	if err := b.appendPart(hash, tmp, offset); err != nil {
		return b.Status(hash), err
	}
	if readErr != nil {
		b.held(hash, total)
		return protocol.BlobStatus{Size: total}, fmt.Errorf("%w: blob %s: %w", ErrUploadCut, hash, readErr)
	}
	if size > 0 && total < size {
		b.held(hash, total)
		return protocol.BlobStatus{Size: total}, nil
	}
	return b.finish(hash, total)
}

// receive reads the body, up to one byte more than a blob may hold, into a
// temporary file. readErr is the body's failure (what was read is kept);
// err the disk's.
func (b *BlobStore) receive(hash string, offset int64, r io.Reader) (tmp string, n int64, readErr, err error) {
	f, err := os.CreateTemp(b.dir, hash+".*.tmp")
	if err != nil {
		return "", 0, nil, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	body := &failedReader{r: io.LimitReader(r, protocol.MaxBlobBytes-offset+1)}
	n, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if body.err != nil {
		return f.Name(), n, body.err, nil
	}
	if err != nil {
		os.Remove(f.Name())
		return "", 0, nil, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return f.Name(), n, nil, nil
}

// failedReader remembers its reader's failure, to tell a body cut short
// from a disk that fails in io.Copy.
type failedReader struct {
	r   io.Reader
	err error
}

func (f *failedReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		f.err = err
	}
	return n, err
}

// appendPart adds the temporary file tmp to the blob's part, which holds
// offset bytes: a rename when it is the first part.
func (b *BlobStore) appendPart(hash, tmp string, offset int64) error {
	part := b.path(hash) + ".part"
	if offset == 0 {
		if err := os.Rename(tmp, part); err != nil {
			return fmt.Errorf("server: blob %s: %w", hash, err)
		}
		return nil
	}
	src, err := os.Open(tmp)
	if err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A part that no longer ends where the client thinks is
		// answered by a 416 with its true size: the client resumes.
		return fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return nil
}

// finish checks a whole part against its name and makes it the blob.
func (b *BlobStore) finish(hash string, total int64) (protocol.BlobStatus, error) {
	part := b.path(hash) + ".part"
	sum, err := fileHash(part)
	if err != nil {
		return protocol.BlobStatus{Size: total}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	if sum != hash {
		os.Remove(part)
		b.forget(hash)
		return protocol.BlobStatus{}, ErrHashMismatch
	}
	if err := os.Rename(part, b.path(hash)); err != nil {
		return protocol.BlobStatus{Size: total}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	b.forget(hash)
	return protocol.BlobStatus{Size: total, Complete: true}, nil
}

// isBlobName reports whether a file of the folder is a complete blob.
func isBlobName(name string) bool {
	return !strings.Contains(name, ".") && protocol.ValidBlobHash(name)
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
