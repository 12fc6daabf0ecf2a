//go:build !race

package mapview

// raceDetector reports whether the tests run under -race (race_on_test.go).
const raceDetector = false
