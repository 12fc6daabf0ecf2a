package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

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
)

// BlobStore keeps attachments as files named by their sha256, in a folder:
// NAME.part while an upload is under way, NAME once complete and verified.
type BlobStore struct {
	dir string
	mu  sync.Mutex // one upload step at a time: appends are short
}

// NewBlobStore opens (creating) the folder dir.
func NewBlobStore(dir string) (*BlobStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("server: blobs %s: %w", dir, err)
	}
	return &BlobStore{dir: dir}, nil
}

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

// Append writes a part of a blob starting at offset, up to size bytes in all
// (0: the part ends the blob). When the blob is whole it is checked against
// its hash and made available.
func (b *BlobStore) Append(hash string, offset, size int64, r io.Reader) (protocol.BlobStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.Status(hash)
	if st.Complete {
		return st, nil
	}
	if offset != st.Size {
		return st, ErrBadRange
	}
	part := b.path(hash) + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return st, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	n, err := io.Copy(f, io.LimitReader(r, protocol.MaxBlobBytes-offset+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if offset+n > protocol.MaxBlobBytes {
		os.Remove(part)
		return protocol.BlobStatus{}, ErrBlobTooLarge
	}
	if err != nil {
		// Keep what arrived: the client resumes from there.
		return b.Status(hash), fmt.Errorf("server: blob %s: %w", hash, err)
	}
	total := offset + n
	if size > 0 && total < size {
		return protocol.BlobStatus{Size: total}, nil
	}
	sum, err := fileHash(part)
	if err != nil {
		return protocol.BlobStatus{Size: total}, err
	}
	if sum != hash {
		os.Remove(part)
		return protocol.BlobStatus{}, ErrHashMismatch
	}
	if err := os.Rename(part, b.path(hash)); err != nil {
		return protocol.BlobStatus{Size: total}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return protocol.BlobStatus{Size: total, Complete: true}, nil
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
