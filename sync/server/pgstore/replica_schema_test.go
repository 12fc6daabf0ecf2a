package pgstore

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// A server that installs the platform while its replica has not replayed
// the install yet (a replica seconds behind, an upgrade's new tables)
// reads from the primary what the replica lacks: the feed, a feature's
// history, the OGC API's items all answer, where each read sent to the
// replica failed («relation terrimap.feed_clock does not exist», HTTP
// 500, seen in CI under load).
func TestReadsTheReplicaLacksGoToThePrimary(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	replica := pgtest.ReplicaOf(t, db) // caught up with the empty database
	pauseReplica(t, replica)

	st, err := Open(ctx, db, Options{ReplicaURL: replica})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var missing bool
	if err := st.read.QueryRow(ctx, `SELECT to_regclass('terrimap.feed_clock') IS NULL`).Scan(&missing); err != nil || !missing {
		t.Fatalf("the paused replica has the platform's tables already (%v): the test proves nothing", err)
	}
	id := putHydrant(t, st)

	// No user in ctx: each read goes to the replica first.
	end, err := st.FeedEnd(ctx)
	if err != nil || end == 0 {
		t.Errorf("FeedEnd = %d, %v; want the primary's end of the feed", end, err)
	}
	changes, _, _, err := st.Changes(ctx, 0, 10, []string{"pei"})
	if err != nil || len(changes) != 1 || changes[0].ID != id {
		t.Errorf("Changes = %v, %v; want the feature pushed", changes, err)
	}
	if versions, err := st.History(ctx, id); err != nil || len(versions) != 1 {
		t.Errorf("History = %v, %v; want its one version", versions, err)
	}
	assertItemRead(t, st, id)
}

// A layer made while the replica, which has the platform's tables, has
// not replayed it yet: its items are read on the primary, where the OGC
// API answered 404 for a feature the platform has.
func TestALayerTheReplicaLacksIsReadOnThePrimary(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	st, err := Open(ctx, db, Options{ReplicaURL: pgtest.ReplicaOf(t, db)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	replica := pgtest.ReplicaOf(t, db) // waits until it has replayed the install
	pauseReplica(t, replica)
	id := putHydrant(t, st)
	var missing bool
	if err := st.read.QueryRow(ctx, `SELECT count(*) = 0 FROM terrimap.layers WHERE name = 'pei'`).Scan(&missing); err != nil || !missing {
		t.Fatalf("the paused replica has the layer already (%v): the test proves nothing", err)
	}
	assertItemRead(t, st, id)
}

// pauseReplica stops the replica at url from replaying until the test
// ends; the replica is the package's, so it replays again after.
func pauseReplica(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
			t.Errorf("resume the replica's replay: %v", err)
		}
		conn.Close(ctx)
	})
	if _, err := conn.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
}

// putHydrant makes the layer pei on st with one hydrant, whose id it
// returns.
func putHydrant(t *testing.T, st *Storage) string {
	t.Helper()
	ctx := context.Background()
	pei := schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point,
		Fields: []schema.Field{{Name: "numero", Type: schema.Text}}}
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: pei}); err != nil {
		t.Fatal(err)
	}
	id := store.NewID()
	err := st.Write(ctx, func(tx server.WriteTx) error {
		_, err := tx.WriteVersion("pei", id, protocol.FeatureState{Exists: true, Version: 1,
			Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"numero": "PI 1"}}, protocol.OpCreate, "agent", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// assertItemRead checks the OGC API's reads of the hydrant id.
func assertItemRead(t *testing.T, st *Storage, id string) {
	t.Helper()
	ctx := context.Background()
	if got, ok, err := st.Item(ctx, "pei", id); err != nil || !ok || got.Properties["numero"] != "PI 1" {
		t.Errorf("Item = %v, %v, %v; want the feature pushed", got, ok, err)
	}
	if items, n, err := st.QueryItems(ctx, "pei", server.ItemsQuery{Limit: 10}); err != nil || n != 1 || len(items) != 1 {
		t.Errorf("QueryItems = %v, %d, %v; want the feature pushed", items, n, err)
	}
}
