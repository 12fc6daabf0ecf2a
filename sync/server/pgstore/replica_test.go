package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"terrimap/internal/pgtest"
	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// replicaPlatform is a platform served over real HTTP by a server that
// reads through the test cluster's streaming replica.
type replicaPlatform struct {
	t       *testing.T
	st      *Storage
	url     string
	replica string // the replica's URL of the platform's database
	tokens  map[string]string
}

// newReplicaPlatform serves a new platform with a hydrant layer, an
// editor of the intercommunality ("agent") and a viewer of Tournus
// ("elu"), each signed in, reading through the replica.
func newReplicaPlatform(t *testing.T) *replicaPlatform {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	replica := pgtest.ReplicaOf(t, db)
	st, err := Open(ctx, db, Options{ReplicaURL: replica})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pei := schema.Layer{Name: "pei", Title: "Points d'eau incendie", GeometryType: schema.Point,
		Fields: []schema.Field{{Name: "numero", Type: schema.Text}}}
	if err := st.PutLayer(ctx, server.LayerRecord{Schema: pei}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []server.Organisation{{ID: protocol.OrgCCMT, Name: "CCMT"}, {ID: "71543", Name: "Tournus", Territory: tournusSquare}} {
		if err := st.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	hash, err := server.HashPasswordCost(testPassword, 4)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]protocol.Membership{
		"agent": {Org: protocol.OrgCCMT, Role: protocol.RoleEditor},
		"elu":   {Org: "71543", Role: protocol.RoleViewer},
	}
	for name, m := range users {
		if err := st.PutUser(ctx, server.User{Name: name, PasswordHash: hash, Memberships: []protocol.Membership{m}}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	t.Cleanup(srv.Close)
	p := &replicaPlatform{t: t, st: st, url: srv.URL, replica: replica, tokens: map[string]string{}}
	for name := range users {
		var tok protocol.TokenResponse
		if code := p.call("", http.MethodPost, protocol.PathToken, protocol.TokenRequest{Username: name, Password: testPassword}, &tok); code != http.StatusOK {
			t.Fatalf("sign in %s: HTTP %d", name, code)
		}
		p.tokens[name] = tok.Token
	}
	return p
}

// call sends a JSON request as user (none when empty) and decodes a
// successful answer into out.
func (p *replicaPlatform) call(user, method, path string, body, out any) int {
	p.t.Helper()
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			p.t.Fatal(err)
		}
	}
	req, _ := http.NewRequest(method, p.url+path, &rd)
	if user != "" {
		req.Header.Set(protocol.HeaderAuthorization, protocol.Authorization(p.tokens[user]))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// feed reads the feed after since as user: the features' ids and the
// page's end.
func (p *replicaPlatform) feed(user string, since int64) ([]string, int64) {
	p.t.Helper()
	var page protocol.ChangesResponse
	if code := p.call(user, http.MethodGet, protocol.ChangesPath(since, protocol.MaxChangesLimit), nil, &page); code != http.StatusOK {
		p.t.Fatalf("changes as %s: HTTP %d", user, code)
	}
	var ids []string
	for _, c := range page.Changes {
		ids = append(ids, c.ID)
	}
	return ids, page.Next
}

// health reads GET /healthz.
func (p *replicaPlatform) health() server.Health {
	p.t.Helper()
	var h server.Health
	if code := p.call("", http.MethodGet, "/healthz", nil, &h); code != http.StatusOK {
		p.t.Fatalf("/healthz: HTTP %d", code)
	}
	return h
}

// pauseReplay stops the replica from replaying what the primary commits
// until resume is called or the test ends: a replica as far behind as a
// test wants.
func (p *replicaPlatform) pauseReplay() (resume func()) {
	p.t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.replica)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		p.t.Fatal(err)
	}
	done := false
	resume = func() {
		if !done {
			done = true
			conn.Exec(ctx, `SELECT pg_wal_replay_resume()`)
			conn.Close(ctx)
		}
	}
	p.t.Cleanup(resume)
	return resume
}

// waitUntil polls cond until it holds, failing the test after a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not the case after a minute: %s", what)
		}
	}
}

