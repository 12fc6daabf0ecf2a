package pgstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// hydrants is the layer the core tests write: one field of each type.
func hydrants() schema.Layer {
	return schema.Layer{Name: "hydrants", Title: "Points d'eau incendie", GeometryType: schema.Point, Fields: []schema.Field{
		{Name: "numero", Title: "Numéro", Type: schema.Text, Required: true},
		{Name: "debit", Title: "Débit (m³/h)", Type: schema.Real},
		{Name: "pression", Type: schema.Integer},
		{Name: "disponible", Type: schema.Boolean, Default: true},
		{Name: "date_ct", Title: "Date du contrôle", Type: schema.Date},
		{Name: "maj", Type: schema.DateTime},
	}}
}

// coreStore is a platform storage as the core tests use it: the
// Storage contract, bulk seeding and the end of the feed.
type coreStore interface {
	server.Seeder
	FeedEnd(ctx context.Context) (int64, error)
}

// forBothCores runs fn as a subtest on a new SQLite platform and on a new
// PostgreSQL one, each with the hydrants layer.
func forBothCores(t *testing.T, fn func(t *testing.T, st coreStore)) {
	t.Helper()
	put := func(t *testing.T, st coreStore) {
		if err := st.PutLayer(context.Background(), server.LayerRecord{Schema: hydrants()}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		st, err := server.OpenSQLite(filepath.Join(t.TempDir(), "platform.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		put(t, st)
		fn(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st := openTestStorage(t)
		put(t, st)
		fn(t, st)
	})
}

// testID is the id of the n-th test feature.
func testID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// hydrant is a feature of the hydrants layer.
func hydrant(n int, version int64) protocol.FeatureState {
	return protocol.FeatureState{Exists: true, Version: version, Geometry: orb.Point{4.9 + float64(n)/1000, 46.56},
		Properties: map[string]any{"numero": fmt.Sprintf("PEI-%03d", n), "debit": 60.5, "pression": int64(3),
			"disponible": true, "date_ct": "2024-05-01", "maj": "2024-05-01T08:30:00Z"}}
}

// write writes versions of features in one transaction and returns their
// sequence numbers.
func write(t testing.TB, st server.Storage, author string, fs map[string]protocol.FeatureState) map[string]int64 {
	t.Helper()
	seqs := map[string]int64{}
	err := st.Write(context.Background(), func(tx server.WriteTx) error {
		for _, id := range sortedKeys(fs) {
			f := fs[id]
			op := protocol.OpUpdate
			switch {
			case !f.Exists:
				op = protocol.OpDelete
			case f.Version == 1:
				op = protocol.OpCreate
			}
			seq, err := tx.WriteVersion("hydrants", id, f, op, author, []string{"numero"})
			if err != nil {
				return err
			}
			seqs[id] = seq
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs
}

func TestFeatureVersionsAndTombstones(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1), testID(2): hydrant(2, 1)})
		v2 := hydrant(1, 2)
		v2.Properties["debit"] = 75.0
		v2.Properties["date_ct"] = nil
		v2.Geometry = orb.Point{4.95, 46.57}
		write(t, st, "uchizy", map[string]protocol.FeatureState{testID(1): v2, testID(2): {Version: 2}})
		cases := []struct {
			name string
			id   string
			want protocol.FeatureState
		}{
			{"updated", testID(1), v2},
			{"deleted", testID(2), protocol.FeatureState{Version: 2}},
			{"never created", testID(3), protocol.FeatureState{}},
			{"not a uuid", "PEI-71543-094", protocol.FeatureState{}},
		}
		for _, c := range cases {
			got, err := st.Feature(ctx, "hydrants", c.id)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !sameState(got, c.want) {
				t.Errorf("%s: Feature = %+v, want %+v", c.name, got, c.want)
			}
		}
		err := st.Write(ctx, func(tx server.WriteTx) error {
			old, err := tx.FeatureVersion("hydrants", testID(1), 1)
			if err != nil {
				return err
			}
			if want := hydrant(1, 1); !sameState(old, want) {
				t.Errorf("FeatureVersion v1 = %+v, want %+v", old, want)
			}
			// Within a transaction, a version written is read back before commit.
			v3 := hydrant(1, 3)
			if _, err := tx.WriteVersion("hydrants", testID(1), v3, protocol.OpUpdate, "tournus", nil); err != nil {
				return err
			}
			cur, err := tx.Feature("hydrants", testID(1))
			if err != nil {
				return err
			}
			if !sameState(cur, v3) {
				t.Errorf("Feature after WriteVersion in the tx = %+v, want %+v", cur, v3)
			}
			return errors.New("roll back")
		})
		if err == nil {
			t.Fatal("Write returned no error from a failing fn")
		}
		if got, _ := st.Feature(ctx, "hydrants", testID(1)); got.Version != 2 {
			t.Errorf("after a rolled-back write, version %d, want 2", got.Version)
		}
	})
}

// sameState compares features as the platform's readers see them.
func sameState(a, b protocol.FeatureState) bool {
	if a.Exists != b.Exists || a.Version != b.Version || !reflect.DeepEqual(a.Geometry, b.Geometry) {
		return false
	}
	for _, f := range hydrants().Fields {
		if !reflect.DeepEqual(a.Properties[f.Name], b.Properties[f.Name]) {
			return false
		}
	}
	return true
}

func TestChangesLatestOfEachInSeqOrder(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		first := write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1), testID(2): hydrant(2, 1), testID(3): hydrant(3, 1)})
		second := write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 2), testID(3): {Version: 2}})
		end, err := st.FeedEnd(ctx)
		if err != nil || end != second[testID(3)] {
			t.Fatalf("FeedEnd = %d, %v; want %d", end, err, second[testID(3)])
		}
		all, next, more, err := st.Changes(ctx, 0, 100, []string{"hydrants"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range all {
			got = append(got, fmt.Sprintf("%d %s v%d deleted=%v", c.Seq, c.ID[len(c.ID)-1:], c.Version, c.Deleted))
		}
		want := []string{
			fmt.Sprintf("%d 2 v1 deleted=false", first[testID(2)]),
			fmt.Sprintf("%d 1 v2 deleted=false", second[testID(1)]),
			fmt.Sprintf("%d 3 v2 deleted=true", second[testID(3)]),
		}
		if !reflect.DeepEqual(got, want) || next != end || more {
			t.Errorf("Changes(0) = %v next %d more %v; want %v next %d", got, next, more, want, end)
		}
		if all[1].ModifiedBy != "tournus" || all[1].ModifiedAt.IsZero() || all[1].Properties["numero"] != "PEI-001" {
			t.Errorf("change %+v lacks its author, time or properties", all[1])
		}
		// Pages of one: each page ends at its last seq, the last one at the end.
		var paged []int64
		cursor := int64(0)
		for i := 0; ; i++ {
			page, n, more, err := st.Changes(ctx, cursor, 1, []string{"hydrants"})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				paged = append(paged, c.Seq)
			}
			cursor = n
			if !more || i > 10 {
				break
			}
		}
		if fmt.Sprint(paged) != fmt.Sprint([]int64{all[0].Seq, all[1].Seq, all[2].Seq}) || cursor != end {
			t.Errorf("paged by one: %v ending at %d; want %v ending at %d", paged, cursor, all, end)
		}
		if none, n, _, err := st.Changes(ctx, end, 10, []string{"hydrants"}); err != nil || len(none) != 0 || n != end {
			t.Errorf("Changes(end) = %d changes, next %d, %v; want none at %d", len(none), n, err, end)
		}
		if none, n, _, err := st.Changes(ctx, 0, 10, []string{"other"}); err != nil || len(none) != 0 || n != end {
			t.Errorf("Changes of another layer = %d changes, next %d, %v; want none, cursor at the end %d", len(none), n, err, end)
		}
	})
}

