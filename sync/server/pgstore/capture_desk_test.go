package pgstore

import (
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// A desk's pending edit of a field the GIS technician changed directly
// becomes a conflict shown to the desk at its next push, exactly as if the
// technician had pushed through Terrimap: whether the capture worker has
// already turned the technician's edit into a version (captured) or not
// yet (the push finds it waiting in terrimap.captured). Nothing is
// overwritten on either side: the table keeps the technician's value, the
// desk keeps its edit in conflict with the platform's version attached. An
// edit of another field merges.
func TestDeskEditConflictsWithDirectEdit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		captured bool // the worker ran before the desk pushed
	}{
		{"captured first", true},
		{"still waiting in captured", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newCapPlatform(t)
			a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
			b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
			d := p.desk("tournus")
			d.update(a, map[string]any{"debit": 90.0})
			d.update(b, map[string]any{"numero": "PEI-2bis"})
			p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = 45 WHERE uuid IN ('`+a+`', '`+b+`')`)
			if tc.captured {
				if st := p.capture(); st.Versions != 2 {
					t.Fatalf("capture: %+v", st)
				}
			}
			s := d.sync()
			if s.Conflicts != 1 {
				t.Fatalf("sync: %d conflicts, want 1 (%+v)", s.Conflicts, s.Push)
			}
			cs, err := d.ws.Conflicts(p.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].UUID != a || len(cs[0].Fields) != 1 || cs[0].Fields[0] != "debit" {
				t.Fatalf("conflicts: %+v, want one on %s's debit", cs, a)
			}
			if cs[0].Theirs.Properties["debit"] != 45.0 {
				t.Errorf("the conflict shows the platform's debit %v, want the technician's 45", cs[0].Theirs.Properties["debit"])
			}
			if f := d.get(a); f.Properties["debit"] != 90.0 {
				t.Errorf("desk's own edit became %v, want 90 kept", f.Properties["debit"])
			}
			var debit float64
			if err := p.st.Pool().QueryRow(p.ctx, `SELECT debit FROM reseaux.pei WHERE uuid = $1`, a).Scan(&debit); err != nil {
				t.Fatal(err)
			}
			if debit != 45 {
				t.Errorf("the table's debit became %v, want the technician's 45", debit)
			}
			// The other feature merged: the technician's debit and the desk's number.
			fb := p.feature(b)
			if fb.Properties["debit"] != 45.0 || fb.Properties["numero"] != "PEI-2bis" {
				t.Errorf("merged feature: %s", propsJSON(fb.Properties))
			}
			h := p.history(b)
			if len(h) != 3 || h[1].Author != "db:"+p.sig || h[2].Author != "tournus" {
				t.Errorf("history of the merged feature: %+v, want the technician's version then the desk's", h)
			}
			if n := p.count(`SELECT count(*) FROM terrimap.captured`); n != 0 {
				t.Errorf("%d captured rows left", n)
			}
			if d.get(b).Properties["debit"] != 45.0 {
				t.Errorf("the desk did not pull the technician's debit")
			}
			if rep := p.reconcile(); rep.Differences != 0 {
				t.Errorf("table and feed disagree: %+v", rep)
			}
		})
	}
}

// A desk that edits nothing pulls the technician's edits at its next sync.
func TestDirectEditsReachDesks(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	d := p.desk("elu")
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET numero = 'PEI-1 (déplacé)', geom = ST_SetSRID(ST_MakePoint(4.901, 46.551), 4326) WHERE uuid = '`+a+`'`)
	p.capture()
	s := d.sync()
	if s.Pull.Received != 1 {
		t.Fatalf("pull: %+v", s.Pull)
	}
	f := d.get(a)
	if f.Properties["numero"] != "PEI-1 (déplacé)" || !schema.GeometryEqual(f.Geometry, orb.Point{4.901, 46.551}) {
		t.Errorf("desk's feature: %s %v", propsJSON(f.Properties), f.Geometry)
	}
}
