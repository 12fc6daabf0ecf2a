package server

import (
	"container/list"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// credentialCache remembers, for a few minutes, the HTTP Basic credentials
// whose password was checked: QGIS and GDAL send the user name and password
// with every request (hundreds for one layer), and a bcrypt check costs
// about 0.1 s of a CPU each.
//
// A credential is kept as a keyed SHA-256 (HMAC with a secret drawn when
// the server starts) of its user name and password, never the password,
// along with the stored bcrypt hash it was checked against. A request
// reads the user's record anyway (their rights): when the stored hash is
// no longer the one the credential was checked against — the password was
// changed, by this server or by `terrimap-server user add` on the same
// database — the entry is dropped and the password checked again (and
// refused). A removed user has no record: refused at once.
//
// Only a right password makes an entry, so a hostile client cannot fill
// it; it holds at most max entries all the same, the oldest checked
// dropped first, and an entry is used only until ttl after its check.
//
// Requests carrying the same credential while none is cached (the dozen
// tiles QGIS asks for at once) take turns (checking): the first checks the
// password, the others find it cached — one bcrypt check, not a dozen.
type credentialCache struct {
	secret [32]byte
	ttl    time.Duration
	max    int

	mu      sync.Mutex
	entries map[credentialKey]*list.Element // of *credentialEntry
	order   list.List                       // most recently checked first
	// pending holds, for each credential being checked, a channel closed
	// when the check is over.
	pending map[credentialKey]chan struct{}
}

// credentialKey identifies a user name and password without holding them.
type credentialKey [sha256.Size]byte

type credentialEntry struct {
	key credentialKey
	// storedHash is the user's bcrypt hash the password was checked
	// against, at checked.
	storedHash string
	checked    time.Time
}

// credentialTTL is how long a checked credential is used without a new
// check; maxCredentials bounds the entries (a few hundred bytes each).
const (
	credentialTTL  = 5 * time.Minute
	maxCredentials = 4096
)

func newCredentialCache(ttl time.Duration, max int) *credentialCache {
	c := &credentialCache{ttl: ttl, max: max, entries: map[credentialKey]*list.Element{}, pending: map[credentialKey]chan struct{}{}}
	rand.Read(c.secret[:]) // never fails (crypto/rand)
	return c
}

// key returns the key of a user name and password.
func (c *credentialCache) key(name, password string) credentialKey {
	m := hmac.New(sha256.New, c.secret[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(name)))
	m.Write(n[:])
	m.Write([]byte(name))
	m.Write([]byte(password))
	var k credentialKey
	m.Sum(k[:0])
	return k
}

// holds reports whether the credential k was checked against storedHash
// less than ttl before now. An entry checked against another hash, or too
// long ago, is dropped.
func (c *credentialCache) holds(k credentialKey, storedHash string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return false
	}
	e := el.Value.(*credentialEntry)
	if e.storedHash != storedHash || now.Sub(e.checked) >= c.ttl || now.Before(e.checked) {
		c.remove(el)
		return false
	}
	return true
}

// put remembers that the credential k was checked against storedHash at
// now.
func (c *credentialCache) put(k credentialKey, storedHash string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.remove(el)
	}
	for el := c.order.Back(); el != nil && (len(c.entries) >= c.max || now.Sub(el.Value.(*credentialEntry).checked) >= c.ttl); el = c.order.Back() {
		c.remove(el)
	}
	c.entries[k] = c.order.PushFront(&credentialEntry{key: k, storedHash: storedHash, checked: now})
}

// checking waits until no other request checks the credential k, then
// marks it as checked by the caller, who calls done when the check is over
// (cached or not). It returns ctx's error when ctx ends first.
func (c *credentialCache) checking(ctx context.Context, k credentialKey) (done func(), err error) {
	for {
		c.mu.Lock()
		turn, busy := c.pending[k]
		if !busy {
			turn = make(chan struct{})
			c.pending[k] = turn
			c.mu.Unlock()
			return func() {
				c.mu.Lock()
				delete(c.pending, k)
				c.mu.Unlock()
				close(turn)
			}, nil
		}
		c.mu.Unlock()
		select {
		case <-turn:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// size returns the number of credentials held.
func (c *credentialCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *credentialCache) remove(el *list.Element) {
	delete(c.entries, el.Value.(*credentialEntry).key)
	c.order.Remove(el)
}