func TestHistoryKeepsEveryVersion(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1)})
		write(t, st, "uchizy", map[string]protocol.FeatureState{testID(1): hydrant(1, 2)})
		write(t, st, "admin", map[string]protocol.FeatureState{testID(1): {Version: 3}})
		h, err := st.History(context.Background(), testID(1))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range h {
			got = append(got, fmt.Sprintf("v%d %s %s %v geom=%v numero=%v", v.Version, v.Op, v.Author, v.Changed, v.Geometry != nil, v.Properties["numero"]))
		}
		want := []string{"v1 create tournus [numero] geom=true numero=PEI-001", "v2 update uchizy [numero] geom=true numero=PEI-001",
			"v3 delete admin [numero] geom=false numero=<nil>"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("History = %v, want %v", got, want)
		}
		if h, err := st.History(context.Background(), "not-a-uuid"); err != nil || len(h) != 0 {
			t.Errorf("History of a bad id = %v, %v; want none", h, err)
		}
	})
}

func TestItemsQueryBoundEqualsAndPages(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		fs := map[string]protocol.FeatureState{}
		for n := 1; n <= 9; n++ {
			f := hydrant(n, 1)
			if n%3 == 0 {
				f.Properties["numero"] = "PEI-X"
				f.Properties["pression"] = nil
			}
			fs[testID(n)] = f
		}
		write(t, st, "tournus", fs)
		write(t, st, "tournus", map[string]protocol.FeatureState{testID(9): {Version: 2}})
		east := orb.Bound{Min: orb.Point{4.9035, 46.5}, Max: orb.Point{5, 46.6}}
		cases := []struct {
			name    string
			q       server.ItemsQuery
			matched int
			ids     int
		}{
			{"all", server.ItemsQuery{Limit: 100}, 8, 8},
			{"page", server.ItemsQuery{Limit: 3, Offset: 6}, 8, 2},
			{"bound", server.ItemsQuery{Bound: &east, Limit: 100}, 5, 5},
			{"equals text", server.ItemsQuery{Equals: map[string]any{"numero": "PEI-X"}, Limit: 100}, 2, 2},
			{"equals integer typed", server.ItemsQuery{Equals: map[string]any{"pression": "3"}, Limit: 100}, 6, 6},
			{"equals nil", server.ItemsQuery{Equals: map[string]any{"pression": nil}, Limit: 100}, 2, 2},
			{"equals date", server.ItemsQuery{Equals: map[string]any{"date_ct": "01/05/2024"}, Limit: 100}, 8, 8},
			{"bound and equals", server.ItemsQuery{Bound: &east, Equals: map[string]any{"numero": "PEI-X"}, Limit: 100}, 1, 1},
		}
		for _, c := range cases {
			got, matched, err := st.QueryItems(ctx, "hydrants", c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if matched != c.matched || len(got) != c.ids {
				t.Errorf("%s: %d returned of %d matched, want %d of %d", c.name, len(got), matched, c.ids, c.matched)
			}
		}
		// Pages are stable: together they give every feature once.
		seen := map[string]bool{}
		for off := 0; off < 8; off += 3 {
			page, _, err := st.QueryItems(ctx, "hydrants", server.ItemsQuery{Limit: 3, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				if seen[c.ID] {
					t.Errorf("feature %s on two pages", c.ID)
				}
				seen[c.ID] = true
			}
		}
		if len(seen) != 8 {
			t.Errorf("pages gave %d features, want 8", len(seen))
		}
		it, ok, err := st.Item(ctx, "hydrants", testID(4))
		want := hydrant(4, 1)
		if err != nil || !ok || it.Version != 1 || !sameState(protocol.FeatureState{Exists: true, Version: it.Version, Geometry: it.Geometry, Properties: it.Properties}, want) {
			t.Errorf("Item = %+v, %v, %v; want %+v", it, ok, err, want)
		}
		for _, id := range []string{testID(9), testID(99), "nope"} {
			if _, ok, err := st.Item(ctx, "hydrants", id); ok || err != nil {
				t.Errorf("Item(%s) = %v, %v; want not found", id, ok, err)
			}
		}
		b, ok := st.Extent(ctx, "hydrants")
		if !ok || b.Min[0] > 4.9011 || b.Max[0] < 4.908 || b.Min[1] > 46.56 || b.Max[1] < 46.56 {
			t.Errorf("Extent = %v, %v; want about 4.901..4.908 × 46.56", b, ok)
		}
	})
}

