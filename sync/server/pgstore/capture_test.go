package pgstore

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// The GIS technician inserts (without a uuid), updates and deletes
// hydrants with psql: each becomes a version attributed to the database
// role, recorded with it, in the feed; the platform's own writes are not
// captured.
func TestPsqlEditsBecomeVersions(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	b := p.seed("PEI-2", orb.Point{4.91, 46.55}, 60)
	if n := p.count(`SELECT count(*) FROM terrimap.captured`); n != 0 {
		t.Fatalf("the platform's own writes were captured: %d rows", n)
	}
	p.mustPsql(p.sig, `INSERT INTO reseaux.pei (numero, type_pei, debit, geom) VALUES ('PEI-3', 'BI', 30, ST_SetSRID(ST_MakePoint(4.92, 46.55), 4326));
		UPDATE reseaux.pei SET debit = 75.5, date_ct = '2025-03-01' WHERE uuid = '`+a+`';
		DELETE FROM reseaux.pei WHERE uuid = '`+b+`';`)
	st := p.capture()
	if st.Versions != 3 || st.Captured != 3 {
		t.Fatalf("capture: %+v, want 3 versions of 3 captured rows", st)
	}
	var c string
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT uuid::text FROM reseaux.pei WHERE numero = 'PEI-3'`).Scan(&c); err != nil {
		t.Fatalf("the inserted row got no uuid: %v", err)
	}
	author := "db:" + p.sig
	for _, tc := range []struct {
		id      string
		version int64
		op      protocol.Op
		changed []string
	}{
		{a, 2, protocol.OpUpdate, []string{"date_ct", "debit"}},
		{b, 2, protocol.OpDelete, nil},
		{c, 1, protocol.OpCreate, nil},
	} {
		h := p.history(tc.id)
		last := h[len(h)-1]
		if last.Version != tc.version || last.Op != tc.op || last.Author != author {
			t.Errorf("%s: last version %d %s by %s, want %d %s by %s", tc.id, last.Version, last.Op, last.Author, tc.version, tc.op, author)
		}
		if tc.changed != nil && strings.Join(last.Changed, ",") != strings.Join(tc.changed, ",") {
			t.Errorf("%s: changed %v, want %v", tc.id, last.Changed, tc.changed)
		}
		if r := p.dbRoleOf(tc.id, tc.version); r != p.sig {
			t.Errorf("%s: db_role %q, want %q", tc.id, r, p.sig)
		}
	}
	if f := p.feature(a); f.Properties["debit"] != 75.5 || f.Properties["date_ct"] != "2025-03-01" {
		t.Errorf("feature after the update: %s", propsJSON(f.Properties))
	}
	changes, _, _, err := p.st.Changes(p.ctx, 0, 100, []string{"pei"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]protocol.Change{}
	for _, ch := range changes {
		seen[ch.ID] = ch
	}
	if ch := seen[c]; ch.Version != 1 || ch.Properties["type_pei"] != "BI" || ch.ModifiedBy != author {
		t.Errorf("the feed's insert: %+v", ch)
	}
	if ch := seen[b]; !ch.Deleted || ch.Version != 2 {
		t.Errorf("the feed's delete: %+v", ch)
	}
	if n := p.count(`SELECT count(*) FROM terrimap.captured`); n != 0 {
		t.Errorf("%d captured rows left after the pass", n)
	}
	// Nothing new: a second pass and a reconciliation find nothing.
	if st := p.capture(); st.Versions != 0 {
		t.Errorf("second pass: %+v", st)
	}
	if rep := p.reconcile(); rep.Differences != 0 || len(rep.Repairs) != 0 {
		t.Errorf("reconciliation after capture: %+v", rep)
	}
}

// An edit that changes nothing (UPDATE … SET x = x) writes no version.
func TestNoOpUpdateWritesNoVersion(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET debit = debit WHERE uuid = '`+a+`'`)
	if st := p.capture(); st.Versions != 0 || st.Captured != 1 {
		t.Errorf("capture of a no-op update: %+v", st)
	}
	if h := p.history(a); len(h) != 1 {
		t.Errorf("%d versions, want 1", len(h))
	}
}

