//go:build race

package mapview

// raceDetector reports whether the tests run under -race, whose
// instrumentation makes some values escape to the heap that do not
// otherwise (measurements of heap held are then higher).
const raceDetector = true
