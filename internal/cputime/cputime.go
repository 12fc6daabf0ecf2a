// Package cputime tells how much CPU time the process has used, on every
// thread: what benchmarks report beside the wall time when the machine is
// shared (cpu-s/op is what the wall time would be alone on one core).
package cputime

import "time"

// Used returns the CPU time (user and system) the process has used; ok is
// false where the system does not tell.
func Used() (d time.Duration, ok bool) { return used() }
