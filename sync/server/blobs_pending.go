package server

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// BlobLimits bound the unfinished uploads (parts) the platform keeps:
// each is a photo a desk will resume, but a desk that never comes back, or
// a hostile one, must not fill the disk.
type BlobLimits struct {
	// MaxPendingParts is how many unfinished uploads one user may have at
	// once (those under way included); more are answered 429.
	MaxPendingParts int
	// MaxPendingBytes is how many bytes they may hold in all, counting
	// what an upload announces; more is answered 413.
	MaxPendingBytes int64
	// PartTTL is how long an unfinished upload is kept without progress
	// (its file's modification time, its rows' last update) before it is
	// removed.
	PartTTL time.Duration
	// SweepEvery is how often, at most, uploads look for expired parts
	// (also swept when the store opens).
	SweepEvery time.Duration
}

// DefaultBlobLimits: 20 unfinished uploads and 512 MiB per user, kept 48
// hours without progress (a desk off the network over a weekend resumes on
// Monday morning only if it synced on Saturday — the photo itself is never
// lost: it stays on the desk until the platform has it whole), swept hourly.
func DefaultBlobLimits() BlobLimits {
	return BlobLimits{MaxPendingParts: 20, MaxPendingBytes: 512 << 20, PartTTL: 48 * time.Hour, SweepEvery: time.Hour}
}

// SetLimits changes the store's limits; zero fields keep their defaults.
func (b *BlobStore) SetLimits(l BlobLimits) {
	d := DefaultBlobLimits()
	if l.MaxPendingParts <= 0 {
		l.MaxPendingParts = d.MaxPendingParts
	}
	if l.MaxPendingBytes <= 0 {
		l.MaxPendingBytes = d.MaxPendingBytes
	}
	if l.PartTTL <= 0 {
		l.PartTTL = d.PartTTL
	}
	if l.SweepEvery <= 0 {
		l.SweepEvery = d.SweepEvery
	}
	b.mu.Lock()
	b.limits = l
	b.mu.Unlock()
}

// pendingBlob is an unfinished upload: who started it, how many bytes it
// holds or announced, how many requests are writing it.
type pendingBlob struct {
	user      string
	bytes     int64
	uploading int
}

// reserve counts an upload of hash by user reaching total bytes against
// the user's limits, or refuses it.
func (b *BlobStore) reserve(user, hash string, total int64) error {
	now := time.Now()
	b.mu.Lock()
	due := now.Sub(b.lastSweep) >= b.limits.SweepEvery
	b.mu.Unlock()
	if due {
		if _, err := b.Sweep(now); err != nil {
			return err
		}
	}
	held, err := b.heldElsewhere(user)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.pending[hash]
	if !ok || p.user == "" {
		p.user = user
	}
	if p.user == user {
		count, bytes := 1, max(p.bytes, total)
		for h, o := range b.pending {
			if h != hash && o.user == user {
				count++
				bytes += o.bytes
			}
		}
		for h, n := range held {
			if _, known := b.pending[h]; !known && h != hash {
				count++
				bytes += n
			}
		}
		if count > b.limits.MaxPendingParts {
			return fmt.Errorf("%w: %d for %s", ErrTooManyPending, count-1, user)
		}
		if bytes > b.limits.MaxPendingBytes {
			return fmt.Errorf("%w: %d bytes for %s", ErrPendingTooLarge, bytes, user)
		}
		p.bytes = max(p.bytes, total)
	}
	p.uploading++
	b.pending[hash] = p
	return nil
}

// PartOwners is implemented by a backend that knows who sent each
// unfinished upload (PostgreSQL's): the store then counts, in a user's
// limits, the parts held for them that it does not know of — kept from
// before a restart, or received by another server sharing the backend.
type PartOwners interface {
	// OwnedParts returns the bytes held of each unfinished upload of user,
	// by blob.
	OwnedParts(ctx context.Context, user string) (map[string]int64, error)
}

// heldElsewhere returns the user's unfinished uploads the backend holds,
// when it knows their owners.
func (b *BlobStore) heldElsewhere(user string) (map[string]int64, error) {
	o, ok := b.be.(PartOwners)
	if !ok {
		return nil, nil
	}
	held, err := o.OwnedParts(context.Background(), user)
	if err != nil {
		return nil, fmt.Errorf("server: unfinished uploads of %s: %w", user, err)
	}
	return held, nil
}

// release ends a request's upload of hash; an upload that left no part
// behind is forgotten.
func (b *BlobStore) release(hash string) {
	st, err := b.Stat(hash)
	gone := err == nil && (st.Complete || st.Size == 0)
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.pending[hash]
	if !ok {
		return
	}
	p.uploading--
	if p.uploading <= 0 && gone {
		delete(b.pending, hash)
		return
	}
	b.pending[hash] = p
}

// held records the size of an unfinished upload's part.
func (b *BlobStore) held(hash string, size int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.pending[hash]; ok {
		p.bytes = size
		b.pending[hash] = p
	}
}

// forget drops an upload that is complete or removed.
func (b *BlobStore) forget(hash string) {
	b.mu.Lock()
	delete(b.pending, hash)
	b.mu.Unlock()
}

// blobLock is the lock of one blob's finishing step, shared by the
// requests that upload it.
type blobLock struct {
	mu    sync.Mutex
	users int
}

// lock takes the finishing lock of hash; the returned func releases it.
func (b *BlobStore) lock(hash string) func() {
	b.mu.Lock()
	l := b.locks[hash]
	if l == nil {
		l = &blobLock{}
		b.locks[hash] = l
	}
	l.users++
	b.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		b.mu.Lock()
		if l.users--; l.users == 0 {
			delete(b.locks, hash)
		}
		b.mu.Unlock()
	}
}

// Sweep removes the unfinished uploads with no progress for PartTTL, no
// request writing them, and returns how many it removed.
func (b *BlobStore) Sweep(now time.Time) (int, error) {
	ctx := context.Background()
	b.mu.Lock()
	b.lastSweep = now
	before := now.Add(-b.limits.PartTTL)
	b.mu.Unlock()
	stale, err := b.be.StaleParts(ctx, before)
	if err != nil {
		return 0, fmt.Errorf("server: sweep blobs: %w", err)
	}
	removed := 0
	for _, hash := range stale {
		unlock := b.lock(hash)
		b.mu.Lock()
		busy := b.pending[hash].uploading > 0
		b.mu.Unlock()
		if !busy {
			if ok, err := b.be.DropStalePart(ctx, hash, before); err == nil && ok {
				removed++
				b.forget(hash)
			}
		}
		unlock()
	}
	return removed, nil
}
