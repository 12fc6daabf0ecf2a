package cputime

import (
	"runtime"
	"testing"
	"time"
)

func TestUsedGrowsWithWork(t *testing.T) {
	before, ok := Used()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("no CPU time on Linux")
		}
		return
	}
	x := 0.0
	for i := range 20_000_000 {
		x += float64(i % 7)
	}
	after, _ := Used()
	if after <= before || x == 0 {
		t.Errorf("CPU time went from %v to %v over a busy loop", before, after)
	}
}

func TestMeterReportsCPUPerOp(t *testing.T) {
	if _, ok := Used(); !ok {
		return // the system does not tell: Report reports nothing
	}
	x := 0.0
	r := testing.Benchmark(func(b *testing.B) {
		cpu := Start()
		for b.Loop() {
			for i := range 100_000 {
				x += float64(i % 7)
			}
		}
		cpu.Report(b)
	})
	if got, ok := r.Extra["cpu-s/op"]; !ok || got <= 0 || x == 0 {
		t.Errorf("cpu-s/op = %v (reported: %v), want above 0", got, ok)
	}
}

func TestThreadGrowsWithItsWorkOnly(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, ok := Thread()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("no thread CPU time on Linux")
		}
		return
	}
	x := 0.0
	for i := range 20_000_000 {
		x += float64(i % 7)
	}
	busy, _ := Thread()
	time.Sleep(50 * time.Millisecond)
	idle, _ := Thread()
	if busy <= before || x == 0 {
		t.Errorf("thread CPU time went from %v to %v over a busy loop", before, busy)
	}
	if idle-busy > 10*time.Millisecond {
		t.Errorf("the thread used %v of CPU asleep", idle-busy)
	}
}