func TestSchemaEvolution(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1)})
		v0, err := st.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		grown := hydrants()
		grown.Fields = append(grown.Fields, schema.Field{Name: "marque", Title: "Marque", Type: schema.Text, Default: "Bayard"})
		if err := st.PutLayer(ctx, server.LayerRecord{Schema: grown, EditBy: server.EditByAdmins}); err != nil {
			t.Fatal(err)
		}
		if v, _ := st.SchemaVersion(ctx); v != v0+1 {
			t.Errorf("schema version %d after a change, want %d", v, v0+1)
		}
		ls, err := st.Layers(ctx)
		if err != nil || len(ls) != 1 || len(ls[0].Schema.Fields) != len(grown.Fields) || ls[0].EditBy != server.EditByAdmins {
			t.Fatalf("Layers = %+v, %v; want the grown layer, admins only", ls, err)
		}
		// An empty edit right keeps the layer's.
		if err := st.PutLayer(ctx, server.LayerRecord{Schema: grown}); err != nil {
			t.Fatal(err)
		}
		if ls, _ := st.Layers(ctx); ls[0].EditBy != server.EditByAdmins {
			t.Errorf("edit right %q after a PutLayer without one, want kept", ls[0].EditBy)
		}
		v2 := hydrant(1, 2)
		v2.Properties["marque"] = "Pont-à-Mousson"
		write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): v2})
		if f, _ := st.Feature(ctx, "hydrants", testID(1)); f.Properties["marque"] != "Pont-à-Mousson" {
			t.Errorf("new field reads %v", f.Properties["marque"])
		}
		refused := []struct {
			name   string
			change func(l *schema.Layer)
			want   error
		}{
			{"field removed", func(l *schema.Layer) { l.Fields = l.Fields[1:] }, store.ErrIncompatibleSchema},
			{"type changed", func(l *schema.Layer) { l.Fields[1].Type = schema.Text }, store.ErrIncompatibleSchema},
			{"geometry changed", func(l *schema.Layer) { l.GeometryType = schema.LineString }, store.ErrIncompatibleSchema},
			{"reserved field", func(l *schema.Layer) { l.Fields = append(l.Fields, schema.Field{Name: "geom", Type: schema.Text}) }, schema.ErrInvalidSchema},
		}
		for _, c := range refused {
			l := grown
			l.Fields = append([]schema.Field(nil), grown.Fields...)
			c.change(&l)
			if err := st.PutLayer(ctx, server.LayerRecord{Schema: l}); !errors.Is(err, c.want) {
				t.Errorf("%s: PutLayer = %v, want %v", c.name, err, c.want)
			}
		}
		if v, _ := st.SchemaVersion(ctx); v != v0+2 {
			t.Errorf("schema version %d after refused changes, want %d", v, v0+2)
		}
	})
}

