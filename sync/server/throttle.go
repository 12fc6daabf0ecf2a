package server

import (
	"container/list"
	"slices"
	"sync"
	"time"
)

// loginThrottle slows password guessing down. Failed logins are counted
// per user name and per client address; from the backoffPolicy.after-th
// failure in a row on, each failure makes the name or the address wait a
// delay that doubles (1 s, 2 s, 4 s…) up to backoffPolicy.max, and the
// attempts made while it waits are answered at once without checking the
// password (and without being counted: a user who keeps clicking does not
// lengthen their own wait).
//
// It is a back-off, never a lock-out: the longest wait is bounded, a
// success forgets the user name's failures, and an address that signed a
// user in before is not held back by the failures others make on that
// user name — an attacker guessing a mairie secretary's password from
// elsewhere slows themselves down, not her. Only the failures from her own
// address make her wait.
//
// Memory is bounded: at most maxEntries failing names and addresses, the
// least recently seen forgotten first, and any entry quiet for forgetAfter
// goes. Entries are only made by a failure the throttle let through, so one
// address cannot fill the table faster than its own back-off allows. The
// addresses known to sign a user in are kept per real account only (a
// name can be there only after its right password), at most maxKnownAddrs
// each, for as long as the server runs.
//
// The throttle lives in this process's memory, not in the database: with
// several servers on one PostgreSQL database behind a load balancer, each
// counts the failures it sees, so a guesser spread over n servers gets n
// times the rate (still bounded by each one's back-off). Sticky sessions
// by client address, or the balancer's own rate limit on the token route,
// put it back to one.
type loginThrottle struct {
	users, addrs backoffPolicy
	maxEntries   int
	forgetAfter  time.Duration

	mu      sync.Mutex
	entries map[throttleKey]*list.Element // of *throttleEntry
	lru     list.List                     // most recently seen first
	// known lists, by user name, the addresses that signed it in (most
	// recent last).
	known map[string][]string
}

// backoffPolicy says how a name or an address is slowed down.
type backoffPolicy struct {
	// after is the failure in a row that starts the waiting.
	after int
	// first is the first wait; each further failure doubles it, up to max.
	first, max time.Duration
}

// delay is the wait after the n-th failure in a row (0 while n < after).
func (p backoffPolicy) delay(n int) time.Duration {
	if n < p.after {
		return 0
	}
	d := p.first
	for i := p.after; i < n && d < p.max; i++ {
		d *= 2
	}
	return min(d, p.max)
}

// throttleKey is a user name or a client address.
type throttleKey struct {
	user  bool
	value string
}

type throttleEntry struct {
	key throttleKey
	// failures counts the failures in a row; seen is the last one; until
	// is when the next attempt may be checked.
	failures    int
	seen, until time.Time
}

// maxKnownAddrs bounds the addresses remembered for one user name.
const maxKnownAddrs = 4

// newLoginThrottle returns the platform's throttle: an address waits from
// its 5th failure in a row on, up to 15 minutes; a user name, guessed at
// from several addresses, from its 10th, up to 5 minutes; 10,000 entries,
// forgotten after an hour of quiet.
func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		users:       backoffPolicy{after: 10, first: time.Second, max: 5 * time.Minute},
		addrs:       backoffPolicy{after: 5, first: time.Second, max: 15 * time.Minute},
		maxEntries:  10000,
		forgetAfter: time.Hour,
		entries:     map[throttleKey]*list.Element{},
		known:       map[string][]string{},
	}
}

// wait returns how long a login for user from addr must still wait; 0
// when it may be checked now.
func (t *loginThrottle) wait(now time.Time, user, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forget(now)
	var until time.Time
	if e := t.peek(throttleKey{value: addr}); e != nil {
		until = e.until
	}
	if e := t.peek(throttleKey{user: true, value: user}); e != nil && !slices.Contains(t.known[user], addr) && e.until.After(until) {
		until = e.until
	}
	if !until.After(now) {
		return 0
	}
	return until.Sub(now)
}

// failed counts a failed login; started is true when it puts the user
// name or the address into back-off for the first time in this run of
// failures (worth one log line).
func (t *loginThrottle) failed(now time.Time, user, addr string) (started bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forget(now)
	for _, k := range []throttleKey{{user: true, value: user}, {value: addr}} {
		p := t.addrs
		if k.user {
			p = t.users
		}
		e := t.touch(k, now)
		e.failures++
		if d := p.delay(e.failures); d > 0 {
			e.until = now.Add(d)
			started = started || e.failures == p.after
		}
	}
	return started
}

// succeeded forgets the user name's failures and remembers that addr
// signs this user in. The address's own failures stay: a known account
// does not buy more guesses at others.
func (t *loginThrottle) succeeded(now time.Time, user, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forget(now)
	if el, ok := t.entries[throttleKey{user: true, value: user}]; ok {
		t.remove(el)
	}
	known := slices.DeleteFunc(t.known[user], func(a string) bool { return a == addr })
	if len(known) == maxKnownAddrs {
		known = known[1:]
	}
	t.known[user] = append(known, addr)
}

// size returns the number of failing names and addresses remembered.
func (t *loginThrottle) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

func (t *loginThrottle) peek(k throttleKey) *throttleEntry {
	if el, ok := t.entries[k]; ok {
		return el.Value.(*throttleEntry)
	}
	return nil
}

// touch returns k's entry, made if missing, as the most recently seen.
func (t *loginThrottle) touch(k throttleKey, now time.Time) *throttleEntry {
	if el, ok := t.entries[k]; ok {
		t.lru.MoveToFront(el)
		e := el.Value.(*throttleEntry)
		e.seen = now
		return e
	}
	for len(t.entries) >= t.maxEntries {
		t.remove(t.lru.Back())
	}
	e := &throttleEntry{key: k, seen: now}
	t.entries[k] = t.lru.PushFront(e)
	return e
}

// forget drops the entries quiet for forgetAfter, oldest first: each one
// is dropped once, so the work is bounded by what was added.
func (t *loginThrottle) forget(now time.Time) {
	for el := t.lru.Back(); el != nil; el = t.lru.Back() {
		e := el.Value.(*throttleEntry)
		if now.Sub(e.seen) < t.forgetAfter { // > every policy's max: no wait is cut short
			return
		}
		t.remove(el)
	}
}

func (t *loginThrottle) remove(el *list.Element) {
	delete(t.entries, el.Value.(*throttleEntry).key)
	t.lru.Remove(el)
}
