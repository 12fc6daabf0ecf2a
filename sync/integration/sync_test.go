package integration

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
)

func TestFirstSyncAndRoundTrip(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		a := p.newDesk("agent")
		if len(a.ws.Layers()) != 2 {
			t.Fatalf("first sync made %d layers", len(a.ws.Layers()))
		}
		id := a.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "T-1", "debit": 60})
		s := a.sync()
		if s.Push.Applied != 1 || a.pending()[store.StatePending] != 0 {
			t.Fatalf("push: %+v, pending %v", s.Push, a.pending())
		}
		if f, _ := a.get("pei", id); f.Version != 1 {
			t.Errorf("version after push: %d", f.Version)
		}
		b := p.newDesk("elu")
		f, ok := b.get("pei", id)
		if !ok || f.Properties["numero"] != "T-1" || f.Properties["debit"] != 60.0 || f.Version != 1 {
			t.Fatalf("second desk got %+v", f)
		}
		l, _ := b.ws.Layer("pei")
		if !l.ReadOnly() {
			t.Errorf("the viewer's layer is editable")
		}
		acc, ok := b.c.Access(context.Background(), "pei")
		if !ok || acc.CanEdit() || acc.Reason == "" {
			t.Errorf("viewer access: %+v", acc)
		}
		// A second edit on the same feature before syncing: both go, in order.
		a.update("pei", id, map[string]any{"debit": 70}, nil)
		a.update("pei", id, map[string]any{"debit": 80, "numero": "T-1b"}, nil)
		if s := a.sync(); s.Push.Applied != 2 || s.Push.Conflicts != 0 {
			t.Errorf("two edits of one field: %+v", s.Push)
		}
		b.sync()
		if f, _ := b.get("pei", id); f.Properties["debit"] != 80.0 || f.Version != 3 {
			t.Errorf("after two edits: %+v", f)
		}
	})
}

// Every combination of (update, delete) × (same field, other field,
// geometry) made offline on two desks ends as DESIGN.md's table says.
func TestConcurrentEditsTable(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		type edit func(d *desk, id string)
		setDebit := func(v float64) edit {
			return func(d *desk, id string) { d.update("pei", id, map[string]any{"debit": v}, nil) }
		}
		setNumero := func(d *desk, id string) { d.update("pei", id, map[string]any{"numero": "B"}, nil) }
		move := func(p orb.Point) edit { return func(d *desk, id string) { d.update("pei", id, nil, p) } }
		del := func(d *desk, id string) {
			d.edit(func(tx *store.Tx) error { return tx.Delete("pei", id) })
		}
		cases := []struct {
			name        string
			first, then edit // first syncs first; then is the second desk's edit
			status      string
			debit       any // the platform's value at the end, nil when deleted
		}{
			{"update/other field", setDebit(90), setNumero, "merged", 90.0},
			{"update/same field", setDebit(90), setDebit(100), "conflict", 90.0},
			{"update/same field same value", setDebit(90), setDebit(90), "merged", 90.0},
			{"update/geometry both", move(orb.Point{4.91, 46.55}), move(orb.Point{4.92, 46.55}), "conflict", 60.0},
			{"update/geometry vs field", move(orb.Point{4.91, 46.55}), setDebit(75), "merged", 75.0},
			{"update vs delete", del, setDebit(75), "conflict", nil},
			{"delete vs update", setDebit(75), del, "conflict", 75.0},
			{"delete vs geometry", move(orb.Point{4.91, 46.55}), del, "conflict", 60.0},
			{"delete vs delete", del, del, "applied", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := newPlatform(t, kind)
				a, b := p.newDesk("agent"), p.newDesk("agent")
				id := a.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "A", "debit": 60})
				a.sync()
				b.sync()
				c.first(a, id)
				c.then(b, id)
				a.sync()
				s := b.sync()
				got := map[string]int{"applied": s.Push.Applied, "merged": s.Push.Merged, "conflict": s.Push.Conflicts, "rejected": s.Push.Rejected}
				if got[c.status] != 1 || s.Push.Sent != 1 {
					t.Fatalf("second desk's push: %+v, want one %s", s.Push, c.status)
				}
				// The platform's feature, as a fresh desk sees it.
				fresh := p.newDesk("elu")
				f, ok := fresh.get("pei", id)
				switch {
				case c.debit == nil && ok:
					t.Errorf("feature still on the platform: %+v", f)
				case c.debit != nil && (!ok || f.Properties["debit"] != c.debit):
					t.Errorf("platform feature %+v (exists %v), want debit %v", f.Properties, ok, c.debit)
				}
				if c.status == "conflict" {
					conflicts, _ := b.ws.Conflicts(context.Background())
					if len(conflicts) != 1 || conflicts[0].Message == "" {
						t.Fatalf("conflicts kept: %+v", conflicts)
					}
					// Nothing is lost: the local version is still there.
					if b.pending()[store.StateConflict] != 1 {
						t.Errorf("journal: %v", b.pending())
					}
				}
			})
		}
	})
}

