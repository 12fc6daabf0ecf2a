package app

import (
	"fmt"
	"io"
	"time"
)

// StartupTrace says whether the app reports how fast it starts (terrimap
// --startup-trace): how long after Options.Started the workspace opened at
// start was open, and its map first showed every vector tile of its view
// drawn (mapview.TileCache.FirstDrawn).
type StartupTrace int

const (
	// NoStartupTrace measures nothing.
	NoStartupTrace StartupTrace = iota
	// TraceStartup writes the times to stderr.
	TraceStartup
	// TraceStartupAndQuit writes them, then quits after the first map
	// frame: scripts start the app again and again to measure it.
	TraceStartupAndQuit
)

// startupTracer writes the startup times, one line each:
//
//	startup: workspace open 512 ms after process start
//	startup: first map frame 1234 ms after process start
type startupTracer struct {
	w       io.Writer
	started time.Time
	// quit, if set, is called after the first map frame.
	quit func()
}

// newStartupTracer returns the tracer opts ask for, writing to w and
// quitting with quit; nil when they ask for none. A zero Options.Started
// counts from now.
func newStartupTracer(opts Options, w io.Writer, quit func()) *startupTracer {
	if opts.StartupTrace == NoStartupTrace {
		return nil
	}
	t := &startupTracer{w: w, started: opts.Started}
	if t.started.IsZero() {
		t.started = time.Now()
	}
	if opts.StartupTrace == TraceStartupAndQuit {
		t.quit = quit
	}
	return t
}

func (t *startupTracer) mark(what string) {
	fmt.Fprintf(t.w, "startup: %s %d ms after process start\n", what, time.Since(t.started).Milliseconds())
}

// traceStartup reports, for the first workspace attached only, that it is
// open, and later, on the UI goroutine, when its map first shows all its
// vector tiles; then quits if asked. Nothing happens without a tracer. If
// the session is closed before its map is ever drawn, the goroutine
// waiting for it stays: once per process, and only when tracing.
func (m *mainWindow) traceStartup(sess *session) {
	t := m.startup
	if t == nil {
		return
	}
	m.startup = nil
	t.mark("workspace open")
	drawn := sess.tiles.FirstDrawn()
	go func() {
		<-drawn
		m.do(func() {
			t.mark("first map frame")
			if t.quit != nil {
				t.quit()
			}
		})
	}()
}
