package main

import "runtime/debug"

// appMemoryLimit is the soft limit of the Go runtime's memory while the
// desktop app runs. With the default GOGC of 100 the heap grows to twice
// what is live before a collection: the 1M-feature start doubled a live
// heap of 340 MB past 600 MB (issue 16, scale16). The app's peak resident
// memory should stay under 500 MB: SQLite holds up to 128 MiB (store's
// soft heap limit) and Fyne, OpenGL, X and the program's own pages about
// 60 MB more, which leaves the Go runtime about 320 MiB. Under the limit
// nothing changes (the 1M start now keeps ~150 MB live); near it the
// collector runs sooner rather than letting the heap double. It is a soft
// limit: a live heap above it is not refused, the collector works harder
// (measured: +8 CPU-s on the old 1M start, whose live heap was over it)
// and the runtime caps it at half the CPU so that it never spins — which
// is why it is not lower.
const appMemoryLimit = 320 << 20

// setAppMemoryLimit sets appMemoryLimit unless GOMEMLIMIT, read from the
// environment gomemlimit, already sets one (a person tuning the app knows
// better).
func setAppMemoryLimit(gomemlimit string) {
	if limit, ok := appMemoryLimitFor(gomemlimit); ok {
		debug.SetMemoryLimit(limit)
	}
}

// appMemoryLimitFor returns the limit to set for a GOMEMLIMIT value; ok is
// false when the environment's is to be kept.
func appMemoryLimitFor(gomemlimit string) (limit int64, ok bool) {
	if gomemlimit != "" {
		return 0, false
	}
	return appMemoryLimit, true
}

// fileCommandMemoryLimit is the soft limit of the Go runtime's memory for
// the commands that read or write whole files (import, export). They
// stream their features, so what they hold live is bounded by design — a
// page of rows, the boxes of the GeoPackage R*Tree packed at the end (24
// bytes a feature) — but with the default GOGC of 100 the heap grows to
// twice the live one between collections: a 1 GB GeoJSON (4.4 million
// points) peaked at 353 MB of resident memory without a limit and 273 MB
// with this one, for the same CPU (issue 18, io-write). SQLite keeps its
// own 128 MiB soft heap limit beside it.
const fileCommandMemoryLimit = 160 << 20

// setCommandMemoryLimit sets fileCommandMemoryLimit for the file commands,
// unless GOMEMLIMIT, read from the environment gomemlimit, sets one.
func setCommandMemoryLimit(command, gomemlimit string) {
	if limit, ok := commandMemoryLimitFor(command, gomemlimit); ok {
		debug.SetMemoryLimit(limit)
	}
}

// commandMemoryLimitFor returns the limit to set for a command and a
// GOMEMLIMIT value; ok is false when the runtime's is to be kept.
func commandMemoryLimitFor(command, gomemlimit string) (limit int64, ok bool) {
	if gomemlimit != "" || (command != "import" && command != "export") {
		return 0, false
	}
	return fileCommandMemoryLimit, true
}
