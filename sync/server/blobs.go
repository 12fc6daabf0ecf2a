package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
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

// BlobStore keeps attachments, named by their sha256, in a BlobBackend: a
// part while an upload is under way, the blob once complete and verified.
//
// A request's body is read into a spool file with no lock held, so that a
// slow line delays only its own upload; the short step that appends it to
// the part, checks the hash and seals the blob is locked per blob.
type BlobStore struct {
	be  BlobBackend
	dir string // the folder of a folder's store, else ""

	mu        sync.Mutex // guards the fields below; never held during I/O
	limits    BlobLimits
	locks     map[string]*blobLock
	pending   map[string]pendingBlob
	lastSweep time.Time
}

// NewBlobStore opens (creating) a store of files in the folder dir: NAME
// once complete, NAME.part while an upload is under way. Temporary files a
// crash left are removed, and unfinished uploads abandoned for
// BlobLimits.PartTTL.
func NewBlobStore(dir string) (*BlobStore, error) {
	be, err := openFolderBlobs(dir)
	if err != nil {
		return nil, err
	}
	b, err := NewBlobStoreOn(be)
	if err != nil {
		return nil, err
	}
	b.dir = dir
	return b, nil
}

// NewBlobStoreOn opens a store on a backend; unfinished uploads abandoned
// for BlobLimits.PartTTL are removed.
func NewBlobStoreOn(be BlobBackend) (*BlobStore, error) {
	b := &BlobStore{be: be, limits: DefaultBlobLimits(), locks: map[string]*blobLock{}, pending: map[string]pendingBlob{}}
	if _, err := b.Sweep(time.Now()); err != nil {
		return nil, err
	}
	return b, nil
}

// Dir is the folder the blobs are in; empty when they are not in a folder.
func (b *BlobStore) Dir() string { return b.dir }

// Stat returns how much of a blob is held.
func (b *BlobStore) Stat(hash string) (protocol.BlobStatus, error) {
	st, err := b.be.Stat(context.Background(), hash)
	if err != nil {
		return st, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	return st, nil
}

// Status returns how much of a blob is held; nothing when it cannot be
// read (see Stat for the error).
func (b *BlobStore) Status(hash string) protocol.BlobStatus {
	st, _ := b.Stat(hash)
	return st
}

// Complete reports whether the blob is held whole.
func (b *BlobStore) Complete(hash string) bool { return b.Status(hash).Complete }

// Open returns the complete blob.
func (b *BlobStore) Open(hash string) (io.ReadCloser, error) {
	return b.be.Open(context.Background(), hash)
}

// Append writes a part of a blob, sent by user, starting at offset, up to
// size bytes in all (0: the part ends the blob; expect is how many bytes the
// part announces, 0 when unknown). When the blob is whole it is checked
// against its hash and made available. A body cut short returns
// ErrUploadCut with what is now held.
//
// The store's own context is used, not the request's: what arrived of a
// body whose client hung up is still saved.
func (b *BlobStore) Append(user, hash string, offset, size, expect int64, r io.Reader) (protocol.BlobStatus, error) {
	ctx := context.Background()
	st, err := b.Stat(hash)
	if err != nil || st.Complete {
		return st, err
	}
	if offset != st.Size {
		return st, ErrBadRange
	}
	if err := b.reserve(user, hash, offset+expect); err != nil {
		return st, err
	}
	defer b.release(hash)
	in, err := b.receive(hash, offset, r)
	if err != nil {
		return st, err
	}
	defer os.Remove(in.spool) // gone already once moved into place
	unlock := b.lock(hash)
	defer unlock()
	if st, err = b.Stat(hash); err != nil || st.Complete {
		return st, err
	}
	if offset != st.Size {
		return st, ErrBadRange // another upload of the same blob went first
	}
	total := offset + in.n
	if total > protocol.MaxBlobBytes {
		b.forget(hash)
		if err := b.be.DropPart(ctx, hash); err != nil {
			return protocol.BlobStatus{}, err
		}
		return protocol.BlobStatus{}, ErrBlobTooLarge
	}
	if offset == 0 && in.readErr == nil && (size == 0 || total >= size) {
		return b.putWhole(ctx, hash, in)
	}
	if err := b.be.AppendPart(ctx, user, hash, offset, in.spool, in.n); err != nil {
		return b.Status(hash), err
	}
	if in.readErr != nil {
		b.held(hash, total)
		return protocol.BlobStatus{Size: total}, fmt.Errorf("%w: blob %s: %w", ErrUploadCut, hash, in.readErr)
	}
	if size > 0 && total < size {
		b.held(hash, total)
		return protocol.BlobStatus{Size: total}, nil
	}
	return b.seal(ctx, hash, total)
}

// received is a request's body, spooled.
type received struct {
	spool string
	n     int64
	// sum is the body's sha256, hex, when it starts the blob (offset 0).
	sum string
	// readErr is the body's failure: what was read is kept.
	readErr error
}

// receive reads the body, up to one byte more than a blob may hold, into a
// spool file, hashing it when it starts the blob. The error is the disk's.
func (b *BlobStore) receive(hash string, offset int64, r io.Reader) (received, error) {
	f, err := b.be.Spool(hash)
	if err != nil {
		return received{}, err
	}
	body := &failedReader{r: io.LimitReader(r, protocol.MaxBlobBytes-offset+1)}
	var w io.Writer = f
	sum := sha256.New()
	if offset == 0 {
		w = io.MultiWriter(f, sum)
	}
	n, err := io.Copy(w, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	in := received{spool: f.Name(), n: n, readErr: body.err}
	if in.readErr != nil {
		return in, nil
	}
	if err != nil {
		os.Remove(f.Name())
		return received{}, fmt.Errorf("server: blob %s: %w", hash, err)
	}
	if offset == 0 {
		in.sum = hex.EncodeToString(sum.Sum(nil))
	}
	return in, nil
}

// putWhole stores a blob that came whole in one request, checked against
// its name as it arrived: no part, no second reading.
func (b *BlobStore) putWhole(ctx context.Context, hash string, in received) (protocol.BlobStatus, error) {
	b.forget(hash)
	if in.sum != hash {
		return protocol.BlobStatus{}, ErrHashMismatch
	}
	if err := b.be.PutWhole(ctx, hash, in.spool, in.n); err != nil {
		return protocol.BlobStatus{}, err
	}
	return protocol.BlobStatus{Size: in.n, Complete: true}, nil
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

// seal checks a whole part against its name and makes it the blob.
func (b *BlobStore) seal(ctx context.Context, hash string, total int64) (protocol.BlobStatus, error) {
	err := b.be.Seal(ctx, hash)
	if errors.Is(err, ErrHashMismatch) {
		b.forget(hash)
		return protocol.BlobStatus{}, err
	}
	if err != nil {
		return protocol.BlobStatus{Size: total}, err
	}
	b.forget(hash)
	return protocol.BlobStatus{Size: total, Complete: true}, nil
}
