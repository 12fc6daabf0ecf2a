package rpqs

import (
	"context"
	"errors"
	"testing"
	"time"

	"terrimap/internal/demows"
	"terrimap/store"
)

// TestComputeNamesTheTerritory computes what an annex is made of: a
// commune's scores and statistics under its name, the whole
// intercommunality's under the intercommunality's; a commune the
// workspace lacks is store.ErrCommuneNotFound.
func TestComputeNamesTheTerritory(t *testing.T) {
	ws := demows.Open(t, "tournus", demows.Tournus())
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ insee, territory string }{{"71543", "Tournus"}, {"", Intercommunality}} {
		rep, stats, meta, err := Compute(context.Background(), ws, c.insee, 2026, now)
		if err != nil {
			t.Fatalf("%q: %v", c.insee, err)
		}
		if rep.INSEE != c.insee || rep.Year != 2026 || stats.INSEE != c.insee || meta.Territory != c.territory || !meta.Date.Equal(now) {
			t.Errorf("%q: report of %q in %d, statistics of %q, meta %+v", c.insee, rep.INSEE, rep.Year, stats.INSEE, meta)
		}
	}
	if _, _, _, err := Compute(context.Background(), ws, "99999", 2026, now); !errors.Is(err, store.ErrCommuneNotFound) {
		t.Errorf("unknown commune: %v, want store.ErrCommuneNotFound", err)
	}
}
