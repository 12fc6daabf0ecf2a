// Package memlimit sets the Go runtime's soft memory limit of a command,
// unless the environment sets one: the one place for the rule, which the
// desktop app, its file commands and the platform's import share.
package memlimit

import "runtime/debug"

// FileCommand is the soft limit of the Go runtime's memory for the
// commands that read or write whole files (terrimap import and export,
// terrimap-server import). They stream their features, so what they hold
// live is bounded by design — a page of rows, the boxes of the GeoPackage
// R*Tree packed at the end (24 bytes a feature) — but with the default
// GOGC of 100 the heap grows to twice the live one between collections: a
// 1 GB GeoJSON (4.4 million points) peaked at 353 MB of resident memory
// without a limit and 273 MB with this one, for the same CPU (issue 18,
// io-write, measured on terrimap import; terrimap-server import streams
// alike and takes the same limit, not measured). SQLite keeps its own
// 128 MiB soft heap limit beside it.
const FileCommand = 160 << 20

// Set sets the runtime's soft memory limit to limit unless gomemlimit,
// the environment's GOMEMLIMIT, sets one (a person tuning it knows
// better); it reports whether it did.
func Set(limit int64, gomemlimit string) bool {
	if gomemlimit != "" {
		return false
	}
	debug.SetMemoryLimit(limit)
	return true
}

// FileCommandGCPercent is the GOGC of terrimap import and export: the
// collector lets the heap grow to three times the live one rather than
// twice, under FileCommand all the same. Measured on terrimap import
// (issue 18, stop 16): 100,000 CSV points 0.92–0.98 → 0.83–0.87 s for
// 6 MB more; the 1 GB GeoJSON 226 → 207 MB peak (the limit, not GOGC,
// bounds it; one run each). Not set for terrimap-server import, not
// measured there.
const FileCommandGCPercent = 200

// SetGCPercent sets the collector's GOGC to percent unless gogc, the
// environment's GOGC, sets one; it reports whether it did.
func SetGCPercent(percent int, gogc string) bool {
	if gogc != "" {
		return false
	}
	debug.SetGCPercent(percent)
	return true
}
