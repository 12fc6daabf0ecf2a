package mapview

import (
	"context"
	"runtime"
	"sync"
)

// jobKind tells the pools' jobs apart.
type jobKind uint8

const (
	vectorJob jobKind = iota
	basemapJob
	labelJob
)

// jobKey names a job: what it makes, at which level, for which tile.
type jobKey struct {
	kind jobKind
	lv   level
	x, y int32
}

type job struct {
	key    jobKey
	prio   float64
	epoch  uint64
	ctx    context.Context
	cancel context.CancelFunc
	run    func(context.Context)
}

// pool runs jobs on a fixed number of goroutines, highest priority first.
// Each frame declares the jobs it wants between begin and end; end cancels
// the jobs, queued or running, that no longer are. Its queue is bounded by
// what one frame wants.
type pool struct {
	mu      sync.Mutex
	cond    sync.Cond
	pending map[jobKey]*job
	running map[jobKey]*job
	epoch   uint64
	closed  bool
	wg      sync.WaitGroup
	base    context.Context
	stop    context.CancelFunc
	// idlePrefetch: prefetches (priority prefetchPriority or less) start
	// only when no other job is queued or running.
	idlePrefetch bool
}

// prefetchPriority is added to the priority of the jobs a frame asks for
// around the view, ahead of a pan: they come after what the view shows.
const prefetchPriority = -1e6

func (j *job) prefetch() bool { return j.prio <= prefetchPriority/2 }

// newPool starts a pool of workers; with idlePrefetch, prefetches wait
// until the view's jobs are done rather than share the cores with them.
func newPool(workers int, idlePrefetch bool) *pool {
	p := &pool{pending: map[jobKey]*job{}, running: map[jobKey]*job{}, idlePrefetch: idlePrefetch}
	p.cond.L = &p.mu
	p.base, p.stop = context.WithCancel(context.Background())
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *pool) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		var j *job
		for !p.closed {
			if j = p.next(); j != nil {
				break
			}
			p.cond.Wait()
		}
		if p.closed {
			p.mu.Unlock()
			return
		}
		delete(p.pending, j.key)
		p.running[j.key] = j
		p.mu.Unlock()

		if j.ctx.Err() == nil {
			j.run(j.ctx)
		}
		j.cancel()

		p.mu.Lock()
		if p.running[j.key] == j {
			delete(p.running, j.key)
		}
		p.cond.Broadcast() // for wait, and prefetches waiting for this job
		p.mu.Unlock()
		// Whoever the job woke (the frame that shows it) runs before the
		// next job, rather than after the scheduler's time slice.
		runtime.Gosched()
	}
}

// next returns the pending job to run now, highest priority first, or nil.
// p.mu is held.
func (p *pool) next() *job {
	var j *job
	for _, c := range p.pending {
		if j == nil || c.prio > j.prio || (c.prio == j.prio && keyLess(c.key, j.key)) {
			j = c
		}
	}
	if j != nil && p.idlePrefetch && j.prefetch() {
		for _, r := range p.running {
			if !r.prefetch() {
				return nil
			}
		}
	}
	return j
}

func keyLess(a, b jobKey) bool {
	if a.y != b.y {
		return a.y < b.y
	}
	return a.x < b.x
}

// begin starts a frame's declarations; the pool stays locked until end.
func (p *pool) begin() {
	p.mu.Lock()
	p.epoch++
}

// want declares a job of this frame. It reports whether the job was
// already queued or running (its priority is then updated); if not, the
// caller adds it.
func (p *pool) want(k jobKey, prio float64) bool {
	if j, ok := p.pending[k]; ok {
		j.prio, j.epoch = prio, p.epoch
		return true
	}
	if j, ok := p.running[k]; ok {
		j.epoch = p.epoch
		return true
	}
	return false
}

// add queues a job of this frame.
func (p *pool) add(k jobKey, prio float64, run func(context.Context)) {
	if p.closed {
		return
	}
	ctx, cancel := context.WithCancel(p.base)
	p.pending[k] = &job{key: k, prio: prio, epoch: p.epoch, ctx: ctx, cancel: cancel, run: run}
}

// end cancels the jobs this frame did not want and wakes the workers.
func (p *pool) end() {
	for k, j := range p.pending {
		if j.epoch != p.epoch {
			j.cancel()
			delete(p.pending, k)
		}
	}
	for k, j := range p.running {
		if j.epoch != p.epoch {
			j.cancel()
			delete(p.running, k)
		}
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// cancelIf cancels the running jobs that match; they are forgotten at
// once, so that the next frame queues them again.
func (p *pool) cancelIf(match func(jobKey) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, j := range p.running {
		if match(k) {
			j.cancel()
			delete(p.running, k)
		}
	}
}

// wait blocks until no job is queued or running, or ctx ends.
func (p *pool) wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.pending)+len(p.running) > 0 && !p.closed {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.cond.Wait()
	}
	return ctx.Err()
}

// close cancels every job and waits for the workers to return.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	p.stop()
	clear(p.pending)
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}