func TestSeedFeatures(t *testing.T) {
	forBothCores(t, func(t *testing.T, st coreStore) {
		ctx := context.Background()
		var fs []store.RemoteFeature
		for n := 1; n <= 50; n++ {
			h := hydrant(n, 0)
			fs = append(fs, store.RemoteFeature{UUID: testID(n), Geometry: h.Geometry, Properties: h.Properties})
		}
		if err := st.SeedFeatures(ctx, "hydrants", "import", fs); err != nil {
			t.Fatal(err)
		}
		changes, next, _, err := st.Changes(ctx, 0, 100, []string{"hydrants"})
		if err != nil || len(changes) != 50 || next != changes[49].Seq {
			t.Fatalf("Changes after a seed: %d, next %d, %v; want 50", len(changes), next, err)
		}
		f, err := st.Feature(ctx, "hydrants", testID(7))
		if want := hydrant(7, 1); err != nil || !sameState(f, want) {
			t.Errorf("seeded feature = %+v, %v; want %+v", f, err, want)
		}
		seq := write(t, st, "tournus", map[string]protocol.FeatureState{testID(7): hydrant(7, 2)})[testID(7)]
		if seq != next+1 {
			t.Errorf("the write after a seed of 50 took seq %d, want %d", seq, next+1)
		}
	})
}