// A value the layer's schema refuses: a code outside the list is put back
// in the table as it was and recorded with the message; a required field
// emptied is kept as typed and recorded too; nothing is silently dropped,
// and table and feed agree.
func TestSchemaRefusalIsRecordedNotDropped(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET type_pei = 'XX', debit = 80 WHERE uuid = '`+a+`'`)
	st := p.capture()
	if st.Versions != 1 || st.Issues != 1 {
		t.Fatalf("capture: %+v, want 1 version with 1 issue", st)
	}
	f := p.feature(a)
	if f.Properties["type_pei"] != "PI" || f.Properties["debit"] != 80.0 {
		t.Errorf("version: %s, want type_pei put back to PI and debit 80", propsJSON(f.Properties))
	}
	var inTable, msg, fields string
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT type_pei FROM reseaux.pei WHERE uuid = $1`, a).Scan(&inTable); err != nil {
		t.Fatal(err)
	}
	if inTable != "PI" {
		t.Errorf("table holds type_pei %q, want it put back to PI", inTable)
	}
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT message, fields::text FROM terrimap.capture_issues WHERE uuid = $1`, a).Scan(&msg, &fields); err != nil {
		t.Fatalf("no issue recorded: %v", err)
	}
	if !strings.Contains(msg, "XX") || !strings.Contains(fields, `"value": "XX"`) {
		t.Errorf("issue: %q %s, want the refused value kept", msg, fields)
	}
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET type_pei = NULL WHERE uuid = '`+a+`'`)
	if st := p.capture(); st.Versions != 1 || st.Issues != 1 {
		t.Fatalf("capture of an emptied required field: %+v", st)
	}
	if f := p.feature(a); f.Properties["type_pei"] != nil {
		t.Errorf("emptied required field: version has %v, want it as typed (empty)", f.Properties["type_pei"])
	}
	if rep := p.reconcile(); rep.Differences != 0 {
		t.Errorf("table and feed disagree after the refusals: %+v", rep)
	}
}

// A new row missing a required field takes the field's default, in the
// table and the version, as a creation through the OGC API does.
func TestInsertTakesDefaults(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	p.mustPsql(p.sig, `INSERT INTO reseaux.pei (uuid, numero, geom) VALUES (NULL, 'PEI-9', ST_SetSRID(ST_MakePoint(4.9, 46.55), 4326))`)
	if st := p.capture(); st.Versions != 1 || st.Issues != 0 {
		t.Fatalf("capture: %+v", st)
	}
	var id, typ string
	if err := p.st.Pool().QueryRow(p.ctx, `SELECT uuid::text, type_pei FROM reseaux.pei WHERE numero = 'PEI-9'`).Scan(&id, &typ); err != nil {
		t.Fatal(err)
	}
	if typ != "PI" {
		t.Errorf("table type_pei %q, want the default PI", typ)
	}
	if f := p.feature(id); f.Properties["type_pei"] != "PI" || !schema.GeometryEqual(f.Geometry, orb.Point{4.9, 46.55}) {
		t.Errorf("version: %s %v", propsJSON(f.Properties), f.Geometry)
	}
}

// A row whose uuid is changed directly is, for the platform, the old
// feature deleted and a new one created: both in the feed.
func TestUUIDChangeIsDeleteAndCreate(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	a := p.seed("PEI-1", orb.Point{4.90, 46.55}, 60)
	const b = "0193a1b2-0000-7000-8000-000000000001"
	p.mustPsql(p.sig, `UPDATE reseaux.pei SET uuid = '`+b+`' WHERE uuid = '`+a+`'`)
	if st := p.capture(); st.Versions != 2 {
		t.Fatalf("capture: %+v, want a tombstone and a creation", st)
	}
	if f := p.feature(a); f.Exists || f.Version != 2 {
		t.Errorf("old uuid: %+v, want its tombstone", f)
	}
	if f := p.feature(b); !f.Exists || f.Version != 1 || f.Properties["numero"] != "PEI-1" {
		t.Errorf("new uuid: %+v", f)
	}
}
