package main

import (
	"strings"
	"testing"
)

// A migration step's progress line names the step alone at its start — a
// count of 0 there read as an empty table — and its rows afterwards; every
// line is as wide, so that a line rewritten in place on a terminal leaves no
// end of the previous one behind.
func TestMigrateStep(t *testing.T) {
	tests := []struct {
		step string
		rows int64
		want string
	}{
		{"versions", 0, "versions…"},
		{"layer canalaep", 0, "layer canalaep…"},
		{"versions", 50_000, "versions                     50000 rows…"},
	}
	width := len([]rune(migrateStep("versions", 50_000)))
	for _, tc := range tests {
		got := migrateStep(tc.step, tc.rows)
		if strings.TrimRight(got, " ") != tc.want {
			t.Errorf("migrateStep(%q, %d) = %q, want %q", tc.step, tc.rows, got, tc.want)
		}
		if strings.Contains(got, " 0 rows") {
			t.Errorf("migrateStep(%q, %d) = %q: says 0 rows", tc.step, tc.rows, got)
		}
		if n := len([]rune(got)); n != width {
			t.Errorf("migrateStep(%q, %d) is %d wide, want %d", tc.step, tc.rows, n, width)
		}
	}
}