// ReadAhead (the push path's batch read) answers exactly as the reads it
// saves: current features, tombstones, features never created, base
// versions present or not, ids that are not UUIDs, unknown layers.
func TestReadAheadAnswersAsReadsDo(t *testing.T) {
	st := newFeedStorage(t)
	ctx := context.Background()
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1), testID(2): hydrant(2, 1)})
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 2), testID(2): {Version: 2}})
	type read struct {
		id      string
		version int64
	}
	reads := []read{{testID(1), 1}, {testID(1), 2}, {testID(1), 7}, {testID(2), 1}, {testID(2), 2}, {testID(3), 1}, {"PEI-1", 1}}
	var changes []protocol.PushChange
	for i, r := range reads {
		changes = append(changes, protocol.PushChange{ChangeID: testID(500 + i), Layer: "hydrants", ID: r.id, Op: protocol.OpUpdate, BaseVersion: r.version})
	}
	changes = append(changes, protocol.PushChange{ChangeID: testID(600), Layer: "nowhere", ID: testID(1), Op: protocol.OpUpdate, BaseVersion: 1})
	answers := func(ahead bool) []string {
		var out []string
		err := st.Write(ctx, func(tx server.WriteTx) error {
			if ahead {
				if err := tx.(*writeTx).ReadAhead("tournus", changes); err != nil {
					return err
				}
			}
			for _, r := range reads {
				cur, err := tx.Feature("hydrants", r.id)
				if err != nil {
					return err
				}
				old, err := tx.FeatureVersion("hydrants", r.id, r.version)
				if err != nil {
					return err
				}
				out = append(out, fmt.Sprintf("%s: %+v / v%d %+v", r.id, cur, r.version, old))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	direct, ahead := answers(false), answers(true)
	if !reflect.DeepEqual(direct, ahead) {
		t.Errorf("read ahead:\n%v\nread one by one:\n%v", ahead, direct)
	}
}

// Every head of a feature that exists holds the hash of its table row as
// the platform wrote it (the reconciliation's reference), after writes,
// deletions and a seed alike; a tombstone has none.
func TestRowHashesMatchTheRows(t *testing.T) {
	st := newFeedStorage(t)
	ctx := context.Background()
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 1), testID(2): hydrant(2, 1), testID(3): hydrant(3, 1)})
	write(t, st, "tournus", map[string]protocol.FeatureState{testID(1): hydrant(1, 2), testID(2): {Version: 2}})
	h := hydrant(4, 1)
	if err := st.SeedFeatures(ctx, "hydrants", "import", []store.RemoteFeature{{UUID: testID(4), Geometry: h.Geometry, Properties: h.Properties}}); err != nil {
		t.Fatal(err)
	}
	l, err := loadLayer(ctx, st.pool, "hydrants")
	if err != nil {
		t.Fatal(err)
	}
	var live, matching, tombstones int
	err = st.pool.QueryRow(ctx, `SELECT count(t.uuid), count(*) FILTER (WHERE h.row_hash = `+rowHashExpr(l.rec.Schema, "t")+`),
		count(*) FILTER (WHERE h.deleted AND h.row_hash IS NULL)
		FROM terrimap.heads h LEFT JOIN `+l.ident()+` t ON t.uuid = h.uuid WHERE h.layer = 'hydrants'`).Scan(&live, &matching, &tombstones)
	if err != nil {
		t.Fatal(err)
	}
	if live != 3 || matching != 3 || tombstones != 1 {
		t.Errorf("%d rows, %d heads with their row's hash, %d tombstones without one; want 3, 3, 1", live, matching, tombstones)
	}
}
