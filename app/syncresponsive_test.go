package app

import (
	"context"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"terrimap/internal/cputime"
	"terrimap/internal/demows"
	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// syncArrivals is how many features the platform's change feed brings in
// BenchmarkSyncWhileMappingMillion (issue 16: 100,000).
const syncArrivals = 100_000

// syncArrivalsScale is the demo scale that generates at least syncArrivals
// features outside the communes and streets.
const syncArrivalsScale = 4.5

// arrivingPlatform runs a real platform (testplatform: a SQLite file over
// HTTP) publishing the demo layers with n of their features at
// syncArrivalsScale, all in its change feed, and an administrator who
// reads them all. It returns the platform's URL and the administrator.
func arrivingPlatform(tb testing.TB, n int) (url, user string) {
	tb.Helper()
	byLayer := map[string][]store.RemoteFeature{}
	count := 0
	err := demo.Generate(demo.GenerateOptions{Scale: syncArrivalsScale}, func(layer string, f demo.Feature) error {
		if layer == demo.LayerVoies || layer == demo.LayerCommunes || f.Geometry == nil || count == n {
			return nil
		}
		byLayer[layer] = append(byLayer[layer], store.RemoteFeature{UUID: f.ID, Geometry: f.Geometry, Properties: f.Properties})
		count++
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if count < n {
		tb.Fatalf("scale %g generates %d features, not %d", syncArrivalsScale, count, n)
	}
	var layers []testplatform.Layer
	for _, l := range demo.Layers() {
		if l.Name == demo.LayerVoies || l.Name == demo.LayerCommunes {
			continue
		}
		layers = append(layers, testplatform.Layer{Schema: l, EditBy: server.EditByEditors, Features: byLayer[l.Name]})
	}
	user = "sig"
	url = testplatform.Start(tb, layers, map[string]protocol.Membership{user: {Org: protocol.OrgCCMT, Role: protocol.RoleAdmin}})
	return url, user
}

// linkDesk signs user in to the platform at url from the workspace at
// path: its next sync pulls the platform's whole change feed.
func linkDesk(tb testing.TB, path, url, user string) {
	tb.Helper()
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer ws.Close()
	c, err := client.New(ws, url, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, testplatform.Password); err != nil {
		tb.Fatal(err)
	}
}

// uiCall is one piece of work the UI goroutine ran: a function posted
// through the app's do (fyne.Do in the app), or a paint of the map.
type uiCall struct {
	what string
	// took is the wall time; cpu the UI thread's CPU time, which the
	// other programs of a loaded machine do not lengthen.
	took, cpu time.Duration
	// at is when it began, since the loop's clock started (reset).
	at time.Duration
}

// uiLoop plays the UI goroutine of a window showing the map: it runs the
// functions the app posts to q, and draws the map from its tile cache
// every frame (60 per second, as the raster would be), timing each.
type uiLoop struct {
	q     uiQueue
	m     *mainWindow
	calls []uiCall
	zero  time.Time
	// complete: the last frame drawn had all its tiles.
	complete bool
}

// frame is how often the map is drawn: 60 frames a second.
const frame = time.Second / 60

// run plays the UI goroutine until done holds, or fails after limit.
func (l *uiLoop) run(tb testing.TB, limit time.Duration, done func() bool) {
	tb.Helper()
	// The UI goroutine of a Fyne app runs on the main thread: here, on
	// one thread of its own, whose CPU time measures its work alone.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(frame)
	defer tick.Stop()
	for !done() {
		select {
		case f := <-l.q:
			l.time(funcName(f), f)
		case <-tick.C:
			l.time("map frame", l.paint)
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not done within %s", limit)
		}
	}
}

// paint draws the map as its raster does when the window is painted.
func (l *uiLoop) paint() {
	if l.m.sess == nil || l.m.view == nil || l.m.view.mapw == nil {
		return
	}
	vp := l.m.view.mapw.Viewport
	vp.Scale = 1
	_, l.complete = l.m.sess.tiles.Frame(vp)
}

func (l *uiLoop) time(what string, f func()) {
	cpu, _ := cputime.Thread()
	start := time.Now()
	f()
	took := time.Since(start)
	cpuEnd, _ := cputime.Thread()
	l.calls = append(l.calls, uiCall{what: what, took: took, cpu: cpuEnd - cpu, at: start.Sub(l.zero)})
}

// reset forgets the calls timed so far and starts the clock of at.
func (l *uiLoop) reset() {
	l.calls = nil
	l.zero = time.Now()
}

// longest returns the n longest calls by by (wall or CPU time), longest first.
func (l *uiLoop) longest(n int, by func(uiCall) time.Duration) []uiCall {
	s := slices.Clone(l.calls)
	slices.SortFunc(s, func(a, b uiCall) int { return int(by(b) - by(a)) })
	return s[:min(n, len(s))]
}

func wallOf(c uiCall) time.Duration { return c.took }
func cpuOf(c uiCall) time.Duration  { return c.cpu }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// report logs the longest calls and reports the longest wall and CPU
// times, and the total.
func (l *uiLoop) report(b *testing.B) {
	var total time.Duration
	for _, c := range l.calls {
		total += c.took
	}
	for _, by := range []struct {
		name   string
		of     func(uiCall) time.Duration
		metric string
	}{{"wall", wallOf, "max-ui-ms"}, {"CPU", cpuOf, "max-ui-cpu-ms"}} {
		top := l.longest(8, by.of)
		for _, c := range top {
			b.Logf("UI goroutine, longest by %s: %6.1f ms wall, %6.1f ms CPU, at %6.2f s: %s", by.name, ms(c.took), ms(c.cpu), c.at.Seconds(), c.what)
		}
		if len(top) > 0 {
			b.ReportMetric(ms(by.of(top[0])), by.metric)
		}
	}
	b.ReportMetric(ms(total), "ui-total-ms")
	b.ReportMetric(float64(len(l.calls)), "ui-calls")
}

func funcName(f func()) string {
	return runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
}

// BenchmarkSyncWhileMappingMillion opens a copy of the demo territory of
// 1.17 million features in the main window, its map showing the whole
// territory, and synchronises it with a real platform (over HTTP) whose
// change feed brings 100,000 features, until the map shows them all
// drawn. The test goroutine plays the UI goroutine (uiLoop): every
// function the app posts there and a map frame every 1/60 s are timed.
// It reports the longest (issue 16: no frame over 50 ms on the UI
// goroutine while 100,000 features arrive), the work done there, and the
// sync's wall time as the time per op.
func BenchmarkSyncWhileMappingMillion(b *testing.B) {
	a := test.NewTempApp(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		path := demows.CopyScale(b, demows.MillionScale)
		url, user := arrivingPlatform(b, syncArrivals)
		linkDesk(b, path, url, user)
		m, err := newShell(a, Options{})
		if err != nil {
			b.Fatal(err)
		}
		m.settings.autoSync = false
		m.settings.basemap = "none"
		m.window.Resize(defaultWindowSize)
		l := &uiLoop{q: make(uiQueue, 256), m: m}
		m.do = l.q.do
		m.openWorkspace(path)
		l.run(b, 5*time.Minute, func() bool { return m.sess != nil })
		m.window.Canvas().Capture() // lays the window out
		l.run(b, 5*time.Minute, func() bool { return m.view.sync.idle() && l.complete })
		l.reset()
		var sum client.Summary
		var syncErr error
		finished := false
		m.view.sync.onFinished = func(s client.Summary, err error, _ bool) { sum, syncErr, finished = s, err, true }
		b.StartTimer()

		m.view.sync.start()
		l.run(b, 10*time.Minute, func() bool { return finished })
		b.Logf("the sync ended after %.1f s", time.Since(l.zero).Seconds())
		// What the sync brought is drawn once the app has picked it up
		// (synced, in the background) and the map's tiles are drawn again.
		settled := time.Now().Add(2 * time.Second)
		l.run(b, 5*time.Minute, func() bool { return time.Now().After(settled) && l.complete && m.view.sync.idle() })

		b.StopTimer()
		if syncErr != nil {
			b.Fatal(syncErr)
		}
		if got := sum.Pull.Received; got < syncArrivals {
			b.Fatalf("the sync received %d features, want %d", got, syncArrivals)
		}
		l.report(b)
		m.view.close()
		m.sess.close()
		m.window.Close()
		b.StartTimer()
	}
}
