package mapview

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/demows"
)

// A long day at the map (issue 16: an hour of panning and zooming ends
// within 10 % of the memory it started with). The session is scripted: a
// seeded walk of user actions over the territory, each drawn to the end
// before the next (settle), so that an hour of a user's actions — one a
// second — is played as fast as the machine draws them.

// action is one thing the user does to the map.
type action int

const (
	dragPan  action = iota // drags the map by a few hundred pixels
	wheelIn                // zooms in by half a level or one
	wheelOut               // zooms out by half a level or one
	goTo                   // jumps to another place (a search result, a commune)
)

// dayPlaces are where a long day's session jumps to: the 24 communes'
// centres lie within them.
var dayPlaces = []orb.Point{
	{4.9085, 46.5640}, // Tournus
	{4.8620, 46.5420},
	{4.9440, 46.5800},
	{4.8200, 46.5700},
	{4.9700, 46.5200},
	{4.8900, 46.4900},
	{4.7900, 46.5300},
	{4.9300, 46.4300},
}

// longDay walks a map session of tc over the territory: steps actions
// from vp, each settled, with zooms kept between minZoom and maxZoom (the
// streets a field agent works on).
type longDay struct {
	tc               *TileCache
	vp               Viewport
	rng              *rand.Rand
	minZoom, maxZoom float64
	counts           [4]int
}

func newLongDay(tc *TileCache, vp Viewport, minZoom, maxZoom float64) *longDay {
	return &longDay{tc: tc, vp: vp, rng: rand.New(rand.NewPCG(16, 3600)), minZoom: minZoom, maxZoom: maxZoom}
}

// walk plays n actions.
func (d *longDay) walk(tb testing.TB, n int) {
	tb.Helper()
	for range n {
		a := d.next()
		d.counts[a]++
		switch a {
		case dragPan:
			w, h := float64(d.vp.Width), float64(d.vp.Height)
			d.vp = d.vp.Pan((d.rng.Float64()-0.5)*w*0.8, (d.rng.Float64()-0.5)*h*0.8)
		case wheelIn, wheelOut:
			dz := 0.5 + 0.5*float64(d.rng.IntN(2))
			if a == wheelOut {
				dz = -dz
			}
			d.vp.Zoom = min(d.maxZoom, max(d.minZoom, d.vp.Zoom+dz))
		case goTo:
			d.vp.Center = dayPlaces[d.rng.IntN(len(dayPlaces))]
		}
		settle(tb, d.tc, d.vp)
	}
}

// next draws the next action: mostly drags, some zooms, now and then a
// jump; a view drifted out of the territory jumps back.
func (d *longDay) next() action {
	if !dayBound.Contains(d.vp.Center) {
		return goTo
	}
	switch r := d.rng.IntN(100); {
	case r < 70:
		return dragPan
	case r < 84:
		return wheelIn
	case r < 98:
		return wheelOut
	}
	return goTo
}

// dayBound is the territory the walk stays in.
var dayBound = orb.Bound{Min: orb.Point{4.74, 46.40}, Max: orb.Point{4.99, 46.60}}

// memory is what the process holds: the Go heap live after a collection,
// and the anonymous resident set as the kernel counts it (RssAnon: the
// memory the process allocated and touched, Go's and SQLite's page caches,
// which are outside the Go heap; not the pages of files it maps, the
// program's code among them, which the kernel drops and reads again as it
// likes).
type memory struct {
	heap, rss uint64
	// goHeld is what the Go runtime holds from the system (heap, stacks,
	// its own structures), released pages left out: rss - goHeld is
	// mostly SQLite's page caches.
	goHeld uint64
}

// measureMemory collects and returns memory to the system, then measures.
func measureMemory(tb testing.TB) memory {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memory{heap: ms.HeapAlloc, rss: residentBytes(tb), goHeld: ms.Sys - ms.HeapReleased}
}