func TestConflictResolvedPerField(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		a, b := p.newDesk("agent"), p.newDesk("agent")
		id := a.create("pei", orb.Point{4.9, 46.55}, map[string]any{"numero": "A", "debit": 60})
		a.sync()
		b.sync()
		a.update("pei", id, map[string]any{"debit": 90, "numero": "from A"}, nil)
		a.sync()
		b.update("pei", id, map[string]any{"debit": 120, "numero": "from B"}, orb.Point{4.905, 46.55})
		if s := b.sync(); s.Push.Conflicts != 1 {
			t.Fatalf("want a conflict: %+v", s.Push)
		}
		conflicts, _ := b.ws.Conflicts(context.Background())
		if len(conflicts) != 1 || fmt.Sprint(conflicts[0].Fields) != "[debit numero]" || conflicts[0].Theirs.Properties["debit"] != 90.0 {
			t.Fatalf("conflict: %+v", conflicts)
		}
		// Keep my debit, take their numero; the geometry (only I moved it) stays mine.
		err := b.c.Resolve(context.Background(), conflicts[0].ChangeID, client.Resolution{Default: client.Theirs,
			Fields: map[string]client.Side{"debit": client.Mine, "geom": client.Mine}})
		if err != nil {
			t.Fatal(err)
		}
		if s := b.sync(); s.Push.Applied != 1 || s.Conflicts != 0 {
			t.Fatalf("after resolving: %+v", s)
		}
		a.sync()
		f, _ := a.get("pei", id)
		if f.Properties["debit"] != 120.0 || f.Properties["numero"] != "from A" || !orb.Equal(f.Geometry, orb.Point{4.905, 46.55}) {
			t.Errorf("resolved feature: %+v %v", f.Properties, f.Geometry)
		}
	})
}

func TestRejectedChangesStayUntilFixedOrDropped(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		p := newPlatform(t, kind)
		d := p.newDesk("tournus")
		outside := d.create("pei", orb.Point{5.0, 46.55}, nil) // in Uchizy
		inside := d.create("pei", orb.Point{4.9, 46.55}, nil)
		s := d.sync()
		if s.Push.Rejected != 1 || s.Push.Applied != 1 || s.Rejected != 1 {
			t.Fatalf("sync: %+v", s)
		}
		rejected, _ := d.ws.Journal(context.Background(), 0, store.StateRejected)
		if len(rejected) != 1 || rejected[0].UUID != outside || rejected[0].Reason == "" {
			t.Fatalf("rejected: %+v", rejected)
		}
		// Still there at the next sync, with its reason, sent no more.
		if s := d.sync(); s.Push.Sent != 0 || s.Rejected != 1 {
			t.Errorf("second sync: %+v", s)
		}
		// Fixed (moved into Tournus) and retried: accepted.
		d.update("pei", outside, nil, orb.Point{4.93, 46.55})
		if err := d.c.Retry(context.Background(), rejected[0].ChangeID); err != nil {
			t.Fatal(err)
		}
		if s := d.sync(); s.Push.Applied != 1 || s.Rejected != 0 {
			t.Errorf("after the fix: %+v", s.Push)
		}
		// A change dropped by the user: the feature comes back as the platform has it.
		d.update("pei", inside, nil, orb.Point{5.01, 46.55})
		d.sync()
		rejected, _ = d.ws.Journal(context.Background(), 0, store.StateRejected)
		if len(rejected) != 1 {
			t.Fatalf("move out: %+v", rejected)
		}
		if err := d.c.Drop(context.Background(), rejected[0].ChangeID); err != nil {
			t.Fatal(err)
		}
		d.sync()
		if f, _ := d.get("pei", inside); !orb.Equal(f.Geometry, orb.Point{4.9, 46.55}) || d.pending()[store.StateRejected] != 0 {
			t.Errorf("after drop: %v %v", f.Geometry, d.pending())
		}
	})
}
