package mapview

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestLRUBoundedInCost(t *testing.T) {
	c := newLRU[int, string](100)
	var evicted []int
	c.onEvict = func(k int, _ string) { evicted = append(evicted, k) }
	for i := range 10 {
		c.put(i, "x", 30)
		if c.cost() > 100 {
			t.Fatalf("cost %d over the bound", c.cost())
		}
	}
	if c.len() != 3 {
		t.Errorf("%d entries, want 3", c.len())
	}
	// Using an entry keeps it.
	c.get(7)
	c.put(10, "y", 30)
	if _, ok := c.peek(7); !ok {
		t.Error("the entry just used was evicted")
	}
	if _, ok := c.peek(8); ok {
		t.Error("the least recently used entry was kept")
	}
	c.put(11, "huge", 1000)
	if _, ok := c.peek(11); ok || c.cost() > 100 {
		t.Error("an entry larger than the bound was kept")
	}
	c.remove(7)
	c.clear()
	if c.len() != 0 || c.cost() != 0 {
		t.Errorf("after clear: %d entries, cost %d", c.len(), c.cost())
	}
	if len(evicted) == 0 {
		t.Error("onEvict never called")
	}
}

func TestPoolRunsWantedJobsAndCancelsTheOthers(t *testing.T) {
	p := newPool(2, false)
	defer p.close()
	var started, finished [5]atomic.Bool
	block := make(chan struct{})
	job := func(i int) func(context.Context) {
		return func(ctx context.Context) {
			started[i].Store(true)
			select {
			case <-block:
				finished[i].Store(true)
			case <-ctx.Done():
			}
		}
	}
	p.begin()
	for i := range 5 {
		p.add(jobKey{kind: vectorJob, x: int32(i)}, float64(i), job(i))
	}
	p.end()
	// The next frame wants only job 4, the first to have started.
	for !started[4].Load() {
		time.Sleep(time.Millisecond)
	}
	p.begin()
	if !p.want(jobKey{kind: vectorJob, x: 4}, 4) {
		t.Error("the running job 4 is not known")
	}
	p.end()
	close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if !finished[4].Load() {
		t.Error("the wanted job did not finish")
	}
	for i := range 3 {
		if started[i].Load() {
			t.Errorf("job %d, of low priority and no longer wanted, ran", i)
		}
	}
	if finished[3].Load() {
		t.Error("job 3 finished though no longer wanted")
	}
}

// With idle prefetch, a job around the view waits for the view's own jobs,
// even with a worker free.
func TestPoolPrefetchesWhenIdle(t *testing.T) {
	p := newPool(2, true)
	defer p.close()
	release := make(chan struct{})
	viewStarted, prefetched := make(chan struct{}), make(chan struct{})
	p.begin()
	p.add(jobKey{kind: vectorJob, x: 1}, -10, func(context.Context) {
		close(viewStarted)
		<-release
	})
	p.add(jobKey{kind: vectorJob, x: 2}, prefetchPriority-10, func(context.Context) { close(prefetched) })
	p.end()
	<-viewStarted
	select {
	case <-prefetched:
		t.Fatal("a prefetch ran beside a job of the view")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case <-prefetched:
	case <-time.After(5 * time.Second):
		t.Fatal("the prefetch never ran once the view's job was done")
	}
}

func TestStrokeOrientationIsConsistent(t *testing.T) {
	// A translucent line with sharp turns must be evenly covered: pieces
	// added the other way round would cancel each other.
	c := newCanvas(nil)
	line := []orb.Point{{10, 10}, {50, 12}, {20, 30}, {60, 40}, {10, 10}}
	c.stroke(line, 3, capRound, joinMiter, false)
	c.stroke(line, 3, capSquare, joinRound, true)
	start := 0
	for _, end := range c.ends {
		area := 0.0
		for i := start; i < end; i++ {
			j := start + (i-start+1)%(end-start)
			area += float64(c.xy[2*i]*c.xy[2*j+1] - c.xy[2*j]*c.xy[2*i+1])
		}
		if area > 0 {
			t.Fatalf("polygon %d..%d wound the other way", start, end)
		}
		start = end
	}
}

func TestDashRunsAcrossVertices(t *testing.T) {
	line := []orb.Point{{0, 0}, {5, 0}, {5, 10}}
	var pieces [][]orb.Point
	clip := orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{100, 100}}
	_, ok := dash(line, []float32{4, 2}, clip, nil, func(p []orb.Point) { pieces = append(pieces, append([]orb.Point(nil), p...)) })
	if !ok {
		t.Fatal("dash refused a simple pattern")
	}
	// 15 long: on 0–4, off 4–6, on 6–10, off 10–12, on 12–15.
	if len(pieces) != 3 {
		t.Fatalf("pieces %v", pieces)
	}
	if last := pieces[1][len(pieces[1])-1]; !near(last[1], 5, 1e-9) {
		t.Errorf("second dash ends at %v, want (5, 5)", last)
	}
	// A pattern far too fine for the line is refused.
	if _, ok := dash([]orb.Point{{0, 0}, {1e9, 0}}, []float32{1, 1}, clip, nil, func([]orb.Point) {}); ok {
		t.Error("a billion dashes accepted")
	}
}
