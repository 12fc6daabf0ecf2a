package store

import (
	"context"
	"maps"
	"testing"

	"github.com/paulmach/orb"
)

// JournalExcept leaves out the entries of the layers named, keeping the
// others in order, within the limit; PendingByLayer counts the pending
// entries of each layer and only those.
func TestJournalExceptAndPendingByLayer(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	err := ws.Edit(ctx, func(tx *Tx) error {
		for i := range 3 {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9, 46.5 + float64(i)/100}}); err != nil {
				return err
			}
			if _, err := tx.Create("canalaep", Feature{Geometry: orb.LineString{{4.9, 46.5}, {4.91, 46.5 + float64(i)/100}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := ws.Journal(ctx, 0)
	if err != nil || len(all) != 6 {
		t.Fatalf("journal: %d entries, %v", len(all), err)
	}
	if err := ws.Edit(ctx, func(tx *Tx) error { return tx.SetJournalState(all[0].ChangeID, StateRejected, "hors du territoire") }); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		limit  int
		except []string
		want   []int // indexes into all
	}{
		{"nothing left out", 0, nil, []int{0, 1, 2, 3, 4, 5}},
		{"the pipes left out", 0, []string{"canalaep"}, []int{0, 2, 4}},
		{"the hydrants left out, 2 at most", 2, []string{"pei"}, []int{1, 3}},
		{"both left out", 0, []string{"pei", "canalaep"}, nil},
		{"an unknown layer left out", 0, []string{"inconnue"}, []int{0, 1, 2, 3, 4, 5}},
	} {
		got, err := ws.JournalExcept(ctx, c.limit, c.except)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d entries, want %d", c.name, len(got), len(c.want))
		}
		for i, j := range c.want {
			if got[i].ChangeID != all[j].ChangeID {
				t.Errorf("%s: entry %d is %s of %s, want %s of %s", c.name, i, got[i].ChangeID, got[i].Layer, all[j].ChangeID, all[j].Layer)
			}
		}
	}
	counts, err := ws.PendingByLayer(ctx)
	if want := map[string]int{"pei": 2, "canalaep": 3}; err != nil || !maps.Equal(counts, want) {
		t.Fatalf("pending by layer %v, %v; want %v", counts, err, want)
	}
}
