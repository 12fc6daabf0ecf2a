package dtdict

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	cases := []struct {
		year       int
		month, day int
	}{
		{1818, 3, 22}, // the earliest possible
		{1943, 4, 25}, // the latest possible
		{2000, 4, 23},
		{2019, 4, 21},
		{2024, 3, 31},
		{2025, 4, 20},
		{2026, 4, 5},
		{2027, 3, 28},
		{2038, 4, 25},
		{2285, 3, 22},
	}
	for _, c := range cases {
		want := time.Date(c.year, time.Month(c.month), c.day, 0, 0, 0, 0, time.UTC)
		if got := Easter(c.year); !got.Equal(want) {
			t.Errorf("Easter(%d) = %s, want %s", c.year, got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		if got := Easter(c.year); got.Weekday() != time.Sunday {
			t.Errorf("Easter(%d) is a %s", c.year, got.Weekday())
		}
	}
}

func TestPublicHolidays2026(t *testing.T) {
	want := []string{
		"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
		"2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
	}
	got := PublicHolidays(2026)
	if len(got) != len(want) {
		t.Fatalf("%d holidays in 2026, want %d", len(got), len(want))
	}
	for i, h := range got {
		if h.Format(time.DateOnly) != want[i] {
			t.Errorf("holiday %d = %s, want %s", i, h.Format(time.DateOnly), want[i])
		}
	}
	if d := got[4]; d.Weekday() != time.Thursday {
		t.Errorf("Ascension 2026 is a %s", d.Weekday())
	}
	for _, i := range []int{1, 5} {
		if got[i].Weekday() != time.Monday {
			t.Errorf("%s is a %s, want a Monday", want[i], got[i].Weekday())
		}
	}
}

func TestIsPublicHoliday(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		t    time.Time
		want bool
	}{
		{time.Date(2026, 5, 1, 0, 0, 0, 0, paris), true},
		{time.Date(2026, 5, 1, 23, 59, 0, 0, paris), true}, // 21:59 UTC: still 1 May in Paris
		{time.Date(2026, 5, 2, 0, 30, 0, 0, paris), false}, // 22:30 UTC on 1 May: 2 May in Paris
		{time.Date(2026, 5, 14, 12, 0, 0, 0, paris), true},
		{time.Date(2026, 5, 25, 8, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 5, 24, 8, 0, 0, 0, time.UTC), false},  // Whit Sunday is a Sunday, not a holiday
		{time.Date(2026, 4, 5, 8, 0, 0, 0, time.UTC), false},   // Easter Sunday likewise
		{time.Date(2026, 12, 26, 8, 0, 0, 0, time.UTC), false}, // Alsace-Moselle only
		{time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC), true},
		{time.Date(2027, 5, 6, 8, 0, 0, 0, time.UTC), true},  // Ascension 2027
		{time.Date(2027, 5, 17, 8, 0, 0, 0, time.UTC), true}, // Whit Monday 2027
	}
	for _, c := range cases {
		if got := IsPublicHoliday(c.t); got != c.want {
			t.Errorf("IsPublicHoliday(%s) = %v, want %v", c.t, got, c.want)
		}
	}
}

// TestIsPublicHolidayAgrees checks IsPublicHoliday against PublicHolidays
// for every day of 1990 to 2100.
func TestIsPublicHolidayAgrees(t *testing.T) {
	for y := 1990; y <= 2100; y++ {
		listed := map[string]bool{}
		for _, h := range PublicHolidays(y) {
			listed[h.Format(time.DateOnly)] = true
		}
		// Ascension Day may fall on 1 May (2008) or 8 May (1997).
		if len(listed) != 11 && len(listed) != 10 {
			t.Fatalf("%d: %d distinct holidays", y, len(listed))
		}
		for d := day(time.UTC, y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if got, want := IsPublicHoliday(d), listed[d.Format(time.DateOnly)]; got != want {
				t.Fatalf("IsPublicHoliday(%s) = %v, PublicHolidays says %v", d.Format(time.DateOnly), got, want)
			}
		}
	}
}