// residentBytes is RssAnon of /proc/self/status.
func residentBytes(tb testing.TB) uint64 {
	tb.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var kb uint64
		if _, err := fmt.Sscanf(sc.Text(), "RssAnon: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	tb.Fatal("no RssAnon in /proc/self/status")
	return 0
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// growthLimit is how much more memory the end of the day may hold than
// its start: 10 %.
const growthLimit = 1.10

// checkLongDay warms tc up with warmup actions (the caches fill to their
// bounds), measures, plays steps more, measures again, and fails when the
// heap or the resident set grew by more than growthLimit.
func checkLongDay(tb testing.TB, tc *TileCache, vp Viewport, warmup, steps int) (start, end memory) {
	tb.Helper()
	d := newLongDay(tc, vp, 14.5, 18)
	settle(tb, tc, vp)
	d.walk(tb, warmup)
	start = measureMemory(tb)
	// Measured along the way too: the log shows a leak's slope.
	for done := 0; done < steps; {
		n := min(steps-done, max(steps/6, 1))
		d.walk(tb, n)
		done += n
		m := measureMemory(tb)
		tb.Logf("after %4d actions: heap %.1f MiB, RSS %.1f MiB (Go holds %.1f, the rest %.1f)", done, mib(m.heap), mib(m.rss), mib(m.goHeld), mib(m.rss)-mib(m.goHeld))
		end = m
	}
	tb.Logf("%d drags, %d zooms in, %d out, %d jumps; heap %.1f → %.1f MiB, RSS %.1f → %.1f MiB; caches: %d vector tiles (%.1f MiB), %d features (%.1f MiB)",
		d.counts[dragPan], d.counts[wheelIn], d.counts[wheelOut], d.counts[goTo],
		mib(start.heap), mib(end.heap), mib(start.rss), mib(end.rss),
		tc.vec.len(), mib(uint64(tc.vec.cost())), tc.r.feats.lru.len(), mib(uint64(tc.r.feats.lru.cost())))
	if float64(end.heap) > growthLimit*float64(start.heap) {
		tb.Errorf("the Go heap grew from %.1f to %.1f MiB over the session (limit +10 %%)", mib(start.heap), mib(end.heap))
	}
	if float64(end.rss) > growthLimit*float64(start.rss) {
		tb.Errorf("the resident set grew from %.1f to %.1f MiB over the session (limit +10 %%)", mib(start.rss), mib(end.rss))
	}
	return start, end
}

// longDayView is the map of the app's window at its default size, on Tournus at street level.
var longDayView = Viewport{Center: orb.Point{4.9085, 46.5640}, Zoom: 16, Width: 1000, Height: 700, Scale: 1}

// TestLongDayMemoryBounded plays a long session of pans, zooms and jumps
// over the demo territory with caches bounded small, so that they fill
// within the warm-up: the memory at the end must be within 10 % of the
// memory after it.
func TestLongDayMemoryBounded(t *testing.T) {
	ws := demoWorkspace(t)
	r := NewRenderer(ws, RendererOptions{FeatureCacheBytes: 4 << 20})
	tc := NewTileCache(r, nil, TileCacheOptions{VectorBytes: 24 << 20})
	defer tc.Close()
	tc.SetLayers(DefaultLayers(ws, DefaultStyles()))
	vp := longDayView
	vp.Width, vp.Height = 640, 400
	checkLongDay(t, tc, vp, 600, 900)
}

// BenchmarkLongDayMillion plays an hour of a user's actions at the map —
// 3,600 pans, zooms and jumps, one a second of the user's time, each drawn
// to the end before the next — over the demo territory of 1.17 million
// features, with the app's caches (as NewTileCache and NewRenderer bound
// them), after a warm-up of 600 actions that fills them; it fails when
// the Go heap or the resident set ends more than 10 % above its start
// (issue 16). Set TERRIMAP_LONGDAY_STEPS to play another number of steps.
func BenchmarkLongDayMillion(b *testing.B) {
	ws := demows.OpenScale(b, demows.MillionScale)
	steps := 3600
	if s, err := strconv.Atoi(os.Getenv("TERRIMAP_LONGDAY_STEPS")); err == nil && s > 0 {
		steps = s
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		tc := NewTileCache(NewRenderer(ws, RendererOptions{}), nil, TileCacheOptions{})
		tc.SetLayers(DefaultLayers(ws, DefaultStyles()))
		b.StartTimer()
		start, end := checkLongDay(b, tc, longDayView, steps/6, steps)
		b.StopTimer()
		tc.Close()
		b.ReportMetric(mib(start.heap), "heap-start-MiB")
		b.ReportMetric(mib(end.heap), "heap-end-MiB")
		b.ReportMetric(mib(start.rss), "rss-start-MiB")
		b.ReportMetric(mib(end.rss), "rss-end-MiB")
		b.StartTimer()
	}
}
