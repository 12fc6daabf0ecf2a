package memlimit

import (
	"runtime/debug"
	"testing"
)

// Set sets the limit unless GOMEMLIMIT has a value, whatever it is.
func TestSet(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	const kept = 3 << 30
	for _, c := range []struct {
		gomemlimit string
		set        bool
	}{
		{"", true},
		{"1GiB", false},
		{"off", false},
	} {
		debug.SetMemoryLimit(kept)
		set := Set(FileCommand, c.gomemlimit)
		want := int64(kept)
		if c.set {
			want = FileCommand
		}
		if got := debug.SetMemoryLimit(-1); set != c.set || got != want {
			t.Errorf("GOMEMLIMIT=%q: set %v, limit %d; want %v, %d", c.gomemlimit, set, got, c.set, want)
		}
	}
}

func TestSetGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	for _, c := range []struct {
		gogc string
		set  bool
	}{
		{"", true},
		{"50", false},
		{"off", false},
	} {
		debug.SetGCPercent(100)
		set := SetGCPercent(FileCommandGCPercent, c.gogc)
		want := 100
		if c.set {
			want = FileCommandGCPercent
		}
		if got := debug.SetGCPercent(100); set != c.set || got != want {
			t.Errorf("GOGC=%q: set %v, GOGC %d; want %v, %d", c.gogc, set, got, c.set, want)
		}
	}
}
