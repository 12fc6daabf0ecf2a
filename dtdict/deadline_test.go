package dtdict

import (
	"testing"
	"time"
)

// day returns midnight of a civil date in loc.
func day(loc *time.Location, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func TestDue(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		kind       Kind
		received   time.Time
		electronic bool
		want       time.Time
	}{
		// May 2026: 1 May (Fri), 8 May (Fri), Ascension 14 May (Thu), Whit Monday 25 May.
		{"DT over 1 and 8 May", KindDT, time.Date(2026, 4, 30, 16, 20, 0, 0, paris), true, day(paris, 2026, 5, 11)},
		{"DICT over 8 May and Ascension", KindDICT, time.Date(2026, 5, 6, 9, 0, 0, 0, paris), true, day(paris, 2026, 5, 15)},
		{"DT over Whit Monday", KindDT, day(paris, 2026, 5, 18), true, day(paris, 2026, 5, 28)},
		{"DICT on paper over Whit Monday", KindDICT, day(paris, 2026, 5, 20), false, day(paris, 2026, 5, 30)},
		{"DT on paper over three May holidays", KindDT, day(paris, 2026, 4, 29), false, day(paris, 2026, 5, 17)},
		{"joint DT-DICT takes the DT's delay", KindJoint, day(paris, 2026, 4, 30), true, day(paris, 2026, 5, 11)},
		{"joint DT-DICT on paper", KindJoint, day(paris, 2026, 4, 29), false, day(paris, 2026, 5, 17)},
		{"received on a holiday", KindDICT, day(paris, 2026, 5, 1), true, day(paris, 2026, 5, 9)},
		{"DT over Easter Monday", KindDT, day(paris, 2026, 4, 3), true, day(paris, 2026, 4, 13)},
		{"weekends count", KindDICT, day(paris, 2026, 6, 5), true, day(paris, 2026, 6, 12)},
		// The new year: 25 December and 1 January.
		{"DT over Christmas and new year", KindDT, day(paris, 2026, 12, 24), true, day(paris, 2027, 1, 4)},
		{"DICT over new year", KindDICT, day(paris, 2026, 12, 28), true, day(paris, 2027, 1, 5)},
		{"DICT late on 31 December", KindDICT, time.Date(2026, 12, 31, 23, 30, 0, 0, paris), true, day(paris, 2027, 1, 8)},
		{"DT on paper over new year", KindDT, day(paris, 2026, 12, 20), false, day(paris, 2027, 1, 6)},
		// An ATU is answered at once.
		{"ATU", KindATU, time.Date(2026, 5, 14, 7, 0, 0, 0, paris), true, day(paris, 2026, 5, 14)},
		{"unknown kind", Kind("X"), day(paris, 2026, 5, 12), true, day(paris, 2026, 5, 12)},
		// Location kept: a UTC reception gives a UTC date.
		{"UTC", KindDICT, day(time.UTC, 2026, 5, 6), true, day(time.UTC, 2026, 5, 15)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Due(c.kind, c.received, c.electronic)
			if !got.Equal(c.want) || got.Location() != c.want.Location() {
				t.Errorf("Due(%s, %s, %v) = %s, want %s", c.kind, c.received, c.electronic, got, c.want)
			}
		})
	}
}

// TestDueCountsEveryDay checks Due against a plain count over two years of
// receptions: the delay's days after reception, plus one per public holiday
// among them, and never ending on a holiday.
func TestDueCountsEveryDay(t *testing.T) {
	delays := map[Kind][2]int{KindDT: {15, 9}, KindJoint: {15, 9}, KindDICT: {9, 7}}
	for received := day(time.UTC, 2026, 1, 1); received.Year() < 2028; received = received.AddDate(0, 0, 1) {
		for kind, d := range delays {
			for i, electronic := range []bool{false, true} {
				due := Due(kind, received, electronic)
				holidays := 0
				for x := received.AddDate(0, 0, 1); !x.After(due); x = x.AddDate(0, 0, 1) {
					if IsPublicHoliday(x) {
						holidays++
					}
				}
				if got := DaysLeft(due, received); got != d[i]+holidays {
					t.Fatalf("Due(%s, %s, %v) = %s: %d days later with %d holidays, want %d counted", kind, received.Format(time.DateOnly), electronic, due.Format(time.DateOnly), got, holidays, d[i])
				}
				if IsPublicHoliday(due) {
					t.Fatalf("Due(%s, %s, %v) = %s, a public holiday", kind, received.Format(time.DateOnly), electronic, due.Format(time.DateOnly))
				}
			}
		}
	}
}

func TestDaysLeft(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		due, today time.Time
		want       int
	}{
		{"two days", day(paris, 2026, 5, 11), time.Date(2026, 5, 9, 18, 0, 0, 0, paris), 2},
		{"due today", day(paris, 2026, 5, 11), time.Date(2026, 5, 11, 23, 59, 0, 0, paris), 0},
		{"a day late", day(paris, 2026, 5, 11), time.Date(2026, 5, 12, 0, 1, 0, 0, paris), -1},
		{"over the spring clock change", day(paris, 2026, 3, 30), day(paris, 2026, 3, 28), 2},
		{"over the autumn clock change", day(paris, 2026, 10, 26), day(paris, 2026, 10, 24), 2},
		{"over the new year", day(paris, 2027, 1, 4), day(paris, 2026, 12, 30), 5},
		{"a month late", day(paris, 2026, 5, 11), day(paris, 2026, 6, 11), -31},
	}
	for _, c := range cases {
		if got := DaysLeft(c.due, c.today); got != c.want {
			t.Errorf("%s: DaysLeft(%s, %s) = %d, want %d", c.name, c.due, c.today, got, c.want)
		}
	}
}
