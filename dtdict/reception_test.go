package dtdict

import (
	"errors"
	"testing"
	"time"
)

// A declaration is received neither before the declarant made it nor
// after today; today is the declaration's own day when this computer's
// clock is behind the one-stop shop's.
func TestReceptionDay(t *testing.T) {
	declared := time.Date(2026, 12, 3, 9, 14, 0, 0, time.UTC)
	now := time.Date(2026, 12, 8, 16, 0, 0, 0, time.Local)
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.Local) }
	for _, tc := range []struct {
		name               string
		received, declared time.Time
		now                time.Time
		want               error
	}{
		{"the declaration's day", day(3), declared, now, nil},
		{"today", day(8), declared, now, nil},
		{"today late in the evening", time.Date(2026, 12, 8, 23, 59, 0, 0, time.Local), declared, now, nil},
		{"in between", day(5), declared, now, nil},
		{"the day before it was made", day(2), declared, now, ErrReceivedBeforeDeclared},
		{"tomorrow", day(9), declared, now, ErrReceivedLater},
		{"undated declaration, an old day", time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local), time.Time{}, now, nil},
		{"undated declaration, tomorrow", day(9), time.Time{}, now, ErrReceivedLater},
		{"made after this computer's today, on its day", day(9), day(9), now, nil},
		{"made after this computer's today, the day after", day(10), day(9), now, ErrReceivedLater},
	} {
		if got := CheckReception(tc.received, tc.declared, tc.now); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name          string
		declared, now time.Time
		want          time.Time
	}{
		{"made before today: today", declared, now, day(8)},
		{"undated: today", time.Time{}, now, day(8)},
		{"made after this computer's today: its day", time.Date(2026, 12, 9, 8, 0, 0, 0, time.UTC), now, day(9)},
	} {
		if got := LatestReception(tc.declared, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s: latest reception %v, want %v", tc.name, got, tc.want)
		}
	}
}
