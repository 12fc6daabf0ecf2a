// Package cputime tells how much CPU time the process has used, on every
// thread: what benchmarks report beside the wall time when the machine is
// shared (cpu-s/op is what the wall time would be alone on one core).
package cputime

import "time"

// Used returns the CPU time (user and system) the process has used; ok is
// false where the system does not tell.
func Used() (d time.Duration, ok bool) { return used() }

// Thread returns the CPU time the calling thread has used, on Linux; ok is
// false elsewhere. The goroutine asking must be locked to its thread
// (runtime.LockOSThread) for two readings to measure its own work: on a
// loaded machine that is what its work costs, however long it waited for
// a core.
func Thread() (d time.Duration, ok bool) { return threadUsed() }
