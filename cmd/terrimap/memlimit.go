package main

import "terrimap/internal/memlimit"

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

// setCommandMemoryLimit sets memlimit.FileCommand and
// memlimit.FileCommandGCPercent for the commands that stream whole files,
// unless GOMEMLIMIT or GOGC, read from the environment gomemlimit and
// gogc, set them.
func setCommandMemoryLimit(command, gomemlimit, gogc string) {
	if streamsFiles(command) {
		memlimit.Set(memlimit.FileCommand, gomemlimit)
		memlimit.SetGCPercent(memlimit.FileCommandGCPercent, gogc)
	}
}

// streamsFiles tells the commands that read or write whole files.
func streamsFiles(command string) bool {
	return command == "import" || command == "export"
}
