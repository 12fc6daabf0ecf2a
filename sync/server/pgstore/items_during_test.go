package pgstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// TestItemsQueryDuring filters on a date field and on a date-and-time
// field, on both storages alike: ends included, open ends, a date's whole
// day, empty values never matching.
func TestItemsQueryDuring(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		fs := map[string]protocol.FeatureState{}
		// Hydrant n was checked on May n, 2024, at 08:30 UTC; the tenth
		// has no dates.
		for n := 1; n <= 10; n++ {
			f := hydrant(n, 1)
			f.Properties["date_ct"] = fmt.Sprintf("2024-05-%02d", n)
			f.Properties["maj"] = fmt.Sprintf("2024-05-%02dT08:30:00Z", n)
			if n == 10 {
				f.Properties["date_ct"], f.Properties["maj"] = nil, nil
			}
			fs[testID(n)] = f
		}
		write(t, st, "tournus", fs)
		day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
		at := func(d, h, m int) time.Time { return time.Date(2024, 5, d, h, m, 0, 0, time.UTC) }
		dateOn := func(start, end time.Time) *server.TimeInterval {
			return &server.TimeInterval{Field: "date_ct", Type: schema.Date, Start: start, End: end}
		}
		stampOn := func(start, end time.Time) *server.TimeInterval {
			return &server.TimeInterval{Field: "maj", Type: schema.DateTime, Start: start, End: end}
		}
		cases := []struct {
			name    string
			during  *server.TimeInterval
			matched int
		}{
			{"date: one day", dateOn(day(3), day(4).Add(-time.Nanosecond)), 1},
			{"date: ends included", dateOn(day(3), day(5)), 3},
			{"date: a day met at noon", dateOn(at(3, 12, 0), at(4, 6, 0)), 2},
			{"date: open start", dateOn(time.Time{}, day(2)), 2},
			{"date: open end", dateOn(day(8), time.Time{}), 2},
			{"date: both open keeps dated features", dateOn(time.Time{}, time.Time{}), 9},
			{"date: none", dateOn(day(20), day(25)), 0},
			{"datetime: the instant", stampOn(at(4, 8, 30), at(4, 8, 30)), 1},
			{"datetime: another instant", stampOn(at(4, 8, 31), at(4, 8, 31)), 0},
			{"datetime: ends included", stampOn(at(2, 8, 30), at(4, 8, 30)), 3},
			{"datetime: open end", stampOn(at(9, 8, 0), time.Time{}), 1},
			{"datetime: open start", stampOn(time.Time{}, at(1, 9, 0)), 1},
		}
		for _, c := range cases {
			got, matched, err := st.QueryItems(ctx, "hydrants", server.ItemsQuery{During: c.during, Limit: 100})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if matched != c.matched || len(got) != c.matched {
				t.Errorf("%s: %d returned of %d matched, want %d", c.name, len(got), matched, c.matched)
			}
		}
		// The first and last values, empty ones left out.
		for _, c := range []struct{ field, first, last string }{
			{"date_ct", "2024-05-01", "2024-05-09"},
			{"maj", "2024-05-01T08:30:00Z", "2024-05-09T08:30:00Z"},
		} {
			first, last, ok := st.TimeExtent(ctx, "hydrants", c.field)
			if !ok || first != c.first || last != c.last {
				t.Errorf("TimeExtent(%s) = %q, %q, %v; want %q, %q", c.field, first, last, ok, c.first, c.last)
			}
		}
		for _, bad := range [][2]string{{"hydrants", "nulle"}, {"nulle", "date_ct"}} {
			if _, _, ok := st.TimeExtent(ctx, bad[0], bad[1]); ok {
				t.Errorf("TimeExtent(%s, %s) found values", bad[0], bad[1])
			}
		}
		// With an equality and a page.
		got, matched, err := st.QueryItems(ctx, "hydrants", server.ItemsQuery{During: dateOn(day(1), day(6)),
			Equals: map[string]any{"numero": "PEI-002"}, Limit: 1})
		if err != nil || matched != 1 || len(got) != 1 || got[0].ID != testID(2) {
			t.Errorf("during and equals: %v of %d, %v", got, matched, err)
		}
	})
}