// A server reading through a replica that has stopped replaying: the user
// who pushed reads their push, in the feed and in the OGC API (from the
// primary); another user reads the replica, which lacks it, and /healthz
// shows the replica behind. Once it replays, everyone reads the push and
// /healthz shows it caught up.
func TestReadYourWritesThroughAReplica(t *testing.T) {
	p := newReplicaPlatform(t)
	_, start := p.feed("elu", 0)
	if h := p.health(); h.Replica == nil || h.Replica.Status != "ok" {
		t.Fatalf("/healthz of a server with a replica: %+v", h.Replica)
	}

	resume := p.pauseReplay()
	id := store.NewID()
	var pushed protocol.PushResponse
	req := protocol.PushRequest{ClientID: "desk", Changes: []protocol.PushChange{{ChangeID: store.NewID(), Layer: "pei", ID: id,
		Op: protocol.OpCreate, GeometryChanged: true, Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-1"}}}}
	if code := p.call("agent", http.MethodPost, protocol.PathPush, req, &pushed); code != http.StatusOK || pushed.Results[0].Status != protocol.StatusApplied {
		t.Fatalf("push: HTTP %d %+v", code, pushed)
	}
	item := "/ogc/collections/pei/items/" + id
	if ids, next := p.feed("agent", start); !slices.Contains(ids, id) || next < pushed.Results[0].Seq {
		t.Errorf("the user who pushed read a feed without their push: %v up to %d", ids, next)
	}
	if code := p.call("agent", http.MethodGet, item, nil, nil); code != http.StatusOK {
		t.Errorf("the user who pushed gets HTTP %d for the feature they created", code)
	}
	if ids, next := p.feed("elu", start); slices.Contains(ids, id) || next != start {
		t.Errorf("another user read %v up to %d from a replica that has replayed nothing since %d", ids, next, start)
	}
	if code := p.call("elu", http.MethodGet, item, nil, nil); code != http.StatusNotFound {
		t.Errorf("another user gets HTTP %d for a feature the replica has not replayed, want 404", code)
	}
	if h := p.health(); h.Replica == nil || h.Replica.FeedBehind < 1 {
		t.Errorf("/healthz with the replica paused after a push: %+v", h.Replica)
	}

	resume()
	waitUntil(t, "the other user reads the push", func() bool {
		ids, _ := p.feed("elu", start)
		return slices.Contains(ids, id)
	})
	// (Its lag in seconds is the whole cluster's, which other databases'
	// writes keep above zero at times: the feed is what this platform has.)
	waitUntil(t, "/healthz shows the replica caught up with the feed", func() bool {
		h := p.health()
		return h.Replica != nil && h.Replica.Status == "ok" && h.Replica.FeedBehind == 0
	})
}

// Reads go to the replica: a feature written on the primary while the
// replica does not replay is invisible to a read made outside any request
// (a tool, the basemap's copy) and to a user who pushed nothing, and the
// primary's pool serves no such read.
func TestReadsGoToTheReplica(t *testing.T) {
	p := newReplicaPlatform(t)
	ctx := context.Background()
	p.pauseReplay()
	err := p.st.Write(ctx, func(tx server.WriteTx) error {
		_, err := tx.WriteVersion("pei", store.NewID(), protocol.FeatureState{Exists: true, Version: 1,
			Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": "H-2"}}, protocol.OpCreate, "seed", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, ctx := range map[string]context.Context{"a tool": ctx, "a user who pushed nothing": server.WithRequestUser(ctx, "elu")} {
		items, n, err := p.st.QueryItems(ctx, "pei", server.ItemsQuery{Limit: 10})
		if err != nil || len(items) != 0 || n != 0 {
			t.Errorf("%s read %d items (%d matched, %v) from a replica that has replayed none", name, len(items), n, err)
		}
		if changes, _, _, err := p.st.Changes(ctx, 0, 10, []string{"pei"}); err != nil || len(changes) != 0 {
			t.Errorf("%s read %d changes (%v) from a replica that has replayed none", name, len(changes), err)
		}
	}
	if pool := p.st.reader(server.WithRequestUser(ctx, "agent")); pool != p.st.read {
		t.Error("a user who pushed nothing is not sent to the replica")
	}
}
