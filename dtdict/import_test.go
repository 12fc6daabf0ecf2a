package dtdict

import (
	"context"
	"testing"
	"time"
)

// Importing a declaration records it and whether our networks are
// concerned: the register says so before anyone opens it.
func TestImportRecordsTheVerdict(t *testing.T) {
	ws := answerDesk(t)
	ctx := context.Background()
	for _, tc := range []struct {
		file      string
		concerned bool
	}{
		{"dt-tournus.xml", true},
		{"dict-offterritory.xml", false},
	} {
		d, xml := answerFixture(t, tc.file)
		received := time.Date(2026, 12, 8, 0, 0, 0, 0, time.Local)
		e, a, err := Import(ctx, ws, d, xml, received, true, AnalysisOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if a == nil || a.Concerned != tc.concerned || !e.Analysed || e.Concerned != tc.concerned {
			t.Errorf("%s: analysis %v, entry analysed %v concerned %v; want concerned %v", tc.file, a != nil && a.Concerned, e.Analysed, e.Concerned, tc.concerned)
		}
		if e.Number != d.Number || e.Status(received) != StatusPending || !e.Received.Equal(received) {
			t.Errorf("%s: entry %+v", tc.file, e)
		}
	}
	entries, err := Entries(ctx, ws)
	if err != nil || len(entries) != 2 {
		t.Fatalf("register: %d entries, %v; want 2", len(entries), err)
	}
	for _, e := range entries {
		if !e.Analysed {
			t.Errorf("%s kept without its verdict", e.Number)
		}
	}
}
