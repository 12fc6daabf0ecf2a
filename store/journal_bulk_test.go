package store

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"terrimap/store/formats"
	"terrimap/store/gpkgbin"
	"terrimap/store/schema"
)

// mixedSchema is a layer with a field of every type and any geometry; its
// fields are declared out of alphabetical order (the journal's keys are
// sorted).
func mixedSchema() schema.Layer {
	return schema.Layer{
		Name: "mix", Title: "Tous les types", GeometryType: schema.AnyGeometry,
		Fields: []schema.Field{
			{Name: "txt", Type: schema.Text},
			{Name: "n", Type: schema.Integer},
			{Name: "r", Type: schema.Real},
			{Name: "b", Type: schema.Boolean},
			{Name: "d", Type: schema.Date},
			{Name: "dt", Type: schema.DateTime},
			{Name: "autre", Type: schema.Text},
		},
	}
}

// absent marks a property left out of a feature's map (nil is a null).
type absentValue struct{}

var absent absentValue

// mixedFeatures are n features cycling through the values a journal must
// keep exactly: each field's values have their own period, so that the
// combinations vary.
func mixedFeatures(n int) []formats.Feature {
	values := map[string][]any{
		"txt": {"Mâcon « l'église »", `guillemets "doubles" et 'simples'`, "ligne\nsuivante\ttab", "<b>&amp;</b> \u2028 \\", "caf\xe9 (latin-1)", "nul\x00dedans", "", nil, absent, "Œuvre d’art"},
		"n":   {int64(1<<53 + 1), int64(-42), int64(0), int64(math.MaxInt64), int64(math.MinInt64), "17", nil, absent},
		"r": {0.1, 0.30000000000000004, 1e300, 5e-324, math.Copysign(0, -1), 3.0, -1e-7, 1e21, 123456.789,
			math.MaxFloat64, -2.5, int64(7), nil, absent},
		"b":     {true, false, nil, absent, "oui"},
		"d":     {"2024-02-29", "29/02/2024", nil, absent},
		"dt":    {"2024-02-29T10:11:12Z", "2024-02-29T10:11:12.123456789+02:00", nil, absent, "2023-12-31 23:59:59"},
		"autre": {nil, absent, "x"},
	}
	ring := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	holed := orb.Polygon{ring(4.90, 46.55, 0.01), ring(4.902, 46.552, 0.002)}
	geoms := []orb.Geometry{
		orb.Point{4.9123456789012345, 46.5612345678901234},
		orb.LineString{{4.90, 46.55}, {4.91, 46.56}, {4.915, 46.57}},
		holed,
		orb.MultiPoint{{4.9, 46.5}, {4.95, 46.55}},
		orb.MultiLineString{{{4.90, 46.55}, {4.91, 46.56}}, {{4.92, 46.57}, {4.93, 46.58}}},
		orb.MultiPolygon{holed, {ring(4.95, 46.60, 0.005)}},
		nil,
		orb.Collection{},
		orb.Collection{orb.Point{4.9, 46.5}, orb.LineString{{4.90, 46.55}, {4.91, 46.56}}},
	}
	out := make([]formats.Feature, n)
	for i := range out {
		props := map[string]any{}
		for name, vs := range values {
			if v := vs[i%len(vs)]; v != absent {
				props[name] = v
			}
		}
		out[i] = formats.Feature{ID: fmt.Sprint(i), Geometry: geoms[i%len(geoms)], Properties: props}
	}
	return out
}

