package cputime

import (
	"testing"
	"time"
)

// Meter measures the CPU time a benchmark's loop uses, on every thread.
type Meter struct {
	start time.Duration
	ok    bool
}

// Start begins measuring.
func Start() Meter {
	d, ok := Used()
	return Meter{start: d, ok: ok}
}

// Report gives b the CPU time used since Start per operation, as the metric
// cpu-s/op: on a shared machine, what the wall time would be alone on one
// core. It reports nothing where the system does not tell.
func (m Meter) Report(b *testing.B) {
	if now, ok := Used(); ok && m.ok && b.N > 0 {
		b.ReportMetric((now-m.start).Seconds()/float64(b.N), "cpu-s/op")
	}
}
