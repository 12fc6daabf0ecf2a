package tiles

import (
	"context"
	"sync"
)

// DefaultMaxConcurrent is how many requests Terrimap sends at once to one
// tile provider unless told otherwise: two, as the OpenStreetMap tile usage
// policy asks.
const DefaultMaxConcurrent = 2

// Limiter caps the requests in flight to each provider (each URL
// template's host; subdomains count as one provider). Sources built with the
// same Limiter share its caps: the three IGN presets all call
// data.geopf.fr. The zero value is not usable: call NewLimiter.
type Limiter struct {
	perHost int
	mu      sync.Mutex
	hosts   map[string]chan struct{}
}

// NewLimiter returns a Limiter allowing perHost requests at once to each
// provider (DefaultMaxConcurrent when perHost < 1).
func NewLimiter(perHost int) *Limiter {
	if perHost < 1 {
		perHost = DefaultMaxConcurrent
	}
	return &Limiter{perHost: perHost, hosts: map[string]chan struct{}{}}
}

// PerHost returns the number of requests allowed at once to one provider.
func (l *Limiter) PerHost() int { return l.perHost }

// acquire waits for a slot for host, or for ctx to end. The returned func
// frees the slot.
func (l *Limiter) acquire(ctx context.Context, host string) (func(), error) {
	l.mu.Lock()
	sem, ok := l.hosts[host]
	if !ok {
		sem = make(chan struct{}, l.perHost)
		l.hosts[host] = sem
	}
	l.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
