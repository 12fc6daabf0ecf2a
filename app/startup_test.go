package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"terrimap/store"
	"terrimap/sync/server/demo"
)

// The startup trace says when the workspace is open, then when the map
// first shows it drawn, and quits then if asked.
func TestStartupTraceAfterFirstMapFrame(t *testing.T) {
	path := demoWorkspaceFile(t, "tournus.gpkg")
	w, m := newTestShell(t, Options{})
	var out bytes.Buffer
	quit := false
	m.startup = newStartupTracer(Options{StartupTrace: TraceStartupAndQuit, Started: time.Now()}, &out, func() { quit = true })
	q := openInShell(t, m, path)
	ready := paintOnTiles(m)

	if !regexp.MustCompile(`^startup: workspace open \d+ ms after process start\n$`).MatchString(out.String()) {
		t.Fatalf("once open, the trace says %q", out.String())
	}
	paintUntil(t, q, ready, func() { w.Canvas().Capture() }, func() bool { return quit })
	want := `^startup: workspace open \d+ ms after process start\nstartup: first map frame \d+ ms after process start\n$`
	if !regexp.MustCompile(want).MatchString(out.String()) {
		t.Errorf("trace = %q", out.String())
	}
	if m.startup != nil {
		t.Error("the tracer would report the next workspace too")
	}
}

func TestNoStartupTraceUnlessAsked(t *testing.T) {
	if tr := newStartupTracer(Options{}, io.Discard, nil); tr != nil {
		t.Errorf("a tracer without --startup-trace: %+v", tr)
	}
	if tr := newStartupTracer(Options{StartupTrace: TraceStartup}, io.Discard, func() {}); tr == nil || tr.quit != nil || tr.started.IsZero() {
		t.Errorf("--startup-trace without exit: %+v", tr)
	}
}

// paintOnTiles makes the map of m's session signal the returned channel
// when tiles arrive, instead of refreshing itself: the test driver's fyne.Do
// would run that refresh on the tile workers, beside the test goroutine that
// paints. Call it before the window is first painted.
func paintOnTiles(m *mainWindow) <-chan struct{} {
	ready := make(chan struct{}, 1)
	m.sess.tiles.SetOnReady(func() {
		select {
		case ready <- struct{}{}:
		default:
		}
	})
	return ready
}

// paintUntil runs the UI work posted to q, and paints as the driver
// would: at once, when tiles arrive, and at least every 100 ms, until done
// holds.
func paintUntil(tb testing.TB, q uiQueue, ready <-chan struct{}, paint func(), done func() bool) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	paint()
	for !done() {
		select {
		case f := <-q:
			f()
		case <-ready:
			paint()
		case <-time.After(100 * time.Millisecond):
			paint()
		}
		if time.Now().After(deadline) {
			tb.Fatal("not done within 60 s")
		}
	}
}

// BenchmarkStartupToFirstMapFrame opens a workspace of the demo territory
// with over 40,000 features (demo scale 1.6) in the main window, as
// terrimap --workspace does, and paints the window with the test driver's
// software painter once, then its map as tiles arrive, until the map first
// shows every vector tile: what terrimap --startup-trace measures, without
// Fyne's own start. Each iteration has a new window and session; the tiles
// are drawn again each time.
func BenchmarkStartupToFirstMapFrame(b *testing.B) {
	path := startupBenchWorkspace(b)
	a := test.NewTempApp(b)
	b.ReportAllocs()
	for b.Loop() {
		// Closing the last window remembered its workspace: open none at once.
		a.Preferences().RemoveValue(prefLastWorkspace)
		m, err := newShell(a, Options{})
		if err != nil {
			b.Fatal(err)
		}
		m.window.Resize(defaultWindowSize)
		q := make(uiQueue, 256)
		m.do = q.do
		drawn := false
		m.startup = &startupTracer{w: io.Discard, started: time.Now(), quit: func() { drawn = true }}
		m.openWorkspace(path)
		for m.sess == nil {
			select {
			case f := <-q:
				f()
			case <-time.After(60 * time.Second):
				b.Fatalf("%s not open within 60 s: %s", path, m.status)
			}
		}
		ready := paintOnTiles(m)
		// The window's first paint lays the map out and asks for its
		// tiles; then only the map is drawn again, as its raster would
		// be (the test driver paints the whole window in software, far
		// slower than OpenGL does).
		m.window.Canvas().Capture()
		paintUntil(b, q, ready, func() { drawMap(m) }, func() bool { return drawn })

		b.StopTimer()
		// Let the panels' loading end before the session closes under them.
		paintUntil(b, q, ready, func() {}, m.view.sync.idle)
		m.view.close()
		m.sess.close()
		m.window.Close()
		b.StartTimer()
	}
}

// drawMap draws the map of m's view from its tile cache, as its raster
// does when the window is painted.
func drawMap(m *mainWindow) {
	vp := m.view.mapw.Viewport
	vp.Scale = 1
	m.sess.tiles.Frame(vp)
}

// startupBenchScale is the demo scale of the benchmark's workspace: 1.6
// gives about 42,000 features.
const startupBenchScale = 1.6

// startupBenchWorkspace returns a workspace holding the demo territory at
// startupBenchScale as a desk that synced it holds it, made once in the
// temp dir (the generator is deterministic) and opened read-only after.
func startupBenchWorkspace(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("terrimap-startup-bench-v1-scale%g.gpkg", startupBenchScale))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := fmt.Sprintf("%s.%d.part", path, os.Getpid())
	os.Remove(tmp)
	if err := writeDemoWorkspace(tmp, startupBenchScale); err != nil {
		os.Remove(tmp)
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// writeDemoWorkspace creates a workspace at path with every demo layer and
// the demo features of that scale, at version 1 with no pending edit.
func writeDemoWorkspace(path string, scale float64) error {
	ctx := context.Background()
	ws, err := store.Create(path)
	if err != nil {
		return err
	}
	err = fillDemoWorkspace(ctx, ws, scale)
	if cerr := ws.Close(); err == nil {
		err = cerr
	}
	return err
}

func fillDemoWorkspace(ctx context.Context, ws *store.Workspace, scale float64) error {
	features := map[string][]store.RemoteFeature{}
	err := demo.Generate(demo.GenerateOptions{Scale: scale}, func(layer string, f demo.Feature) error {
		features[layer] = append(features[layer], store.RemoteFeature{UUID: f.ID, Version: 1, Geometry: f.Geometry, Properties: f.Properties})
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range demo.Layers() {
		if _, err := ws.CreateLayer(ctx, l); err != nil {
			return err
		}
	}
	return ws.Edit(ctx, func(tx *store.Tx) error {
		for _, l := range demo.Layers() {
			if _, err := tx.ApplyRemoteBatch(l.Name, features[l.Name]); err != nil {
				return err
			}
		}
		return nil
	})
}
