package server

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// hashGate bounds how many password checks (bcrypt, ~0.1 s of one CPU
// each) run at once, so that a burst of logins — a crowd at nine in the
// morning, or someone guessing in parallel — leaves CPUs for every other
// request. A check that cannot start within wait is answered 503.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
	// busy counts the checks running; peak is the most there ever were.
	busy, peak atomic.Int32
	// entered counts the checks that started.
	entered atomic.Int64
}

// newHashGate lets n checks run at once; n ≤ 0 means half the CPUs the
// server may use (at least one).
func newHashGate(n int, wait time.Duration) *hashGate {
	if n <= 0 {
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	return &hashGate{slots: make(chan struct{}, n), wait: wait}
}

// enter waits for a slot, at most g.wait; false when none came (or ctx
// ended). A true enter is followed by leave.
func (g *hashGate) enter(ctx context.Context) bool {
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
	g.entered.Add(1)
	n := g.busy.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	return true
}

// leave frees the slot enter took.
func (g *hashGate) leave() {
	g.busy.Add(-1)
	<-g.slots
}