// A bulk import's journal (written by SQLite from the rows, past
// bulkThreshold; kept as ranges of rows until read, when no feature of a
// batch has an empty geometry) is what the same features created one by
// one journal: every reader of the journal sees the same entries, change
// ids aside, which stay unique version 7 UUIDs in the order of the entries.
func TestBulkImportJournalsAsCreationsOneByOne(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		n    int
		// ranged: no feature has an empty geometry, so that the
		// batches past the threshold are journaled as ranges…
		ranged bool
		// … but the feature emptyAt (when not 0), which makes its
		// batch journaled entry by entry, after the ranges before it.
		emptyAt int
	}{
		{"one batch and a bit", bulkBatch + 88, false, 0},
		{"several batches", 3*bulkBatch + 1, false, 0},
		{"below the bulk threshold", bulkThreshold, false, 0},
		{"several batches in ranges", 3*bulkBatch + 1, true, 0},
		{"ranges then a batch with an empty geometry", 4*bulkBatch + 1, true, 2*bulkBatch + 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := mixedFeatures(tc.n)
			if tc.emptyAt > 0 {
				fs[tc.emptyAt].Geometry = orb.Collection{}
			}
			if tc.ranged {
				for i, f := range fs {
					if f.Geometry != nil && gpkgbin.IsEmpty(f.Geometry) && i != tc.emptyAt {
						fs[i].Geometry = orb.Point{4.9, 46.5}
					}
				}
			}
			start := time.Now().UTC()
			single, bulk := mixedWorkspace(t), mixedWorkspace(t)
			before := len(journalOf(t, bulk))
			err := single.Edit(ctx, func(tx *Tx) error {
				for _, f := range fs {
					if _, err := tx.Create("mix", Feature{Geometry: f.Geometry, Properties: f.Properties}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ds := &formats.Dataset{Name: "mix", SRS: SRSWGS84, Features: fs}
			for _, f := range mixedSchema().Fields {
				ds.Fields = append(ds.Fields, formats.Field{Name: f.Name, Type: f.Type})
			}
			if rep, err := bulk.Import(ctx, ds, ImportOptions{Layer: "mix"}); err != nil || rep.Features != tc.n {
				t.Fatal(rep, err)
			}
			end := time.Now().UTC()
			if tc.ranged {
				if n, entries := countRows(t, bulk, "tm_journal_ranges"), countRows(t, bulk, "tm_journal"); n == 0 || (entries != before) != (tc.emptyAt > 0) {
					t.Errorf("%d ranges and %d entries after the import (%d before it)", n, entries, before)
				}
			}
			if counts, err := bulk.JournalCount(ctx); err != nil || counts[StatePending] != before+tc.n {
				t.Errorf("JournalCount = %v, %v before the journal is read; want %d pending", counts, err, before+tc.n)
			}
			want, got := journalOf(t, single), journalOf(t, bulk)
			if n := countRows(t, bulk, "tm_journal_ranges"); n != 0 {
				t.Errorf("%d ranges left once the journal was read", n)
			}
			if len(got) != len(want) {
				t.Fatalf("%d entries after the import, %d after the creations one by one", len(got), len(want))
			}
			rows, err := bulk.Query(ctx, Query{Layer: "mix"})
			if err != nil {
				t.Fatal(err)
			}
			uuids := map[string]bool{}
			for _, f := range rows {
				uuids[f.UUID] = true
			}
			for i := range got {
				g, w := got[i], want[i]
				if i >= before && !uuids[g.UUID] {
					t.Errorf("entry %d: uuid %q is no feature of the layer", i, g.UUID)
				}
				if !sameEntry(g, w) {
					t.Errorf("entry %d:\nimport     %s\none by one %s", i, entryString(g), entryString(w))
				}
			}
			for _, ws := range []*Workspace{single, bulk} {
				checkChangeIDs(t, ws, start, end)
			}
			if w, g := rawJournalGeometries(t, single), rawJournalGeometries(t, bulk); !reflect.DeepEqual(g, w) {
				t.Errorf("journal geometry blobs differ from those of the creations one by one")
			}
		})
	}
}

// mixedWorkspace is a workspace with the mix layer, where three features
// were created and one of them deleted (the imported rows' fids do not
// start at 1 and the journal is not empty).
func mixedWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws := newWorkspace(t)
	ctx := context.Background()
	if _, err := ws.CreateLayer(ctx, mixedSchema()); err != nil {
		t.Fatal(err)
	}
	err := ws.Edit(ctx, func(tx *Tx) error {
		var ids []string
		for i := range 3 {
			f, err := tx.Create("mix", Feature{Geometry: orb.Point{4.9, 46.5 + float64(i)/100}, Properties: map[string]any{"txt": fmt.Sprint("avant ", i)}})
			if err != nil {
				return err
			}
			ids = append(ids, f.UUID)
		}
		return tx.Delete("mix", ids[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func journalOf(t *testing.T, ws *Workspace) []JournalEntry {
	t.Helper()
	es, err := ws.Journal(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := ws.Pending(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(es, pending) {
		t.Errorf("Pending differs from Journal")
	}
	return es
}

// sameEntry compares what a journal reader sees of two entries but their
// sequence number, change id, feature uuid and time. A real is compared
// with ==, as every reader does: a -0 the row keeps as 0 is 0 in the
// import's journal and -0 in a creation's (the row holds 0 in both).
func sameEntry(a, b JournalEntry) bool {
	a.Seq, a.ChangeID, a.CreatedAt, a.UUID = 0, "", time.Time{}, ""
	b.Seq, b.ChangeID, b.CreatedAt, b.UUID = 0, "", time.Time{}, ""
	return reflect.DeepEqual(a, b)
}

func entryString(e JournalEntry) string {
	return fmt.Sprintf("%s %s base=%d geomChanged=%v state=%s reason=%q geom=%#v props=%#v",
		e.Layer, e.Op, e.BaseVersion, e.GeometryChanged, e.State, e.Reason, e.Geometry, e.Properties)
}

// checkChangeIDs checks that the journal's change ids are unique version 7
// UUIDs ascending with seq, and its times those of the test, written as
// journal writes them (RFC 3339 in UTC, nanoseconds without trailing zeros).
func checkChangeIDs(t *testing.T, ws *Workspace, start, end time.Time) {
	t.Helper()
	rows, err := ws.db.Query(`SELECT seq, change_id, created_at FROM tm_journal ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	prev := ""
	for rows.Next() {
		var seq int64
		var id, created string
		if err := rows.Scan(&seq, &id, &created); err != nil {
			t.Fatal(err)
		}
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 || u.String() != id {
			t.Errorf("seq %d: change id %q is not a version 7 UUID (%v)", seq, id, err)
		}
		if seen[id] {
			t.Errorf("seq %d: change id %s twice", seq, id)
		}
		if id <= prev {
			t.Errorf("seq %d: change id %s not after %s", seq, id, prev)
		}
		seen[id], prev = true, id
		at, err := time.Parse(time.RFC3339Nano, created)
		if err != nil || at.Format(time.RFC3339Nano) != created || at.Location() != time.UTC || at.Before(start) || at.After(end) {
			t.Errorf("seq %d: created_at %q (%v) not an RFC 3339 UTC time between %v and %v", seq, created, err, start, end)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// rawJournalGeometries is the journal's geometry column as stored, NULLs
// apart from empty blobs.
func rawJournalGeometries(t *testing.T, ws *Workspace) [][]byte {
	t.Helper()
	rows, err := ws.db.Query(`SELECT geometry FROM tm_journal ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
